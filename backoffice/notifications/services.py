"""Telling people: one function, ``notify``, for every event. It stores the
notification (the bell) and hands email to a job, never sending in a request.
The same ``key`` for the same person is the same event: told once."""

import logging
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.notifications.models import DEFAULT_EMAIL, Kind, Notification, Preference

logger = logging.getLogger(__name__)

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
    return notify_each(kind=kind, key=key, messages=[
        (user, title, body, url) for user in recipients if user is not None])


def notify_each(*, kind: str, key: str,
                messages: Iterable[tuple[User, str, str, str]]) -> list[Notification]:
    """``notify`` with a message of its own for each recipient: (person,
    title, body, url). The same few queries however many people."""
    Kind(kind)
    messages = [item for item in messages if item[0] is not None and item[0].is_active]
    if not messages:
        return []
    people = [user for user, *_rest in messages]
    channels = channels_for(people, kind)
    already = set(Notification.objects.filter(recipient__in=[u.pk for u in people], key=key)
                  .values_list("recipient_id", flat=True))
    fresh = [
        Notification(recipient=user, kind=kind, title=str(title)[:TITLE_MAX],
                     body=str(body)[:BODY_MAX], url=str(url)[:500], key=key[:120],
                     in_app=channels[user.pk][0],
                     read_at=None if channels[user.pk][0] else timezone.now())
        for user, title, body, url in messages
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


def preferences_save(*, user: User, choices: dict[str, tuple[bool, bool]]) -> int:
    """Store the person's choice (in the app, by email) per kind. Kinds not
    in ``choices`` keep what they had. Returns how many kinds were saved."""
    saved = 0
    for kind, (in_app, email) in choices.items():
        Kind(kind)
        Preference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_app": bool(in_app), "email": bool(email)})
        saved += 1
    return saved


# --- events -------------------------------------------------------------------
# Called at the end of the services that make the events (one line each), inside
# their transaction: a notification that cannot be made is logged and never
# undoes the status update, assignment or import it is about.


def _notify_safely(**kwargs) -> list[Notification]:
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            return notify(**kwargs)
    except Exception:
        logger.exception("Notification not made", extra={"kind": kwargs.get("kind")})
        return []


def assignment_notify(*, counsellor: User | None, count: int, by: User) -> list[Notification]:
    """Customers assigned in one go: one notification for the batch (not on
    unassigning, not when a person assigns to themselves)."""
    if counsellor is None or not count or counsellor.pk == getattr(by, "pk", None):
        return []
    from django.utils.translation import ngettext

    title = ngettext("%(count)d customer assigned to you",
                     "%(count)d customers assigned to you", count) % {"count": count}
    body = _("Assigned by %(by)s.") % {"by": _person(by)}
    return _notify_safely(recipients=[counsellor], kind=Kind.ASSIGNED, title=title, body=body,
                          url=reverse("admin:customers_customer_my_calls"),
                          key=f"assigned:{uuid.uuid4().hex}")


def customer_updated_notify(*, customer, by: User, what=None) -> list[Notification]:
    """A customer of someone's updated by someone else: tell the owner.
    ``what`` is the StatusChange of a status update, or the changed field
    names of an edit."""
    owner_id = customer.assigned_to_id
    if not owner_id or owner_id == getattr(by, "pk", None):
        return []
    owner = User.objects.filter(pk=owner_id).first()
    if owner is None:
        return []
    from backoffice.customers.models import StatusChange

    if isinstance(what, StatusChange):
        key = f"updated:{customer.pk}:s{what.pk}"
        body = _("%(by)s set the status to “%(status)s”.") % {
            "by": _person(by), "status": what.get_to_status_display()}
    else:
        latest = (customer.history.order_by("-history_id")
                  .values_list("history_id", flat=True).first())
        key = f"updated:{customer.pk}:h{latest or uuid.uuid4().hex}"
        body = _("%(by)s edited the customer.") % {"by": _person(by)}
    title = _("%(name)s was updated") % {"name": customer.name}
    return _notify_safely(recipients=[owner], kind=Kind.CUSTOMER_UPDATED, title=title,
                          body=body, key=key,
                          url=reverse("admin:customers_customer_change", args=[customer.pk]))


def web_lead_notify(*, customer, source_name: str, known: bool) -> list[Notification]:
    """A web form's lead for a counsellor: a new customer assigned to them
    (told like any assignment), or one of theirs who sent the form again
    (told once an hour at most)."""
    if not customer.assigned_to_id:
        return []
    owner = User.objects.filter(pk=customer.assigned_to_id).first()
    if owner is None:
        return []
    if known:
        kind, title = Kind.ENQUIRY, _("%(name)s, a customer of yours, sent a web enquiry") % {
            "name": customer.name}
        # once an hour a customer at most: a public form posted in a loop (or
        # from many addresses) with a known number does not bury its
        # counsellor in notifications and emails; each post is in the history
        key = f"enquiry:{customer.pk}:{timezone.now():%Y%m%d%H}"
        # straight to the enquiries (below the form, a long scroll on a phone)
        anchor = "#customer-timeline"
    else:
        kind, title = Kind.ASSIGNED, _("New web lead assigned to you: %(name)s") % {
            "name": customer.name}
        key = f"assigned:web:{customer.pk}"
        anchor = ""
    return _notify_safely(recipients=[owner], kind=kind, title=title,
                          body=_("From the web form of %(source)s.") % {"source": source_name},
                          key=key,
                          url=reverse("admin:customers_customer_change", args=[customer.pk])
                          + anchor)


def import_finished_notify(*, run) -> list[Notification]:
    """An import that completed or failed: tell whoever started it."""
    from backoffice.imports.models import ImportRun

    if run.state not in (ImportRun.State.COMPLETED, ImportRun.State.FAILED):
        return []
    finished = int(run.finished_at.timestamp()) if run.finished_at else 0
    if run.state == ImportRun.State.COMPLETED:
        title = _("Import finished: %(name)s") % {"name": run.original_name}
        body = _("%(created)d new, %(updated)d updated, %(invalid)d not imported.") % {
            "created": run.created or 0, "updated": run.updated or 0,
            "invalid": run.invalid or 0}
    else:
        title = _("Import failed: %(name)s") % {"name": run.original_name}
        body = str(run.message or "")
    return _notify_safely(recipients=[run.created_by], kind=Kind.IMPORT_DONE, title=title,
                          body=body, url=reverse("admin:imports_importrun_change", args=[run.pk]),
                          key=f"import:{run.pk}:{run.state}:{finished}")


def import_assigned_notify(*, run) -> int:
    """The counsellors an import's assignment rule gave new customers: one
    notification each, like any other assignment (none for the person who
    ran it). Keyed by run and count, so a resumed run that gives more tells
    again. Returns how many were told."""
    from django.db.models import Count
    from django.utils.translation import ngettext

    from backoffice.customers.models import Customer

    counts = dict(Customer.objects.filter(import_run=run, assigned_to__isnull=False)
                  .exclude(assigned_to=run.created_by_id).order_by()
                  .values("assigned_to").annotate(n=Count("pk"))
                  .values_list("assigned_to", "n"))
    if not counts:
        return 0
    told = 0
    for counsellor in User.objects.filter(pk__in=list(counts)).order_by("pk"):
        count = counts[counsellor.pk]
        told += len(_notify_safely(
            recipients=[counsellor], kind=Kind.ASSIGNED,
            title=ngettext("%(count)d customer assigned to you",
                           "%(count)d customers assigned to you", count) % {"count": count},
            body=_("From the import %(name)s by %(by)s.") % {
                "name": run.original_name, "by": _person(run.created_by)},
            url=reverse("admin:customers_customer_my_calls"),
            key=f"assigned:import:{run.pk}:{count}"))
    return told


def imports_failed_notify(*, since) -> int:
    """Runs marked failed in bulk (their worker stopped) since ``since``:
    tell each one's starter (once per run and finish, like any other)."""
    from backoffice.imports.models import ImportRun

    told = 0
    for run in (ImportRun.objects.filter(state=ImportRun.State.FAILED, finished_at__gte=since)
                .select_related("created_by").order_by("pk")[:100]):
        told += len(import_finished_notify(run=run))
    return told


def _person(user: User | None) -> str:
    if user is None:
        return str(_("Someone"))
    return user.get_full_name() or user.get_username()
