"""The managers' "Needs attention" page: customers past their first-call
target, not reachable, or aged in their status, each with a one-click
recycle. Thin: the reads are in attention.py, the write in recycle.py."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from backoffice.accounts.models import User
from backoffice.core.words import duration_short
from backoffice.customers.selectors import customers_visible_to
from backoffice.customers.statuses import status_label
from backoffice.followups import attention
from backoffice.followups.forms import SHARE, RecycleForm
from backoffice.followups.models import WorkRules
from backoffice.followups.recycle import MAX_AT_ONCE, customers_recycle, recycle_plan

PAGE_SIZE = 50

POOLS = {
    attention.FIRST_CALL_LATE: {
        "title": gettext_lazy("First call late"),
        "help": gettext_lazy("Assigned, not called or messaged since, and past the first-call "
                             "target (working hours only)."),
        "order": ("sla_due_at", "pk"),
        "reason": gettext_lazy("First call not made in time"),
    },
    attention.NOT_REACHABLE: {
        "title": gettext_lazy("Not reachable"),
        "help": gettext_lazy("The last calls went unanswered, one after another: give them "
                             "to someone else, or leave them."),
        "order": ("last_attempt_at", "pk"),
        "reason": gettext_lazy("Not reachable"),
    },
    attention.AGED: {
        "title": gettext_lazy("Aged"),
        "help": gettext_lazy("Nothing done for longer than their status allows (Working "
                             "rules → Status ageing limits)."),
        "order": ("last_activity_at", "pk"),
        "reason": gettext_lazy("Idle too long"),
    },
}


def _manager_or_404(request) -> None:
    if not request.user.has_perm("customers.assign_customer"):
        raise Http404


def _detail(pool: str, customer, *, now) -> str:
    if pool == attention.FIRST_CALL_LATE:
        return _("%s late") % duration_short(now - customer.sla_due_at)
    if pool == attention.NOT_REACHABLE:
        return _("%d calls not attended") % customer.attempts_unanswered
    idle = (now - customer.last_activity_at).days
    return _("idle %d days") % idle


def attention_page(request):
    _manager_or_404(request)
    pool = request.GET.get("pool") or attention.FIRST_CALL_LATE
    if pool not in POOLS:
        pool = attention.FIRST_CALL_LATE
    now = timezone.now()
    rules = WorkRules.current()
    visible = customers_visible_to(request.user)
    counts = attention.attention_counts(visible, now=now)
    customers = attention.PoolPage(visible, pool, count=counts[pool], now=now,
                                   order=POOLS[pool]["order"])
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"customer": c, "status": status_label(c.status),
             "detail": _detail(pool, c, now=now)} for c in page.object_list]
    by_counsellor = attention.attention_by_counsellor(visible, pool, now=now)
    people = User.objects.in_bulk({row["assigned_to"] for row in by_counsellor} - {None})
    summary: dict = {}
    for row in by_counsellor:
        who = people.get(row["assigned_to"])
        entry = summary.setdefault(row["assigned_to"], {
            "who": str(who) if who else _("Unassigned"), "total": 0, "statuses": []})
        entry["total"] += row["n"]
        entry["statuses"].append((status_label(row["status"]), row["n"]))
    form = RecycleForm(initial={"reason": POOLS[pool]["reason"], "to": SHARE})
    context = {
        **admin.site.each_context(request),
        "title": _("Needs attention"),
        "pool": pool, "pools": [
            {"key": key, "title": spec["title"], "count": counts[key],
             "url": "?" + urlencode({"pool": key}), "active": key == pool}
            for key, spec in POOLS.items()],
        "help": POOLS[pool]["help"], "rows": rows, "page": page,
        "summary": sorted(summary.values(), key=lambda e: -e["total"]),
        "form": form, "max_attempts": rules.max_attempts,
        "recycle_url": reverse("followups:recycle") + "?" + urlencode({"pool": pool}),
    }
    return TemplateResponse(request, "followups/attention.html", context)


def _shown_at(value: str):
    """The moment the plan was shown (the preview's ``since``), or None."""
    try:
        moment = datetime.datetime.fromisoformat(str(value or ""))
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


def recycle(request):
    """POST: the plan for the chosen customers (who gets how many, who is
    skipped and why); POST with ``confirm``: carried out."""
    _manager_or_404(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    pool = request.GET.get("pool") if request.GET.get("pool") in POOLS else ""
    back = reverse("followups:attention") + (f"?pool={pool}" if pool else "")
    form = RecycleForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, error if field == "__all__"
                               else f"{form.fields[field].label}: {error}")
        return redirect(back)
    one = request.POST.get("one", "")
    # a row's own Recycle button moves that row alone
    ids = [int(one)] if one.isascii() and one.isdigit() and len(one) <= 18 \
        else form.cleaned_data["page_ids"] if request.POST.get("whole_page") \
        else form.cleaned_data["ids"]
    # only customers this manager may see, whatever ids were posted
    chosen = customers_visible_to(request.user).filter(pk__in=ids[:MAX_AT_ONCE])
    if not ids or not chosen.exists():
        messages.warning(request, _("Choose the customers to recycle."))
        return redirect(back)
    counsellors = form.chosen()
    if not request.POST.get("confirm"):
        return TemplateResponse(request, "followups/recycle_preview.html", {
            **admin.site.each_context(request),
            "title": _("Recycle customers"), "plan": recycle_plan(customers=chosen,
                                                                   counsellors=counsellors),
            "recycling": True, "selected": [c.pk for c in chosen.order_by("pk")],
            "selected_count": chosen.count(), "to": form.cleaned_data["to"],
            "reason": form.cleaned_data["reason"], "recycle_url": request.get_full_path(),
            "back": back, "since": timezone.now().isoformat(),
        })
    try:
        plan = customers_recycle(customers=chosen, counsellors=counsellors,
                                 reason=form.cleaned_data["reason"], by=request.user,
                                 assigned_before=_shown_at(request.POST.get("since")))
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
        return redirect(back)
    text = ngettext("%(n)d customer recycled.", "%(n)d customers recycled.", plan.assigned) % {
        "n": plan.assigned}
    if plan.unassigned:
        text += " " + ngettext(
            "%(n)d stays with its counsellor: nobody chosen can take more new leads today.",
            "%(n)d stay with their counsellors: nobody chosen can take more new leads today.",
            plan.unassigned) % {"n": plan.unassigned}
    if plan.assigned:
        messages.success(request, text)
    else:
        messages.warning(request, text)
    return redirect(back)
