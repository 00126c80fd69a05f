"""Webhooks in the admin: managers register endpoints (and send a test
event); compliance reads them and the delivery log, never the signing
secret; counsellors see neither (403 on the lists, 404 on every object)."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from backoffice.core.admin_base import BaseAdmin, HiddenObjectsAnswer404Mixin, ReadOnlyAdminMixin
from backoffice.webhooks import services
from backoffice.webhooks.addresses import url_target
from backoffice.webhooks.models import SUBSCRIBABLE, Delivery, Endpoint
from backoffice.webhooks.selectors import deliveries_log


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=[(kind.value, f"{kind.value} — {kind.label}")
                                    for kind in SUBSCRIBABLE],
        widget=UnfoldAdminCheckboxSelectMultipleWidget)
    new_secret = forms.BooleanField(
        label=_("Generate a new signing secret"), required=False,
        help_text=_("The receiver must then use the new secret: requests signed with the "
                    "old one stop verifying."))

    # whether the endpoint was on when the page was shown: one switched off for its
    # failures while the page stayed open is not switched back on by saving it
    active_seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Endpoint
        fields = ("url", "events", "description", "active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "active_seen" in self.fields:
            self.fields["active_seen"].initial = "1" if self.instance.active else "0"

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        url_target(url)  # https, a public address (raises with the reason)
        return url

    def clean(self):
        cleaned = super().clean()
        switched_off_meanwhile = (
            self.instance.pk and not self.instance.active and cleaned.get("active")
            and cleaned.get("active_seen") == "1")
        if switched_off_meanwhile:
            self.add_error("active", _(
                "This endpoint was switched off while this page was open, after "
                "%(failures)d failed deliveries. Check the receiver; then tick Active again "
                "and save to switch it back on.") % {"failures": self.instance.failures})
            # the page shown again says it is off, unticked: ticking it is a choice
            self.data = self.data.copy()
            self.data[self.add_prefix("active_seen")] = "0"
            self.data.pop(self.add_prefix("active"), None)
        return cleaned


@admin.register(Endpoint)
class EndpointAdmin(HiddenObjectsAnswer404Mixin, BaseAdmin):
    form = EndpointForm
    list_display = ("endpoint", "events_shown", "active_shown", "failures", "created_at")
    list_filter = ("active",)
    search_fields = ("url", "description")
    ordering = ("-created_at", "-pk")
    actions_detail = ["send_test"]

    def get_fields(self, request, obj=None):
        fields = ["url", "events", "description", "active"]
        if obj is not None:
            if self.has_change_permission(request, obj):
                fields += ["secret_shown", "new_secret", "active_seen"]
            else:
                fields[1] = "events_shown"  # the list, not the stored JSON
            fields += ["failures", "disabled_at", "last_test_at", "created_by", "created_at"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        shown = ["secret_shown", "failures", "disabled_at", "last_test_at", "created_by",
                 "created_at"]
        if obj is not None and not self.has_change_permission(request, obj):
            return ["url", "events_shown", "description", "active", *shown]
        return shown

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and not self.has_change_permission(request, obj):
            kwargs["form"] = forms.ModelForm  # read-only: nothing of the edit form
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            services.endpoint_save(endpoint=obj, by=request.user,
                                   new_secret=form.cleaned_data.get("new_secret", False))
        except ValidationError as exc:  # the address changed between the form and here
            messages.error(request, "; ".join(exc.messages))
            raise PermissionDenied from exc

    def response_add(self, request, obj, post_url_continue=None):
        """A new endpoint opens on its own page, where its signing secret is."""
        messages.success(request, _("The endpoint is saved. Give its signing secret, below, "
                                    "to the receiver."))
        return redirect("admin:webhooks_endpoint_change", obj.pk)

    # --- columns and read-only fields ---------------------------------------------

    @display(description=_("Endpoint"))
    def endpoint(self, obj):
        if obj.description:
            return format_html("{}<br><span class='text-xs text-base-500'>{}</span>",
                               obj.description, obj.url)
        return obj.url

    @display(description=_("Events"))
    def events_shown(self, obj):
        return ", ".join(obj.events or []) or "—"

    @display(description=_("Active"), label={_("Active"): "success", _("Off"): "danger"})
    def active_shown(self, obj):
        return _("Active") if obj.active else _("Off")

    @display(description=_("Signing secret"))
    def secret_shown(self, obj):
        return format_html(
            "<code class='break-all select-all'>{}</code><br><span class='text-xs'>{}</span>",
            obj.secret, _("Give it to the receiver: it verifies the X-ALIMS-Signature header "
                          "with it (README, “Webhooks”). Only managers see it."))

    # --- the test event -------------------------------------------------------------

    def has_send_test_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    @action(description=_("Send a test event"), icon="send", permissions=["send_test"])
    def send_test(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        endpoint = get_object_or_404(Endpoint, pk=object_id)
        if not self.has_change_permission(request, endpoint):
            raise PermissionDenied
        if request.method != "POST":
            return TemplateResponse(request, "admin/webhooks/send_test_confirm.html", {
                **self.admin_site.each_context(request), "opts": self.model._meta,
                "title": _("Send a test event?"), "endpoint": endpoint})
        delivery = services.endpoint_test_send(endpoint=endpoint, by=request.user)
        if delivery is None:
            messages.info(request, _("A test event was sent a moment ago; see the deliveries."))
        else:
            if delivery.state == Delivery.State.SUCCEEDED:
                messages.success(request, _("The test event was delivered (answer %(status)s).")
                                 % {"status": delivery.response_status})
            elif delivery.state == Delivery.State.FAILED:
                messages.error(request, _("The test event failed: %(error)s")
                               % {"error": delivery.error})
            else:
                messages.info(request, _("The test event is on its way; see the deliveries."))
        return redirect("admin:webhooks_endpoint_change", endpoint.pk)


@admin.register(Delivery)
class DeliveryAdmin(HiddenObjectsAnswer404Mixin, ReadOnlyAdminMixin, BaseAdmin):
    list_display = ("created_at", "event_kind", "endpoint", "state_shown", "attempts",
                    "response_status", "next_attempt_at")
    list_filter = ("state", "endpoint")
    ordering = ("-created_at", "-pk")
    list_per_page = 50
    show_full_result_count = False
    fields = ("event_kind", "event_id", "endpoint", "state", "attempts", "created_at",
              "last_attempt_at", "next_attempt_at", "delivered_at", "response_status",
              "duration_ms", "error", "response_shown", "payload_shown", "delivery_id")
    readonly_fields = fields

    actions = ["send_again"]

    def has_send_again_permission(self, request):
        return request.user.has_perm("webhooks.change_endpoint")

    def changelist_view(self, request, extra_context=None):
        # a read-only role posting an action gets a refusal, not the list again
        if request.method == "POST" and not self.has_send_again_permission(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Send again now"), permissions=["send_again"])
    def send_again(self, request, queryset):
        count = services.deliveries_send_again(deliveries=list(queryset[:500]), by=request.user)
        if count:
            self.message_user(request, ngettext(
                "%d delivery is sent again.", "%d deliveries are sent again.", count) % count,
                messages.SUCCESS)
        else:
            self.message_user(request, _("Only failed deliveries of endpoints that are on are "
                                         "sent again; none of those was chosen."), messages.INFO)

    def get_queryset(self, request):
        queryset = deliveries_log()
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            # the list shows neither payloads nor response bodies
            queryset = queryset.defer("event__data", "response_excerpt", "endpoint__secret")
        return queryset

    @display(description=_("Event"))
    def event_kind(self, obj):
        return obj.event.kind

    @display(description=_("Event id"))
    def event_id(self, obj):
        return str(obj.event.uuid)

    @display(description=_("Delivery id (X-ALIMS-Delivery)"))
    def delivery_id(self, obj):
        return str(obj.uuid)

    @display(description=_("State"), label={
        Delivery.State.SUCCEEDED.label: "success", Delivery.State.FAILED.label: "danger",
        Delivery.State.RETRYING.label: "warning", Delivery.State.PENDING.label: "info",
        Delivery.State.SENDING.label: "info"})
    def state_shown(self, obj):
        return obj.get_state_display()

    @display(description=_("Response (start)"))
    def response_shown(self, obj):
        if not obj.response_excerpt:
            return "—"
        return format_html("<pre class='alims-pre'>{}</pre>",
                           obj.response_excerpt)

    @display(description=_("Payload"))
    def payload_shown(self, obj):
        return format_html("<pre class='alims-pre'>{}</pre>",
                           json.dumps(obj.event.data, ensure_ascii=False, indent=2))
