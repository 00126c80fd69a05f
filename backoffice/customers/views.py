""""My calls": a counsellor's work queue, the status update made from it,
and the taps on Call and WhatsApp. Thin: the queue is read by the selectors,
every write goes through the services (the same status service as the
customer page's "Update status" dialog)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backoffice.accounts.roles import is_manager
from backoffice.customers import queue, selectors, services
from backoffice.customers.forms import QueueStatusForm
from backoffice.customers.models import Touch
from backoffice.customers.statuses import Status

GROUPS = ("today", "overdue", "new")


def _counsellor_or_404(request) -> None:
    """The queue is a counsellor's: someone who may change no customer (compliance)
    has none."""
    if not request.user.has_perm("customers.change_customer"):
        raise Http404


def _customer_or_404(request, pk):
    customer = selectors.customer_visible_to(user=request.user, pk=pk)
    if customer is None or not request.user.has_perm("customers.change_customer", customer):
        raise Http404(_("No such customer."))
    return customer


def counsellor_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _queue_page(request, *, opened: int | None = None, after: int | None = None,
                bound: QueueStatusForm | None = None, status: int = 200):
    today = timezone.localdate()
    presets = queue.follow_up_presets()
    limits = {key: request.GET.get(key) for key in GROUPS}
    groups = selectors.calls_queue(request.user, limits=limits, today=today)
    templates = selectors.message_templates()
    name = counsellor_name(request.user)
    for group in groups:
        group.entries = [queue.queue_entry(customer, counsellor_name=name, templates=templates,
                                           today=today) for customer in group.entries]
    if opened is None:
        # after a saved update, on to the next lead: the first one that is not it
        opened = next((entry["customer"].pk for group in groups for entry in group.entries
                       if entry["customer"].pk != after), None)
    for group in groups:
        for entry in group.entries:
            entry["open"] = entry["customer"].pk == opened
            entry["form"] = bound if bound is not None and entry["open"] else None
        group.more_url = "?" + urlencode(
            {**{k: v for k, v in limits.items() if v}, group.key: group.limit + group.more}
            ) + f"#group-{group.key}"
    context = {
        **admin.site.each_context(request),
        "title": _("My calls"),
        "groups": groups,
        "presets": presets,
        "statuses": Status.choices,
        "total": sum(group.count for group in groups),
        "today": today,
    }
    return TemplateResponse(request, "admin/customers/my_calls.html", context, status=status)


@require_GET
def my_calls(request):
    """GET: the queue. Managers have no queue of their own (no customer is
    assigned to a manager): they go to the list of follow-ups due."""
    if is_manager(request.user):
        return redirect(reverse("admin:customers_customer_changelist") + "?follow_up=due")
    _counsellor_or_404(request)
    return _queue_page(request, after=_pk_or_none(request.GET.get("after")))


def _pk_or_none(value) -> int | None:
    """A customer id from the address, or None for anything else (``isdigit``
    also says yes to "²" and to numbers too long for ``int``)."""
    value = value or ""
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        return None
    return int(value)


def my_calls_update(request, pk):
    """POST: the status update of one lead from the queue, then back to the
    queue with the next lead open. Without JavaScript it is a plain form."""
    _counsellor_or_404(request)
    customer = _customer_or_404(request, pk)  # a hidden customer is 404, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = QueueStatusForm(request.POST, presets=queue.follow_up_presets())
    if form.is_valid():
        try:
            services.customer_change_status(
                customer=customer,
                status=form.cleaned_data["status"],
                remark=form.cleaned_data["remark"],
                next_follow_up=form.cleaned_data["next_follow_up"],
                next_follow_up_time=form.next_follow_up_time,
                by=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            by_rules = (form.cleaned_data["status"] == Status.CALL_NOT_ATTENDED
                        and form.cleaned_data["next_follow_up"] is None)
            messages.success(request, queue.saved_text(customer, by_rules=by_rules))
            keep = {key: request.GET[key] for key in GROUPS if request.GET.get(key)}
            # on to the next lead, scrolled into view (the confirmation floats above)
            return redirect(reverse("admin:customers_customer_my_calls") + "?"
                            + urlencode({**keep, "after": customer.pk}) + "#open-lead")
    return _queue_page(request, opened=customer.pk, bound=form, status=400)


def customer_touch(request, pk, kind):
    """POST (sent by the page as the Call or WhatsApp link opens): one
    contact attempt on the customer's timeline. 204, nothing to show."""
    if kind not in Touch.Kind.values:
        raise Http404
    customer = _customer_or_404(request, pk)  # a hidden customer is 404, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.customer_touch_record(customer=customer, kind=kind, by=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    return HttpResponse(status=204)


