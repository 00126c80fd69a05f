import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from backoffice.customers.phones import phone_display, phone_normalize
from backoffice.customers.statuses import FUNNEL, Stage, Status, stage_of, status_rank


def today():
    return timezone.localdate()


class Customer(models.Model):
    """A lead or customer of the admissions team."""

    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        help_text=_("Stored in international form, e.g. +919876543210."),
    )
    phone_raw = models.CharField(
        _("phone as written"),
        max_length=64,
        blank=True,
        help_text=_("The number exactly as it was written in the source."),
    )
    alternate_phone = models.CharField(
        _("alternate phone"),
        max_length=20,
        blank=True,
        default="",
        db_default="",  # rows written by COPY (imports, the bench) need no value
        help_text=_("A second number, in international form."),
    )
    email = models.EmailField(_("email"), max_length=254, blank=True, default="", db_default="")
    area = models.CharField(_("area"), max_length=120, blank=True)
    date_added = models.DateField(
        _("date added"),
        default=today,
        help_text=_("The lead's date from its source, else the day it was entered."),
    )
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.NEW
    )
    remarks = models.TextField(_("remarks"), blank=True)
    # Every column of the source row that maps to no field, as written
    # ({header: value}): an import never drops what a file said.
    source_details = models.JSONField(_("source details"), default=dict, blank=True,
                                      db_default=models.Value({}, models.JSONField()))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor"),
        on_delete=models.PROTECT,
        related_name="assigned_customers",
        null=True,
        blank=True,
        # The (assigned_to, date_added, id) index below serves this column.
        db_index=False,
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    # The hour of a follow-up set for a time of day ("later today"); most
    # follow-ups are for a day and have none.
    next_follow_up_time = models.TimeField(_("follow-up time"), null=True, blank=True,
                                           editable=False)
    last_contacted = models.DateTimeField(_("last contacted"), null=True, blank=True)
    # Kept by the services for the reports, so that funnels and first-contact
    # times need no scan of the status history:
    first_contacted = models.DateTimeField(
        _("first contacted"), null=True, blank=True, editable=False,
        help_text=_("When the customer was first contacted after being added: the first "
                    "status update or tap on Call or WhatsApp."),
    )
    statuses_seen = models.PositiveIntegerField(
        _("statuses ever held"), default=0, editable=False,
        help_text=_("One bit per status (statuses.status_bit) the customer was ever in."),
    )
    stage_reached = models.PositiveSmallIntegerField(
        _("furthest funnel stage"), default=0, editable=False,
        help_text=_("Index into the funnel (New, Contact attempted, Engaged, Admission, "
                    "Joined) of the furthest stage the customer ever reached."),
    )
    # Call attempts: every tap on Call or WhatsApp and every "Call not
    # attended" (a status update right after a tap is that same attempt).
    attempts = models.PositiveIntegerField(_("call attempts"), default=0, db_default=0,
                                           editable=False)
    attempts_unanswered = models.PositiveSmallIntegerField(
        _("unanswered calls in a row"), default=0, db_default=0, editable=False,
        help_text=_("“Call not attended” updates since the customer was last reached; at "
                    "the working rules' limit the customer is not reachable."))
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True,
                                           editable=False)
    connected_at = models.DateTimeField(
        _("first reached"), null=True, blank=True, editable=False,
        help_text=_("The first status update that says the customer was reached."))
    attempts_to_connect = models.PositiveIntegerField(
        _("attempts to reach"), null=True, blank=True, editable=False)
    # First-call SLA: set at each assignment, met by the first contact after it.
    sla_due_at = models.DateTimeField(_("first call due by"), null=True, blank=True,
                                      editable=False)
    sla_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    sla_reached_at = models.DateTimeField(_("first contact after assignment"), null=True,
                                          blank=True, editable=False)
    # 0: nobody told yet; 1: the counsellor warned (75%); 2: managers told of the breach.
    sla_stage = models.PositiveSmallIntegerField(default=0, db_default=0, editable=False)
    # The last thing done to the customer (created, assigned, contacted,
    # status): ageing counts idle days from it.
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now,
                                            db_default=Now(), editable=False)
    data_source = models.ForeignKey(
        "imports.DataSource",
        verbose_name=_("data source"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
    )
    import_run = models.ForeignKey(
        "imports.ImportRun",
        verbose_name=_("created by import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    history = HistoricalRecords(
        excluded_fields=["updated_at", "sla_warn_at", "sla_stage", "last_activity_at"],
        user_db_constraint=False,
        verbose_name=_("customer change"),
        verbose_name_plural=_("customer changes"),
        # History is read by customer (id) and by date or user; an index per
        # copied column would only slow down every write (imports above all).
        no_db_index=["phone", "assigned_to", "data_source", "import_run", "created_by",
                     "updated_by"],
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        # No Meta.ordering: a default ordering silently breaks GROUP BY queries.
        # The admin orders explicitly.
        permissions = [
            ("view_all_customers", _("Can see every customer")),
            ("assign_customer", _("Can assign customers to counsellors")),
            ("export_customer", _("Can export customers")),
        ]
        indexes = [
            # every ordering and filter the customer list offers
            models.Index(fields=["-date_added", "-id"], name="customer_date_added_idx"),
            models.Index(
                fields=["assigned_to", "-date_added", "-id"], name="customer_assignee_date_idx"
            ),
            models.Index(fields=["status", "-date_added", "-id"], name="customer_status_date_idx"),
            # the list sorted by status, in pipeline order (status_rank), newest first
            models.Index(status_rank(), models.F("date_added").desc(), models.F("id").desc(),
                         name="customer_status_rank_idx"),
            # counts by status: fourteen values, so the index is tiny (B-tree
            # deduplication) and a count over a million customers reads only it
            models.Index(fields=["status"], name="customer_status_idx"),
            # follow-ups due, and overdue per counsellor from the index alone;
            # customers without a follow-up (every new lead) are not in it
            models.Index(fields=["next_follow_up", "assigned_to"],
                         name="customer_follow_up_owner_idx",
                         condition=models.Q(next_follow_up__isnull=False)),
            # "reached Admission" counts (a small share of the customers)
            models.Index(fields=["stage_reached"], name="customer_admitted_idx",
                         condition=models.Q(stage_reached__gte=FUNNEL.index(Stage.ADMISSION))),
            # the list's "last contacted" range (most new leads were never contacted)
            models.Index(fields=["last_contacted"], name="customer_last_contacted_idx",
                         condition=models.Q(last_contacted__isnull=False)),
            # "My calls": a counsellor's new leads without a follow-up, oldest
            # assignment first
            models.Index(fields=["assigned_to", "assigned_at", "id"],
                         name="customer_new_leads_idx",
                         condition=models.Q(status="new", next_follow_up__isnull=True)),
            # "Not reachable" and its filter: customers with unanswered calls
            models.Index(fields=["attempts_unanswered"], name="customer_unanswered_idx",
                         condition=models.Q(attempts_unanswered__gt=0)),
            # the SLA sweep and breach queue: assigned leads not yet contacted
            models.Index(fields=["sla_due_at"], name="customer_sla_open_idx",
                         condition=models.Q(sla_due_at__isnull=False,
                                            sla_reached_at__isnull=True)),
            models.Index(fields=["sla_warn_at"], name="customer_sla_warn_idx",
                         condition=models.Q(sla_due_at__isnull=False, sla_reached_at__isnull=True,
                                            sla_stage__lt=2)),
            # ageing: idle customers per status
            models.Index(fields=["status", "last_activity_at"], name="customer_ageing_idx"),
            models.Index(fields=["name"], name="customer_name_idx"),
            models.Index(fields=["area"], name="customer_area_idx"),
            # duplicates are found by either number; most customers have no second one
            models.Index(fields=["alternate_phone"], name="customer_alt_phone_idx",
                         condition=~models.Q(alternate_phone="")),
        ]
        constraints = [
            # A constraint rather than unique=True: the same unique index, without
            # the extra varchar_pattern_ops index Django adds for a unique CharField
            # on PostgreSQL, which no query here uses (phone search is exact or
            # trigram) and every import would pay to maintain.
            models.UniqueConstraint(fields=["phone"], name="customer_phone_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="customer_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({phone_display(self.phone)})"

    def clean(self) -> None:
        super().clean()
        self.name = " ".join((self.name or "").split())
        self.area = " ".join((self.area or "").split())
        if not self.name:
            raise ValidationError({"name": _("Name is required.")})
        if self.phone:
            try:
                self.phone = phone_normalize(self.phone)
            except ValidationError as exc:
                raise ValidationError({"phone": exc.messages}) from exc
        if self.alternate_phone:
            try:
                self.alternate_phone = phone_normalize(self.alternate_phone)
            except ValidationError as exc:
                raise ValidationError({"alternate_phone": exc.messages}) from exc
            if self.alternate_phone == self.phone:
                raise ValidationError(
                    {"alternate_phone": _("The alternate phone is the customer's phone.")})

    @property
    def stage(self):
        return stage_of(self.status)


class StatusChange(models.Model):
    """One status update of a customer: the timeline, and the source of
    conversion, time-in-status and counsellor metrics."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="status_changes", db_index=False
    )
    from_status = models.CharField(
        _("from"), max_length=32, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=32, choices=Status.choices)
    remark = models.TextField(_("remark"), blank=True)
    next_follow_up = models.DateField(_("follow-up set"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    changed_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        indexes = [
            models.Index(fields=["customer", "-changed_at"], name="statuschange_customer_idx"),
            models.Index(fields=["changed_by", "-changed_at"], name="statuschange_by_idx"),
            models.Index(fields=["to_status", "-changed_at"], name="statuschange_to_idx"),
            # trends over a period from the index alone
            models.Index(fields=["-changed_at"], include=["from_status", "to_status"],
                         name="statuschange_at_cover_idx"),
        ]

    def __str__(self) -> str:
        old = self.get_from_status_display() or "—"
        return f"{old} → {self.get_to_status_display()}"


class Touch(models.Model):
    """A tap on Call or WhatsApp for a customer: a contact attempt, recorded
    before the phone's dialer or WhatsApp opens (attempt counts build on it)."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        WHATSAPP = "whatsapp", _("WhatsApp message")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="touches",
                                 db_index=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                           on_delete=models.SET_NULL, null=True, related_name="+",
                           db_index=False)

    class Meta:
        verbose_name = _("call or message")
        verbose_name_plural = _("calls and messages")
        indexes = [
            models.Index(fields=["customer", "-at"], name="touch_customer_idx"),
            models.Index(fields=["by", "-at"], name="touch_by_idx"),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Enquiry(models.Model):
    """A web form's post of a number some customer already has (the first
    post made the customer): on the customer's page beside its calls and
    messages, with what the form said. A customer keeps its latest
    ``ENQUIRIES_KEPT`` (backoffice.capture.services)."""

    kind = "enquiry"  # beside a Touch's kinds on the customer's page

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="enquiries",
                                 db_index=False)
    # indexed: a data source's deletion sets its enquiries' source to none
    data_source = models.ForeignKey("imports.DataSource", verbose_name=_("data source"),
                                    on_delete=models.SET_NULL, null=True, related_name="+")
    source_name = models.CharField(_("form"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    text = models.TextField(_("what the form said"), blank=True)

    class Meta:
        verbose_name = _("web enquiry")
        verbose_name_plural = _("web enquiries")
        indexes = [models.Index(fields=["customer", "-at"], name="enquiry_customer_idx")]

    def __str__(self) -> str:
        return str(_("Web enquiry from %s") % self.source_name)


class MessageTemplate(models.Model):
    """The WhatsApp text offered for customers in one status; managers edit
    it. ``{name}`` and ``{counsellor}`` are replaced (nothing else is)."""

    status = models.CharField(_("status"), max_length=32, choices=Status.choices, unique=True)
    text = models.TextField(
        _("message"), max_length=1000,
        help_text=_("{name} becomes the customer's name, {counsellor} yours."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("WhatsApp message")
        verbose_name_plural = _("WhatsApp messages")

    def __str__(self) -> str:
        return str(self.get_status_display())

    def clean(self) -> None:
        """A placeholder we do not fill would reach the customer as typed."""
        unknown = sorted({word for word in re.findall(r"\{([^{}]*)\}", self.text or "")
                          if word not in ("name", "counsellor")})
        if unknown:
            raise ValidationError({"text": _(
                "Only {name} and {counsellor} are filled in; %(unknown)s would reach the "
                "customer as typed.") % {"unknown": ", ".join("{%s}" % w[:40] for w in unknown)}})


class CustomerUserObjectPermission(UserObjectPermissionBase):
    """An explicit share of one customer with one user (django-guardian, direct
    foreign key, so checks are indexed joins and not text casts)."""

    content_object = models.ForeignKey(Customer, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("customer share")
        verbose_name_plural = _("customer shares")
