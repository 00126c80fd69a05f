from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.forms import BaseDialogForm
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
)

from backoffice.accounts.selectors import counsellors_active
from backoffice.core.forms import DayFirstDateField
from backoffice.customers.contacts import alternate_phone_normalize, email_normalize
from backoffice.customers.models import Customer
from backoffice.customers.selectors import customer_visible_to
from backoffice.customers.statuses import NEEDS_FOLLOW_UP, Status


# What a call's remark may hold: a few paragraphs, never a pasted document
# (every status update copies it into the timeline and the history).
REMARK_MAX_CHARS = 2000


class CustomerAdminForm(forms.ModelForm):
    """The customer page's form. The fields a role may not change are
    read-only on the page and so are not in the form at all."""

    class Meta:
        model = Customer
        fields = "__all__"

    # the person using the form: set by CustomerAdmin.get_form
    user = None

    def clean_email(self):
        return email_normalize(self.cleaned_data.get("email", ""))

    def clean_assigned_to(self):
        """A counsellor chosen here takes a new lead: not on leave today, not
        above a cap (as "Assign to a counsellor" says)."""
        from backoffice.customers.services import _check_room

        counsellor = self.cleaned_data.get("assigned_to")
        if counsellor is not None and counsellor.pk != self.instance.assigned_to_id:
            _check_room(counsellor, 1)
        return counsellor

    def clean_phone(self):
        """A number that is already a customer's says whose (a counsellor's
        name, nothing of the customer): a walk-in may be someone's lead."""
        from backoffice.customers.phones import phone_normalize
        from backoffice.customers.selectors import customer_phone_taken_message

        raw = self.cleaned_data.get("phone", "")
        try:
            phone = phone_normalize(raw)
        except ValidationError:
            return raw  # the model's check says what is wrong with it
        taken = customer_phone_taken_message(phone=phone, user=self.user,
                                             exclude_pk=self.instance.pk)
        if taken:
            raise ValidationError(taken, code="unique")
        return raw

    def clean(self):
        cleaned = super().clean()
        if "alternate_phone" in self.fields and "alternate_phone" in cleaned:
            phone = cleaned.get("phone") if "phone" in self.fields else self.instance.phone
            try:
                cleaned["alternate_phone"] = alternate_phone_normalize(
                    cleaned["alternate_phone"], phone=phone)
            except ValidationError as exc:
                self.add_error("alternate_phone", exc)
        return cleaned


class _StatusFields(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"), choices=Status.choices, widget=UnfoldAdminSelectWidget
    )
    remark = forms.CharField(
        label=_("Remark"),
        required=False,
        max_length=REMARK_MAX_CHARS,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3, "placeholder": _("What was said?")}),
    )
    next_follow_up = DayFirstDateField(
        label=_("Next follow-up"),
        required=False,
        # day first like every date box of the product (a native date box
        # follows the browser's language: mm/dd/yyyy in an American browser)
    )

    def clean_next_follow_up(self):
        value = self.cleaned_data.get("next_follow_up")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The follow-up date is in the past."))
        return value

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status in NEEDS_FOLLOW_UP and not cleaned.get("next_follow_up"):
            self.add_error(
                "next_follow_up", _("“%s” needs a follow-up date.") % Status(status).label
            )
        return cleaned


class StatusUpdateForm(_StatusFields, BaseDialogForm):
    """The "Update status" dialog on one customer."""

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        # The dialog is built before the action runs: look the customer up
        # through the visibility rule here too, so a hidden one answers 404.
        self.customer = customer_visible_to(user=request.user, pk=object_id)
        if self.customer is None:
            raise Http404
        self.fields["status"].initial = self.customer.status
        self.fields["next_follow_up"].help_text = _(
            "Empty: “Call not attended” gets the next try from the team’s call-back schedule; "
            "“Call later” needs a date.")
        upcoming = self.customer.next_follow_up
        # An overdue date is not offered again: the call being recorded is it.
        if upcoming and upcoming >= timezone.localdate():
            self.fields["next_follow_up"].initial = upcoming
        # unfold (like Django's admin) renders help text with |safe: the
        # customer's name is data from a person or a file, so it is escaped here.
        self.fields["status"].help_text = format_html(
            _("{customer} — now “{status}”"),
            customer=str(self.customer),
            status=self.customer.get_status_display(),
        )


class BulkStatusForm(_StatusFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_follow_up"].help_text = _(
            "Leave empty to keep each customer's own upcoming follow-up."
        )

    def clean(self):
        # "Needs a follow-up date" is checked per customer: one with an
        # upcoming follow-up keeps it.
        return forms.Form.clean(self)


UNASSIGN = "none"


class AssignForm(forms.Form):
    """Pick a counsellor, or pick "nobody" on purpose: leaving the choice empty
    is an error, never a silent unassignment."""

    counsellor = forms.ChoiceField(label=_("Counsellor"), widget=UnfoldAdminSelectWidget)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._counsellors = {str(user.pk): user for user in counsellors_active()}
        self.fields["counsellor"].choices = [
            ("", _("Choose a counsellor…")),
            *[(pk, str(user)) for pk, user in self._counsellors.items()],
            (UNASSIGN, _("Nobody (unassign)")),
        ]

    def clean_counsellor(self):
        value = self.cleaned_data["counsellor"]
        return None if value == UNASSIGN else self._counsellors[value]


class DistributeForm(forms.Form):
    counsellors = forms.ModelMultipleChoiceField(
        label=_("Counsellors"),
        queryset=counsellors_active(),
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        help_text=_("The selected customers without a counsellor are shared out evenly between "
                    "these counsellors, within their leave days and caps. You see the plan "
                    "before anything is assigned."),
        error_messages={"required": _("Choose at least one counsellor.")},
    )


class ShareForm(BaseDialogForm):
    """Share one customer with another counsellor (or stop sharing)."""

    counsellor = forms.ModelChoiceField(
        label=_("Counsellor"), queryset=counsellors_active(), widget=UnfoldAdminSelectWidget
    )
    stop = forms.BooleanField(
        label=_("Stop sharing with this counsellor instead"), required=False
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.customer = customer_visible_to(user=request.user, pk=object_id)
        if self.customer is None or not request.user.has_perm("customers.assign_customer"):
            raise Http404
        if self.customer.assigned_to_id:
            self.fields["counsellor"].queryset = counsellors_active().exclude(
                pk=self.customer.assigned_to_id
            )


class QueueStatusForm(_StatusFields):
    """The status update on "My calls": a status, a remark and either a
    one-tap follow-up preset (the button pressed) or a date. The same rules as
    the "Update status" dialog (``_StatusFields``) and the same service."""

    preset = forms.CharField(required=False)

    def __init__(self, *args, presets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.presets = {preset.key: preset for preset in presets}
        self.fields["status"].widget = forms.RadioSelect()
        self.next_follow_up_time = None

    def clean(self):
        preset = self.presets.get(self.cleaned_data.get("preset") or "")
        if preset is not None:
            self.cleaned_data["next_follow_up"] = preset.date
            self.next_follow_up_time = preset.time
            self.errors.pop("next_follow_up", None)
        return super().clean()
