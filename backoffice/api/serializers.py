"""What the API shows and takes. Reads show what the admin's customer page
shows the caller; writes are validated here for shape only and done by the
same services as the admin (customers.services), which hold the rules."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backoffice.customers.models import Customer, Enquiry, StatusChange, Touch
from backoffice.customers.statuses import Status

User = get_user_model()

TIME_OF_DAY = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
               "example": "16:30", "description": "A time of day, hours and minutes (local)."}


@extend_schema_field({**TIME_OF_DAY, "nullable": True})
class TimeOfDayField(serializers.TimeField):
    """A time of day as "16:30": the site's local time, no offset."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M"], **kwargs)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class SourceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class CustomerSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text=_("Empty when not known."))
    status_label = serializers.SerializerMethodField()
    next_follow_up_time = TimeOfDayField(read_only=True, allow_null=True)
    counsellor = serializers.SerializerMethodField()
    data_source = SourceSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Customer
        fields = ("id", "name", "phone", "alternate_phone", "email", "area", "date_added",
                  "status", "status_label", "remarks", "next_follow_up", "next_follow_up_time",
                  "last_contacted", "attempts", "counsellor", "data_source", "source_details",
                  "created_at", "updated_at")
        read_only_fields = fields

    def get_status_label(self, customer) -> str:
        return str(Status(customer.status).label)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_counsellor(self, customer):
        if customer.assigned_to_id is None:
            return None
        return PersonSerializer(customer.assigned_to).data


class TextField(serializers.CharField):
    """Text, and only text: DRF's CharField takes a JSON number (``"remark": 0``)
    as "0", which the schema says is not a string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSerializer(serializers.Serializer):
    """A request body that names a field this operation does not take is a
    400 naming it: silently dropped, a "status" or "counsellor" in a PATCH
    looked to the caller like a change made."""

    def validate(self, attrs):
        initial = self.initial_data if hasattr(self.initial_data, "keys") else {}
        unknown = sorted(str(name) for name in initial
                         if name not in self.fields and name != "csrfmiddlewaretoken")
        if unknown:
            raise serializers.ValidationError(
                {name[:100]: [_("Not a field of this operation.")] for name in unknown[:20]})
        # DRF drops an empty form field (``phone=``) it cannot take as empty, as
        # if it had not been sent: said instead, so nothing else changes either
        dropped = sorted(name for name in initial
                         if name in self.fields and name not in attrs
                         and not self.fields[name].read_only)
        if dropped:
            raise serializers.ValidationError(
                {name: [_("This field may not be blank.")] for name in dropped})
        return attrs


class CustomerCreateSerializer(StrictSerializer):
    name = TextField(max_length=200)
    phone = TextField(max_length=64)
    alternate_phone = TextField(max_length=64, required=False, allow_blank=True)
    email = TextField(max_length=254, required=False, allow_blank=True)
    area = TextField(max_length=120, required=False, allow_blank=True)
    date_added = serializers.DateField(
        required=False, help_text=_("Managers; a counsellor's new customer is added today."))
    remarks = TextField(required=False, allow_blank=True, max_length=5000)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    next_follow_up = serializers.DateField(required=False, allow_null=True)
    counsellor = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
        help_text=_("Managers: the counsellor's user id. A counsellor's new customer is "
                    "their own."))


class CustomerUpdateSerializer(StrictSerializer):
    """Every field is optional; a counsellor may change remarks and the
    follow-up date only (403 for the others)."""

    name = TextField(max_length=200, required=False)
    phone = TextField(max_length=64, required=False)
    alternate_phone = TextField(max_length=64, required=False, allow_blank=True)
    email = TextField(max_length=254, required=False, allow_blank=True)
    area = TextField(max_length=120, required=False, allow_blank=True)
    date_added = serializers.DateField(required=False)
    remarks = TextField(required=False, allow_blank=True, max_length=5000)
    next_follow_up = serializers.DateField(required=False, allow_null=True)


class StatusUpdateSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Status.choices)
    remark = TextField(required=False, allow_blank=True, max_length=5000)
    next_follow_up = serializers.DateField(
        required=False, allow_null=True,
        help_text=_("Needed by some statuses; “Call not attended” without one gets the "
                    "call-back cadence's."))
    next_follow_up_time = TimeOfDayField(required=False, allow_null=True)


class StatusChangeSerializer(serializers.ModelSerializer):
    from_status = serializers.CharField(read_only=True)
    changed_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = StatusChange
        fields = ("id", "from_status", "to_status", "remark", "next_follow_up", "changed_by",
                  "changed_at")
        read_only_fields = fields


class TouchSerializer(serializers.ModelSerializer):
    by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Touch
        fields = ("id", "kind", "at", "by")
        read_only_fields = fields


class EnquirySerializer(serializers.ModelSerializer):
    source_name = serializers.CharField(read_only=True,
                                        help_text=_("The data source whose form was sent."))
    text = serializers.CharField(read_only=True, help_text=_("What the form said."))

    class Meta:
        model = Enquiry
        fields = ("id", "at", "source_name", "text")
        read_only_fields = fields


class AssignSerializer(StrictSerializer):
    counsellor = serializers.IntegerField(
        allow_null=True, min_value=1, max_value=2**63 - 1,
        help_text=_("The counsellor's user id; null to leave the customer unassigned."))


class UserSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "username", "name", "email", "role", "is_active", "last_login")
        read_only_fields = fields

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()

    def get_role(self, user) -> str:
        from backoffice.accounts.roles import role_label

        if not hasattr(user, "_role_names"):  # from the prefetched groups: no query a row
            user._role_names = {group.name for group in user.groups.all()}
        return role_label(user)
