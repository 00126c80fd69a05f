"""Reads of notifications: a person's own, never anyone else's."""

from django.db.models import QuerySet

from backoffice.accounts.models import User
from backoffice.accounts.roles import is_compliance, is_manager
from backoffice.notifications.models import DEFAULT_EMAIL, Kind, Notification, Preference

PAGE_SIZE = 50

# kinds only a manager receives; the others are about a counsellor's own customers
MANAGER_KINDS = {Kind.ESCALATION, Kind.SLA_BREACH, Kind.WEBHOOK_DISABLED}
COUNSELLOR_KINDS = {Kind.ASSIGNED, Kind.CUSTOMER_UPDATED, Kind.DIGEST, Kind.SLA_WARNING,
                    Kind.ENQUIRY}


def notifications_for(user: User) -> QuerySet[Notification]:
    """The person's notifications shown in the app, newest first."""
    return Notification.objects.filter(recipient=user, in_app=True).order_by("-created_at", "-pk")


def notifications_unread_count(user: User) -> int:
    """The bell's number: one COUNT on the unread index."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True).count()


def notification_of(user: User, pk: int) -> Notification | None:
    """One of the person's own notifications, or None (someone else's is none)."""
    return Notification.objects.filter(recipient=user, pk=pk).first()


def kinds_for(user: User) -> list[Kind]:
    """The kinds that can reach this person, in the order of ``Kind``."""
    if user.is_superuser:
        return list(Kind)
    # only those who may import hear of their imports
    imports = [Kind.IMPORT_DONE] if user.has_perm("imports.add_importrun") else []
    if is_manager(user):
        return [kind for kind in Kind if kind in MANAGER_KINDS or kind in imports]
    if is_compliance(user):
        return imports
    return [kind for kind in Kind if kind in COUNSELLOR_KINDS]


def preferences_for(user: User) -> list[dict]:
    """Per kind relevant to the person: its label and the two switches
    (the person's choice, else the kind's default)."""
    chosen = {kind: (in_app, email) for kind, in_app, email in
              Preference.objects.filter(user=user).values_list("kind", "in_app", "email")}
    rows = []
    for kind in kinds_for(user):
        in_app, email = chosen.get(kind.value, (True, kind in DEFAULT_EMAIL))
        rows.append({"kind": kind.value, "label": kind.label, "in_app": in_app, "email": email})
    return rows
