from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminFileFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
)

from backoffice.accounts.selectors import counsellors_active
from backoffice.customers.statuses import Status
from backoffice.imports.models import AssignmentRule, DataSource, DuplicatePolicy
from backoffice.imports.readers import EXTENSIONS


class UploadForm(forms.Form):
    data_source = forms.ModelChoiceField(
        label=_("Data source"),
        queryset=DataSource.objects.filter(is_active=True),
        required=False,
        empty_label=_("Detect from the file's headers"),
        widget=UnfoldAdminSelectWidget,
    )
    file = forms.FileField(
        label=_("File"),
        widget=UnfoldAdminFileFieldWidget(attrs={"accept": ",".join(EXTENSIONS)}),
        help_text=_("A workbook (.xlsx, .xls, .ods) or delimited text (.csv, .tsv, .txt); the "
                    "header row may have title rows above it."),
    )
    sheet = forms.CharField(
        label=_("Sheet"), required=False, max_length=120, widget=UnfoldAdminTextInputWidget,
        help_text=_("Workbooks only; the first sheet when left empty."),
    )


class MappingForm(forms.Form):
    """Which column holds which field; the detected mapping is the initial one."""

    def __init__(self, *args, headers: list[str], fields: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in this file —"))] + [
            (str(i), header or _("(column %d)") % (i + 1)) for i, header in enumerate(headers)
        ]
        for name in fields:
            self.fields[f"map_{name}"] = forms.ChoiceField(
                label=name.replace("_", " ").capitalize(), choices=choices, required=False,
                widget=UnfoldAdminSelectWidget,
            )

    def mapping(self) -> dict[str, int]:
        return {
            name.removeprefix("map_"): int(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("map_") and value != ""
        }


class ConfirmForm(forms.Form):
    policy = forms.ChoiceField(
        label=_("Numbers that are already customers"), choices=DuplicatePolicy.choices,
        widget=UnfoldAdminSelectWidget,
    )
    assignment = forms.ChoiceField(
        label=_("Assign new customers"), choices=AssignmentRule.choices,
        widget=UnfoldAdminSelectWidget,
    )
    counsellors = forms.ModelMultipleChoiceField(
        label=_("Counsellors"), queryset=counsellors_active(), required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
    )
    default_area = forms.CharField(label=_("Area when the file has none"), required=False,
                                   max_length=120, widget=UnfoldAdminTextInputWidget)
    default_status = forms.ChoiceField(label=_("Status of new customers"), choices=Status.choices,
                                       widget=UnfoldAdminSelectWidget)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("assignment") not in (None, AssignmentRule.NONE) and not cleaned.get(
            "counsellors"
        ):
            self.add_error("counsellors", _("Choose who the new customers go to."))
        return cleaned

