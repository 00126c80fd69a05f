"""The API's endpoints. Thin: every read starts from customers_visible_to (a
customer the caller may not see is a 404, as in the admin), every write goes
through the admin's services, with the caller as the one who did it."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.accounts.roles import is_manager
from backoffice.accounts.selectors import counsellors_active
from backoffice.api import serializers as s
from backoffice.api.filters import CustomerFilters, customers_filtered
from backoffice.api.pagination import Key, KeysetPagination
from backoffice.customers import services
from backoffice.customers.models import Enquiry, StatusChange
from backoffice.customers.selectors import customers_visible_to

User = get_user_model()

class CustomerPagination(KeysetPagination):
    # each served by an index (customer_date_added_idx, customer_name_idx, the key)
    orderings = {
        "-date_added": Key("date_added", "date", descending=True),
        "date_added": Key("date_added", "date"),
        "name": Key("name"),
        "-name": Key("name", descending=True),
        "-id": Key("id", "int", descending=True),
        "id": Key("id", "int"),
    }


class TimelinePagination(KeysetPagination):
    orderings = {"-changed_at": Key("changed_at", "datetime", descending=True)}


class EnquiryPagination(KeysetPagination):
    orderings = {"-at": Key("at", "datetime", descending=True)}


class UserPagination(KeysetPagination):
    orderings = {"id": Key("id", "int")}
NOT_FOUND = {404: OpenApiResponse(description="No such customer, or not one of yours.")}


class CanAssign(BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("customers.assign_customer")


class CanViewUsers(BasePermission):
    def has_permission(self, request, view):
        return is_manager(request.user) and request.user.has_perm("accounts.view_user")


class ByIdMixin:
    """The object of the path's id among ``get_queryset()``, else 404 — an id
    the database cannot hold (the path takes any digits) included."""

    lookup_value_converter = "int"


    def get_object(self):
        pk = int(self.kwargs["pk"])
        found = self.get_queryset().filter(pk=pk).first() if 0 < pk < 2**63 else None
        if found is None:
            raise Http404
        return found


def _counsellor(pk: int | None):
    """An active counsellor by id, or a 400 saying there is none such."""
    if pk is None:
        return None
    counsellor = counsellors_active().filter(pk=pk).first()
    if counsellor is None:
        raise ValidationError({"counsellor": [_("No active counsellor with this id.")]})
    return counsellor


@extend_schema_view(
    list=extend_schema(summary="Customers you may see", parameters=[CustomerFilters]),
    retrieve=extend_schema(summary="One customer", responses={200: s.CustomerSerializer,
                                                              **NOT_FOUND}),
)
class CustomerViewSet(ByIdMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CustomerSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return customers_visible_to(self.request.user).select_related(
            "assigned_to", "data_source")

    pagination_class = CustomerPagination

    def list(self, request, *args, **kwargs):
        queryset = customers_filtered(self.get_queryset(), CustomerFilters.from_request(request))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="Add a customer", request=s.CustomerCreateSerializer,
                   responses={201: s.CustomerSerializer})
    def create(self, request):
        if not request.user.has_perm("customers.add_customer"):
            raise PermissionDenied(_("You may not add customers."))
        data = s.CustomerCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "date_added" in fields and not is_manager(request.user):
            # as on the admin's form: a counsellor's walk-in is added today
            raise PermissionDenied(_("You may not change: %s") % "date_added")
        counsellor_id = fields.pop("counsellor", None)
        # a counsellor's own enquiry is theirs, whatever was posted (as in the admin)
        assigned_to = _counsellor(counsellor_id) if is_manager(request.user) else request.user
        customer = services.customer_create(**fields, assigned_to=assigned_to, by=request.user)
        customer = self.get_queryset().get(pk=customer.pk)
        return Response(self.get_serializer(customer).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a customer's details", request=s.CustomerUpdateSerializer,
                   responses={200: s.CustomerSerializer, **NOT_FOUND})
    def partial_update(self, request, pk=None):
        customer = self.get_object()
        data = s.CustomerUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if not data.validated_data:
            raise ValidationError({"detail": _("Nothing to change: give at least one field.")})
        services.customer_update(customer=customer, by=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(summary="Update the status (with a remark and the next follow-up)",
                   request=s.StatusUpdateSerializer,
                   responses={201: s.StatusChangeSerializer, **NOT_FOUND})
    @action(detail=True, methods=["post"], url_path="status")
    def status_update(self, request, pk=None):
        customer = self.get_object()
        data = s.StatusUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.customer_change_status(
            customer=customer, by=request.user,
            status=data.validated_data["status"],
            remark=data.validated_data.get("remark", ""),
            next_follow_up=data.validated_data.get("next_follow_up"),
            next_follow_up_time=data.validated_data.get("next_follow_up_time"))
        change = StatusChange.objects.select_related("changed_by").get(pk=change.pk)
        return Response(s.StatusChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="The customer's status updates, newest first",
                   responses={200: s.StatusChangeSerializer(many=True), **NOT_FOUND})
    @action(detail=True, methods=["get"], url_path="timeline",
            serializer_class=s.StatusChangeSerializer, pagination_class=TimelinePagination)
    def timeline(self, request, pk=None):
        customer = self.get_object()
        return self._rows_of(request, StatusChange.objects.filter(customer=customer)
                             .select_related("changed_by"))

    @extend_schema(summary="The customer's web enquiries after the first, newest first",
                   description="A website form sent again with a number this customer has "
                               "(the latest 20 are kept).",
                   responses={200: s.EnquirySerializer(many=True), **NOT_FOUND})
    @action(detail=True, methods=["get"], url_path="enquiries",
            serializer_class=s.EnquirySerializer, pagination_class=EnquiryPagination)
    def enquiries(self, request, pk=None):
        return self._rows_of(request, Enquiry.objects.filter(customer=self.get_object()))

    def _rows_of(self, request, rows):
        """One page of a customer's own rows, with the action's pagination and serializer."""
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="Assign to a counsellor (managers)", request=s.AssignSerializer,
                   responses={200: s.CustomerSerializer, **NOT_FOUND})
    @action(detail=True, methods=["post"], url_path="assign")
    def assign(self, request, pk=None):
        customer = self.get_object()
        if not CanAssign().has_permission(request, self):
            raise PermissionDenied(_("You may not assign customers."))
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        counsellor = _counsellor(data.validated_data["counsellor"])
        services.customer_assign(customers=[customer.pk], counsellor=counsellor,
                                 by=request.user)
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(summary="People (managers)"),
    retrieve=extend_schema(summary="One person (managers)"),
)
class UserViewSet(ByIdMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.UserSerializer
    permission_classes = [IsAuthenticated, CanViewUsers]
    queryset = User.objects.prefetch_related("groups")

    pagination_class = UserPagination



class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Who the token or session acts as", responses=s.UserSerializer)
    def get(self, request):
        return Response(s.UserSerializer(request.user).data)
