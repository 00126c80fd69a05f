"""The team's working rules: working hours and holidays (the first-call SLA
counts only working time), the call-back cadence, when a lead is not
reachable, how long a lead may sit in each status, and who is on leave.

Managers edit them in the admin; the defaults come from the settings."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from backoffice.customers.statuses import Status

def rules_cache_key(name: str) -> str:
    """A cache key of the working rules, per database: two sites (or two test
    databases) sharing one Redis never read each other's rules."""
    from django.db import connection

    return f"followups:{name}:v1:{connection.settings_dict['NAME']}"

WEEKDAY_NAMES = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
                 _("Saturday"), _("Sunday")]


def parse_cadence(text: str) -> list[datetime.timedelta]:
    """``"4h, 1d, 2d"`` -> the waits after the 1st, 2nd, 3rd… unanswered call
    (the last repeats). Hours (``h``) or days (``d``), at least one."""
    steps = []
    for part in str(text or "").replace(";", ",").split(","):
        part = part.strip().lower()
        if not part:
            continue
        unit, number = part[-1], part[:-1].strip()
        # ASCII digits only: "²".isdigit() is true, int("²") fails
        if (unit not in "hd" or not (number.isascii() and number.isdigit())
                or not 0 < int(number) <= 999):
            raise ValidationError(
                _("“%(part)s” is not a wait: write hours or days, like 4h or 2d.")
                % {"part": part})
        steps.append(datetime.timedelta(hours=int(number)) if unit == "h"
                     else datetime.timedelta(days=int(number)))
    if not steps:
        raise ValidationError(_("Give at least one wait, like 4h, 1d, 2d."))
    if len(steps) > 20:
        raise ValidationError(_("Give at most 20 waits."))
    return steps


def _validate_cadence(text: str) -> None:
    parse_cadence(text)


def _validate_working_days(text: str) -> None:
    if not text or any(ch not in "0123456" for ch in text) or len(set(text)) != len(text):
        raise ValidationError(_("Choose at least one working day."))


def _default_sla_minutes() -> int:
    return round(settings.SLA_TARGET_HOURS * 60)


def _default_max_attempts() -> int:
    return settings.MAX_ATTEMPTS


def _default_escalate_days() -> int:
    return settings.ESCALATE_AFTER_DAYS


def _default_digest_time() -> datetime.time:
    return settings.DIGEST_TIME


class WorkRules(models.Model):
    """One row (pk 1): the site's rules. ``WorkRules.current()`` reads it,
    made with the settings' defaults the first time."""

    working_days = models.CharField(
        _("working days"), max_length=7, default="012345", validators=[_validate_working_days],
        help_text=_("The days the team works: 0 is Monday, 6 is Sunday."))
    day_starts = models.TimeField(_("working day starts"), default=datetime.time(9, 0))
    day_ends = models.TimeField(_("working day ends"), default=datetime.time(18, 0))
    sla_minutes = models.PositiveIntegerField(
        _("first-call target (working minutes)"), default=_default_sla_minutes,
        validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 30)],
        help_text=_("Working time from assignment to the first call or message."))
    cadence = models.CharField(
        _("call-back cadence"), max_length=120, default="4h, 1d, 2d",
        validators=[_validate_cadence],
        help_text=_("When a call is not attended and no follow-up is given: the wait after "
                    "the 1st, 2nd, 3rd… unanswered call (the last repeats), in hours (h) or "
                    "days (d)."))
    max_attempts = models.PositiveSmallIntegerField(
        _("unanswered calls before “Not reachable”"), default=_default_max_attempts,
        validators=[MinValueValidator(1), MaxValueValidator(100)])
    digest_time = models.TimeField(
        _("daily digest at"), default=_default_digest_time,
        help_text=_("When each counsellor gets the day's follow-ups (site time)."))
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate overdue follow-ups after (days)"), default=_default_escalate_days,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("working rules")
        verbose_name_plural = _("working rules")

    def __str__(self) -> str:
        return str(_("Working rules"))

    def clean(self) -> None:
        if self.day_starts and self.day_ends and self.day_ends <= self.day_starts:
            raise ValidationError({"day_ends": _("The working day must end after it starts.")})
        self._check_sla_fits()

    def _check_sla_fits(self) -> None:
        """Every assignment computes its first-call due time: a target longer
        than the calendar's working time can reach (a few minutes a day on one
        day a week) would fail each of them, so it is refused here."""
        from django.utils import timezone

        from backoffice.followups.calendar import WorkCalendar

        try:
            weekdays = self.weekdays
        except ValueError:
            return  # the working days' own validator says so
        if not (weekdays and self.day_starts and self.day_ends and self.sla_minutes):
            return
        calendar = WorkCalendar(weekdays=weekdays, day_starts=self.day_starts,
                                day_ends=self.day_ends,
                                holidays=frozenset(Holiday.objects.values_list("date", flat=True)))
        try:
            calendar.add(timezone.now(), self.sla_minutes)
        except ValueError:
            raise ValidationError({"sla_minutes": _(
                "The working days and hours never reach this first-call target: make it "
                "shorter, or the working time longer.")}) from None

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(rules_cache_key("work-rules"))

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(int(ch) for ch in self.working_days)

    @property
    def cadence_steps(self) -> list[datetime.timedelta]:
        return parse_cadence(self.cadence)

    @classmethod
    def current(cls) -> "WorkRules":
        rules = cache.get(rules_cache_key("work-rules"))
        if rules is None:
            rules = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(rules_cache_key("work-rules"), rules, 60)
        return rules


