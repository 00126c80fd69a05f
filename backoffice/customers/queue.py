"""What the "My calls" page shows of each customer, and the one-tap
follow-up presets. Reads only; the writes go through the services."""

import datetime
from dataclasses import dataclass

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backoffice.core.words import duration_short
from backoffice.customers.phones import phone_display
from backoffice.customers.statuses import BADGE_OF_STAGE, NEEDS_FOLLOW_UP, stage_of
from backoffice.customers.whatsapp import message_render, whatsapp_url

# "Later today" is offered while now + LATER_TODAY_HOURS still falls within
# the working rules' working day.
LATER_TODAY_HOURS = 3


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    date: datetime.date
    time: datetime.time | None = None

    @property
    def when(self) -> str:
        """The preset's day (and hour) in words: ``Tue 1 Dec, 15:30``."""
        text = dateformat.format(self.date, "D j M")
        return f"{text}, {self.time.strftime('%H:%M')}" if self.time else text


def follow_up_presets(now: datetime.datetime | None = None) -> list[Preset]:
    """Later today (+3 h, rounded up to the quarter hour, while the working day
    of the working rules lasts), tomorrow, in 3 days, next week (the same
    weekday a week on)."""
    from backoffice.followups.models import WorkRules

    day_ends = WorkRules.current().day_ends
    now = timezone.localtime(now)
    today = now.date()
    presets = []
    later = now + datetime.timedelta(hours=LATER_TODAY_HOURS)
    minutes = (later.minute + 14) // 15 * 15
    later = later.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(
        minutes=minutes)
    if later.date() == today and later.time() <= day_ends:
        presets.append(Preset("later", _("Later today"), today, later.time()))
    presets += [
        Preset("tomorrow", _("Tomorrow"), today + datetime.timedelta(days=1)),
        Preset("3days", _("In 3 days"), today + datetime.timedelta(days=3)),
        Preset("week", _("Next week"), today + datetime.timedelta(days=7)),
    ]
    return presets


def saved_text(customer, *, by_rules: bool) -> str:
    """The confirmation after a status update from the queue: the new status
    and, when a follow-up is set, when to call again (``by_rules``: the
    working rules' call-back cadence chose it, the counsellor gave no date)."""
    text = _("%(name)s is now “%(status)s”.") % {
        "name": customer.name, "status": customer.get_status_display()}
    if customer.next_follow_up is None:
        return text
    when = Preset("", "", customer.next_follow_up, customer.next_follow_up_time).when
    if by_rules:
        return text + " " + _("Call again on %s (the team’s call-back schedule).") % when
    return text + " " + _("Call again on %s.") % when


def _days(n: int) -> str:
    return ngettext("%d day", "%d days", n) % n


def due_text(customer, today: datetime.date) -> tuple[str, bool]:
    """When the call is due, in words, and whether it is overdue."""
    due = customer.next_follow_up
    if due is None and customer.sla_due_at and not customer.sla_reached_at:
        # a new lead's first-call target
        now = timezone.now()
        if customer.sla_due_at <= now:
            return _("New: first call %s late") % duration_short(now - customer.sla_due_at), True
        local = timezone.localtime(customer.sla_due_at)
        when = (local.strftime("%H:%M") if local.date() == today
                else dateformat.format(local, "j M, H:i"))
        return _("New: call by %s") % when, False
    if due is None:
        if customer.assigned_at:
            days = (today - timezone.localtime(customer.assigned_at).date()).days
            if days <= 0:
                return _("New, assigned today"), False
            return _("New, assigned %s ago") % _days(days), False
        return _("New"), False
    if due < today:
        late = (today - due).days
        return _("Overdue by %(late)s (due %(date)s)") % {
            "late": _days(late), "date": dateformat.format(due, "j M Y")}, True
    if due == today:
        if customer.next_follow_up_time:
            return _("Today, %s") % customer.next_follow_up_time.strftime("%H:%M"), False
        return _("Today"), False
    return dateformat.format(due, "j M Y"), False


def queue_entry(customer, *, counsellor_name: str, templates: dict[str, str],
                today: datetime.date) -> dict:
    """One customer as the queue shows it. The message is text; the template
    escapes it (and the URL carries it percent-encoded)."""
    due, overdue = due_text(customer, today)
    message = message_render(templates.get(customer.status, ""), name=customer.name,
                             counsellor=counsellor_name)
    return {
        "customer": customer,
        "phone": phone_display(customer.phone),
        "tel": customer.phone,
        "whatsapp": whatsapp_url(customer.phone, message),
        "status_badge": BADGE_OF_STAGE[stage_of(customer.status)],
        "due": due,
        "overdue": overdue,
        "needs_follow_up": customer.status in NEEDS_FOLLOW_UP,
    }


def contact_links(customer, *, user, templates: dict[str, str] | None = None) -> dict:
    """The customer's number to read and to dial, and the WhatsApp link with
    the message for the customer's status."""
    from backoffice.customers.selectors import message_templates

    templates = message_templates() if templates is None else templates
    name = user.get_full_name() or user.get_username()
    message = message_render(templates.get(customer.status, ""), name=customer.name,
                             counsellor=name)
    return {"phone": phone_display(customer.phone), "tel": customer.phone,
            "whatsapp": whatsapp_url(customer.phone, message)}
