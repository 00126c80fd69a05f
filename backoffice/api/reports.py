"""/api/v1/reports/: the report pages' tables as JSON. Thin: the report's
filters are read by the pages' own form (reports.params.ReportFilterForm), so
the rules are the pages'; the report plugin computes and its selectors scope
(a counsellor's report counts only their customers)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.api.import_serializers import ErrorSerializer
from backoffice.reports.params import GRANULARITIES, PRESETS, ReportFilterForm
from backoffice.reports.registry import report_get, reports_for


class ReportSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    managers_only = serializers.BooleanField()
    filters = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy(
        "The filters that apply (counsellor and data source are managers' only)."))
    has_granularity = serializers.BooleanField()


class ReportListSerializer(serializers.Serializer):
    results = ReportSerializer(many=True)


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["text", "int", "pct", "hours", "decimal", "date"])


class ReportParamsSerializer(serializers.Serializer):
    preset = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    counsellor = serializers.IntegerField(allow_null=True)
    area = serializers.CharField(allow_blank=True)
    data_source = serializers.IntegerField(allow_null=True)
    granularity = serializers.CharField(allow_blank=True)


class ReportTableSerializer(serializers.Serializer):
    report = ReportSerializer()
    params = ReportParamsSerializer(help_text=gettext_lazy("The filters as applied."))
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.DictField(), help_text=gettext_lazy(
        "One object per row, by the columns' keys (a few reports add others)."))
    totals = serializers.DictField(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())


def _report(cls) -> dict:
    return {"identifier": cls.identifier, "title": str(cls.title),
            "description": str(cls.description or ""), "managers_only": cls.managers_only,
            "filters": list(cls.filters), "has_granularity": cls.has_granularity}


class ReportListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="The reports you may see", responses=ReportListSerializer,
                   operation_id="reports_list")
    def get(self, request):
        return Response({"results": [_report(cls) for cls in reports_for(request.user)]})


PARAMETERS = [
    OpenApiParameter("identifier", str, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$",
                     description="The report's identifier (from the list)."),
    OpenApiParameter("preset", str, enum=[value for value, _label in PRESETS],
                     description="The period; “custom” (or a date given) for date_from–date_to. "
                                 "This month when nothing is given."),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="YYYY-MM-DD (or DD/MM/YYYY)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE),
    OpenApiParameter("counsellor", int, description="Managers: a counsellor's user id."),
    OpenApiParameter("area", str, description="The area (any case)."),
    OpenApiParameter("data_source", int, description="Managers: a data source's id."),
    OpenApiParameter("granularity", str, enum=[v for v, _label in GRANULARITIES],
                     description="Trends only: a row per day, week or month (left out: "
                                 "one that suits the period)."),
]


class ReportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="A report's rows, with the report page's filters",
        parameters=PARAMETERS,
        responses={200: ReportTableSerializer,
                   403: OpenApiResponse(ErrorSerializer,
                                        description="A report your role may not see."),
                   404: OpenApiResponse(ErrorSerializer, description="No such report.")},
        description="A filter that does not apply to this report or to your role is a 400 "
                    "(never ignored): counsellors' reports are of their own customers.")
    def get(self, request, identifier: str):
        try:
            cls = report_get(identifier)
        except LookupError:
            raise NotFound(_("No such report.")) from None
        if not cls.visible_to(request.user):
            raise PermissionDenied(_("This report is not for your role."))
        report = cls()
        empty = [name for name, value in request.query_params.items()
                 if value == "" and name != "area"]
        if empty:
            raise ValidationError({name: [_("Give a value, or leave the parameter out.")]
                                   for name in empty})
        preset = request.query_params.get("preset")
        if preset is not None and preset not in dict(PRESETS):
            # the pages read an unknown period (an old link) as this month; a caller is told
            raise ValidationError({"preset": [_("One of: %s.") % ", ".join(dict(PRESETS))]})
        form = ReportFilterForm(request.query_params, user=request.user, report=report)
        extra = sorted(set(request.query_params) - set(form.fields))
        if extra:
            raise ValidationError({name: [_("Does not apply to this report or your role.")]
                                   for name in extra})
        if not form.is_valid():
            raise ValidationError({("detail" if name == "__all__" else name):
                                   [str(m) for m in messages]
                                   for name, messages in form.errors.items()})
        params = form.params()
        table = report.table(params)
        return Response({
            "report": _report(cls),
            "params": {"preset": form.cleaned_data["preset"],
                       "date_from": params.date_from, "date_to": params.date_to,
                       "counsellor": params.counsellor_id, "area": params.area,
                       "data_source": params.data_source_id,
                       "granularity": params.granularity},
            "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind}
                        for c in table.columns],
            "rows": table.rows, "totals": table.totals,
            "notes": [str(note) for note in table.notes],
        })