class Holiday(models.Model):
    """A day off for the whole team: no working time counts on it."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date.day} {self.date:%b %Y} {self.name}".strip()  # 5 Dec 2026, as elsewhere

    def clean(self) -> None:
        """A holiday that leaves the calendar no way to reach the first-call
        target (every working day a holiday for months) is refused, as the
        working rules refuse such a target."""
        from django.utils import timezone

        from backoffice.followups.calendar import work_calendar

        if not self.date:
            return
        others = Holiday.objects.exclude(pk=self.pk).values_list("date", flat=True)
        rules = WorkRules.current()
        try:
            work_calendar(rules, holidays=[*others, self.date]).add(timezone.now(),
                                                                    rules.sla_minutes)
        except ValueError:
            raise ValidationError({"date": _(
                "With this holiday the working days never reach the first-call target: "
                "the team would have no working time left.")}) from None

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        _holidays_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _holidays_changed()
        return result


def _holidays_changed(**kwargs) -> None:
    cache.delete(rules_cache_key("holidays"))


# a list's "delete selected" deletes without Holiday.delete()
models.signals.post_delete.connect(_holidays_changed, sender=Holiday,
                                   dispatch_uid="followups_holidays_deleted")


class StatusAgeing(models.Model):
    """The longest a customer may sit in a status with nothing done."""

    status = models.CharField(_("status"), max_length=32, choices=Status.choices, unique=True)
    max_idle_days = models.PositiveSmallIntegerField(
        _("aged after (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["status"]
        verbose_name = _("status ageing limit")
        verbose_name_plural = _("status ageing limits")

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.max_idle_days}"


class LeaveDay(models.Model):
    """A day a counsellor is away: no new leads go to them that day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="leave_days", verbose_name=_("counsellor"))
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=120, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("entered by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "user"]
        verbose_name = _("leave day")
        verbose_name_plural = _("leave days")
        constraints = [models.UniqueConstraint(fields=["user", "date"],
                                               name="leave_day_user_date_uniq")]
        indexes = [models.Index(fields=["date", "user"], name="leave_day_date_idx")]

    def __str__(self) -> str:
        return f"{self.user}: {self.date.day} {self.date:%b %Y}"


class AttentionSnapshot(models.Model):
    """The Needs attention counts over every customer, as the scheduler last
    counted them (one row): the managers' dashboard reads them instead of
    counting a million customers on each visit."""

    first_call_late = models.PositiveIntegerField(default=0)
    not_reachable = models.PositiveIntegerField(default=0)
    aged = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("needs-attention counts")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M}"
