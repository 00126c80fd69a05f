"""A customer's calls in words, for the customer page."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backoffice.core.words import duration_short, local_datetime
from backoffice.followups.models import WorkRules


def call_summary(customer, *, now=None, rules: WorkRules | None = None) -> str:
    """"3 call attempts · 2 not attended in a row · first call due by 4 Dec
    2026, 10:00" — plain text (the page escapes it)."""
    now = now or timezone.now()
    rules = rules or WorkRules.current()
    parts = [ngettext("%d call attempt", "%d call attempts", customer.attempts)
             % customer.attempts]
    if customer.attempts_unanswered:
        parts.append(ngettext("%d not attended", "%d not attended in a row",
                              customer.attempts_unanswered) % customer.attempts_unanswered)
        if customer.attempts_unanswered >= rules.max_attempts:
            parts.append(_("not reachable"))
    if customer.connected_at and customer.attempts_to_connect:
        parts.append(_("reached at the first attempt") if customer.attempts_to_connect == 1
                     else _("reached after %d attempts") % customer.attempts_to_connect)
    if customer.sla_due_at:
        if customer.sla_reached_at:
            if customer.sla_reached_at <= customer.sla_due_at:
                parts.append(_("first call in time"))
            else:
                parts.append(_("first call %s late")
                             % duration_short(customer.sla_reached_at - customer.sla_due_at))
        elif customer.sla_due_at > now:
            parts.append(_("first call due by %s") % local_datetime(customer.sla_due_at))
        else:
            parts.append(_("first call %s late") % duration_short(now - customer.sla_due_at))
    return " · ".join(parts)
