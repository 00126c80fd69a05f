"""Customer statuses and the funnel stage each belongs to.

This is the one place that maps a status to its stage; reports, the funnel
and the badges read it from here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    INVALID = "invalid", _("Invalid")
    VALID = "valid", _("Valid")
    CALL_NOT_ATTENDED = "call_not_attended", _("Call not attended")
    ADMISSION = "admission", _("Admission")
    NOT_INTERESTED = "not_interested", _("Not interested")
    CALL_LATER = "call_later", _("Call later")
    WAITING_FOR_DECISION = "waiting_for_decision", _("Waiting for decision")
    WAITING_FOR_DOCUMENTS = "waiting_for_documents", _("Waiting for documents")
    WAITING_FOR_FEES = "waiting_for_fees", _("Waiting for fees")
    WAITING_FOR_CONFIRMATION = "waiting_for_confirmation", _("Waiting for confirmation")
    WAITING_FOR_JOINING = "waiting_for_joining", _("Waiting for joining")
    JOINED = "joined", _("Joined")
    DROPPED = "dropped", _("Dropped")


_LABELS: dict[tuple[str | None, str], str] = {}


def status_label(code: str) -> str:
    """A status's name in the active language, for lists that show it on every
    row (``get_status_display`` hashes the whole choice list each call). An
    unknown code reads as written."""
    from django.utils.translation import get_language

    key = (get_language(), code)
    label = _LABELS.get(key)
    if label is None:
        try:
            label = str(Status(code).label)
        except ValueError:
            label = code
        _LABELS[key] = label
    return label


class Stage(models.TextChoices):
    NEW = "new", _("New")
    CONTACT_ATTEMPTED = "contact_attempted", _("Contact attempted")
    ENGAGED = "engaged", _("Engaged")
    ADMISSION = "admission", _("Admission")
    JOINED = "joined", _("Joined")
    LOST = "lost", _("Lost")


# Funnel order: New -> Contact attempted -> Engaged -> Admission -> Joined; Lost is terminal.
FUNNEL = [Stage.NEW, Stage.CONTACT_ATTEMPTED, Stage.ENGAGED, Stage.ADMISSION, Stage.JOINED]

STAGE_OF: dict[str, Stage] = {
    Status.NEW: Stage.NEW,
    Status.CALL_NOT_ATTENDED: Stage.CONTACT_ATTEMPTED,
    Status.CALL_LATER: Stage.CONTACT_ATTEMPTED,
    Status.VALID: Stage.ENGAGED,
    Status.WAITING_FOR_DECISION: Stage.ENGAGED,
    Status.WAITING_FOR_DOCUMENTS: Stage.ENGAGED,
    Status.WAITING_FOR_FEES: Stage.ENGAGED,
    Status.WAITING_FOR_CONFIRMATION: Stage.ENGAGED,
    Status.WAITING_FOR_JOINING: Stage.ENGAGED,
    Status.ADMISSION: Stage.ADMISSION,
    Status.JOINED: Stage.JOINED,
    Status.INVALID: Stage.LOST,
    Status.NOT_INTERESTED: Stage.LOST,
    Status.DROPPED: Stage.LOST,
}

# unfold label colours per stage, so a badge tells the stage at a glance.
BADGE_OF_STAGE: dict[Stage, str] = {
    Stage.NEW: "info",
    Stage.CONTACT_ATTEMPTED: "warning",
    Stage.ENGAGED: "primary",
    Stage.ADMISSION: "success",
    Stage.JOINED: "success",
    Stage.LOST: "danger",
}

# A status that only makes sense with a date to call back on. ("Call not
# attended" without one gets the working rules' call-back cadence.)
NEEDS_FOLLOW_UP = {Status.CALL_LATER}


# Pipeline order: the order of ``Status`` (New, Invalid, Valid, Call not
# attended, … Joined, Dropped), the order a list sorted by status shows.
STATUS_ORDER: list[str] = [status.value for status in Status]


def status_rank(field: str = "status") -> models.Case:
    """A status's place in the pipeline, as a database expression (a list
    sorts by it, not by the internal code's alphabet)."""
    return models.Case(
        *(models.When(**{field: code}, then=models.Value(rank))
          for rank, code in enumerate(STATUS_ORDER)),
        default=models.Value(len(STATUS_ORDER)),
        output_field=models.PositiveSmallIntegerField(),
    )


def stage_of(status: str) -> Stage:
    return STAGE_OF[Status(status)]


def funnel_rank(status: str) -> int:
    """The funnel position a status puts a customer at; a lost status counts
    as New (the customer keeps the furthest stage reached before)."""
    stage = stage_of(status)
    return FUNNEL.index(stage) if stage in FUNNEL else 0


def status_bit(status: str) -> int:
    """The status's bit in ``Customer.statuses_seen`` (every status a customer
    was ever in), in the order of ``Status``."""
    return _STATUS_BITS[Status(status)]


def statuses_in(stage: Stage) -> list[str]:
    return [status.value for status, s in STAGE_OF.items() if s == stage]


# looked up once per imported row: computed once
_STATUS_BITS = {status: 1 << index for index, status in enumerate(Status)}
