"""Telling people: one function, ``notify``, for every event. It stores the
notification (the bell) and hands email to a job, never sending in a request.
The same ``key`` for the same person is the same event: told once."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from backoffice.accounts.models import User
from backoffice.notifications.models import DEFAULT_EMAIL, Kind, Notification, Preference

TITLE_MAX = 200
BODY_MAX = 4000


def channels_for(users: Iterable[User], kind: str) -> dict[int, tuple[bool, bool]]:
    """user id -> (in the app, by email) for ``kind``, each person's choice or
    the kind's default. One query."""
    ids = [user.pk for user in users]
    chosen = {
        user_id: (in_app, email)
        for user_id, in_app, email in Preference.objects.filter(
            user__in=ids, kind=kind).values_list("user_id", "in_app", "email")
    }
    default = (True, Kind(kind) in DEFAULT_EMAIL)
    return {user_id: chosen.get(user_id, default) for user_id in ids}


def notify(*, recipients: Iterable[User] | QuerySet[User], kind: str, title: str, key: str,
           body: str = "", url: str = "") -> list[Notification]:
    """Tell each active recipient, once per ``key``. Returns the notifications
    made now (none for a person already told, or who turned the kind off both
    in the app and by email). Email goes out from a job after commit."""
    Kind(kind)
    people = [user for user in recipients if user is not None and user.is_active]
    if not people:
        return []
    channels = channels_for(people, kind)
    already = set(Notification.objects.filter(recipient__in=[u.pk for u in people], key=key)
                  .values_list("recipient_id", flat=True))
    fresh = [
        Notification(recipient=user, kind=kind, title=str(title)[:TITLE_MAX],
                     body=str(body)[:BODY_MAX], url=str(url)[:500], key=key[:120],
                     in_app=channels[user.pk][0],
                     read_at=None if channels[user.pk][0] else timezone.now())
        for user in people
        if user.pk not in already and any(channels[user.pk])
    ]
    if not fresh:
        return []
    # a sweep running twice at once: the unique (recipient, key) keeps one
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    made = list(Notification.objects.filter(
        recipient__in=[n.recipient_id for n in fresh], key=key[:120],
        emailed_at__isnull=True).select_related("recipient"))
    to_email = [n.pk for n in made if channels[n.recipient_id][1] and n.recipient.email]
    if to_email:
        from backoffice.core.jobs import enqueue
        from backoffice.notifications.jobs import notifications_email

        enqueue(notifications_email, to_email)  # after commit
    return made


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the person's own notifications read (all unread without ``ids``)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=[int(i) for i in ids])
    return unread.update(read_at=timezone.now())
