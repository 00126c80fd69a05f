from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who logs in. Everyone who logs in is staff: the admin is the
    whole UI. Roles are the groups in accounts.roles."""

    phone = models.CharField(max_length=20, blank=True)
    monthly_target = models.PositiveIntegerField(
        "monthly target", null=True, blank=True,
        help_text="Admissions a counsellor aims for each calendar month (dashboards and "
                  "the counsellor performance report measure progress against it).",
    )
    # Fair distribution: no more than this many new leads a day, and none
    # while this many are open (empty: no limit).
    daily_new_cap = models.PositiveSmallIntegerField(
        "new leads a day at most", null=True, blank=True,
        help_text="Distribution, imports and recycling give this counsellor no more new leads "
                  "in a day. Empty: no limit.")
    max_open_leads = models.PositiveIntegerField(
        "open leads at most", null=True, blank=True,
        help_text="No new leads while this counsellor has this many open customers (not "
                  "joined, dropped, invalid or not interested). Empty: no limit.")
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["first_name", "last_name", "username"]
        permissions = [("set_monthly_target", "Can set counsellors' monthly targets"),
                       ("unlock_sign_in", "Can unlock a locked-out sign-in")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_perm(self, perm, obj=None) -> bool:
        """Django's answer, kept for the rest of this request: a page asks the same
        model permissions dozens of times (the sidebar, the list's buttons and
        actions), each through every authentication backend. The user object lives
        for one request; answers about an object are not kept.

        The kept answers hold only while what Django's answer depends on is as it
        was: the user still active, still (or still not) a superuser, and Django's
        own permission cache the same one (clearing it, as after granting a
        permission, clears these too)."""
        if obj is not None:
            return super().has_perm(perm, obj)
        state = (self.is_active, self.is_superuser, self.__dict__.get("_perm_cache"))
        kept = self.__dict__.get("_alims_perm_answers")
        if kept is not None and kept[0] == state:
            answers = kept[1]
            if perm in answers:
                return answers[perm]
        else:
            answers = {}
        answer = super().has_perm(perm)
        # asking may have filled Django's cache: the state is read again
        state = (self.is_active, self.is_superuser, self.__dict__.get("_perm_cache"))
        if kept is None or kept[0] != state:
            answers = {}
        answers[perm] = answer
        self.__dict__["_alims_perm_answers"] = (state, answers)
        return answer

    def save(self, *args, **kwargs) -> None:
        # Only staff can use the back-office, and the back-office is all there is.
        self.is_staff = True
        super().save(*args, **kwargs)
