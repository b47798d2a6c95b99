"""The daily servicing run and what it leaves behind: reminder cycles, reminders (the outbox of
reminder letters), tasks for people, and claims handed to Gældsstyrelsen.

Exactly-once is kept by the database: one run per date, one open cycle per loan, one reminder
per (cycle, number), one contact task per cycle, one claim per loan handed over. A second
insert of any of them is impossible, so a run repeated, or restarted after a crash, cannot send
a reminder twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mikrolaan.core.models import AppendOnlyModel


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ServicingRun(models.Model):
    """One daily run per date. Rerunning a date continues (or repeats harmlessly) the run."""

    run_on = models.DateField(_("run date"), unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    # Counts of what this date's run produced (all attempts together) and the last error.
    stats = models.JSONField(_("figures"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-run_on"]
        verbose_name = _("servicing run")
        verbose_name_plural = _("servicing runs")

    def __str__(self) -> str:
        return f"{self.run_on} {self.status}"


class CloseReason(models.TextChoices):
    PAID = "paid", _("Arrears paid")
    HANDED_OVER = "handed_over", _("Handed to Gældsstyrelsen")
    LOAN_CLOSED = "loan_closed", _("Loan no longer being repaid")


class ReminderCycle(models.Model):
    """One stretch of arrears on a loan that the reminder procedure follows.

    Opened by the run when the first reminder falls due; closed when the arrears are paid (the
    next missed instalment opens a new cycle) or when the claim is handed over.
    """

    loan = models.ForeignKey("loans.Loan", on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("opened on"))
    first_unpaid_due = models.DateField(_("oldest unpaid due date"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(
        _("closed because"), max_length=20, choices=CloseReason.choices, blank=True
    )

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("reminder cycle")
        verbose_name_plural = _("reminder cycles")
        constraints = [
            # (also the index of a loan's open cycle)
            models.UniqueConstraint(
                fields=["loan"], condition=Q(closed_on__isnull=True), name="cycle_one_open_per_loan"
            ),
            # What a reminder's (cycle, loan) points at on PostgreSQL (migration 0005).
            models.UniqueConstraint(fields=["id", "loan"], name="cycle_id_loan"),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} from {self.opened_on}"


class Reminder(models.Model):
    """A reminder (rykker) to the borrower, and the outbox entry of its letter.

    The run inserts the row (set-based); issuing it — the fee entry, the PDF, the letter —
    happens afterwards in batches, each reminder once (``letter`` set in the same transaction
    that creates the letter). ``delivered_on`` is what the letter's transport reported, as a
    date for the rules.
    """

    # The loan is the cycle's (a copy for the lists). On PostgreSQL one foreign key checks the
    # pair (cycle, loan) against the cycle (migration 0005): a reminder of another loan than
    # its cycle's cannot be stored, and the heaviest day's 128,000 reminders take one check
    # each instead of two (the loan's was the dearer: it locks a row of the loans table).
    # ``cycle`` is indexed by ``reminder_once_per_number`` (cycle first).
    cycle = models.ForeignKey(
        ReminderCycle, on_delete=models.PROTECT, related_name="reminders", db_index=False
    )
    loan = models.ForeignKey("loans.Loan", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(ServicingRun, on_delete=models.PROTECT, related_name="reminders")
    number = models.PositiveSmallIntegerField(_("reminder number"))
    is_last = models.BooleanField(_("last reminder, with notice of hand-over"), default=False)
    sent_on = models.DateField(_("date"))
    pay_by = models.DateField(_("pay by"))
    arrears = models.DecimalField(_("arrears"), max_digits=12, decimal_places=2)
    oldest_unpaid_due = models.DateField(_("oldest unpaid due date"))
    days_past_due = models.IntegerField(_("days past due"))
    fee = models.DecimalField(_("fee"), max_digits=8, decimal_places=2, default=0)
    letter = models.OneToOneField(
        "letters.Letter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="reminder_once_per_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="reminder_number_positive"),
        ]
        indexes = [
            models.Index(
                fields=["letter"], condition=Q(letter__isnull=True), name="reminder_unissued_idx"
            ),
            models.Index(fields=["sent_on"]),
        ]

    def __str__(self) -> str:
        return f"rykker {self.number} {self.loan_id} {self.sent_on}"


class TaskKind(models.TextChoices):
    CONTACT_CITIZEN = "contact_citizen", _("Reach the citizen in person")
    CLAIM_REJECTED = "claim_rejected", _("Claim rejected by Gældsstyrelsen")
    # Asked for on the citizen's own page; decided on the request's page (mikrolaan.selfservice).
    CITIZEN_REQUEST = "citizen_request", _("The citizen's request")


class TaskReason(models.TextChoices):
    NO_PAYMENT = "no_payment", _("No payment after a delivered reminder")
    LETTER_FAILED = "letter_failed", _("A reminder could not be delivered")
    PAPER = "paper", _("Exempt from Digital Post: reminders go on paper")
    CLAIM_REJECTED = "claim_rejected", _("Gældsstyrelsen rejected the claim (AFVIST)")
    DEFERRAL_REQUESTED = "deferral_requested", _("The citizen asks for a deferral")
    EXTRA_PAYMENT_REQUESTED = (
        "extra_payment_requested",
        _("The citizen asks for an agreement to pay extra"),
    )


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class Task(models.Model):
    """Something a person must do about a loan. ``status`` is the projection of its events."""

    kind = models.CharField(_("kind"), max_length=30, choices=TaskKind.choices)
    role = models.CharField(_("for role"), max_length=30)
    loan = models.ForeignKey("loans.Loan", on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(
        ReminderCycle, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    reminder = models.ForeignKey(
        Reminder, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claim = models.ForeignKey(
        "servicing.Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    reason = models.CharField(_("why"), max_length=30, choices=TaskReason.choices)
    created_on = models.DateField(_("created on"))
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )

    class Meta:
        ordering = ["created_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"],
                condition=Q(kind="contact_citizen"),
                name="task_contact_once_per_cycle",
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(kind="claim_rejected"),
                name="task_rejected_once_per_claim",
            ),
        ]
        indexes = [models.Index(fields=["role", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.loan_id}"


class TaskEvent(AppendOnlyModel):
    """What happened to a task: created, done (with a note). Never changed."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=20)
    occurred_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("task event")
        verbose_name_plural = _("task events")


class ClaimType(models.TextChoices):
    KTSEREV = "KTSEREV", "KTSEREV – Revalidender, etablering af virksomhed"


class ReceiptStatus(models.TextChoices):
    MODTAGET = "MODTAGET", _("Received")
    AFVIST = "AFVIST", _("Rejected")
    SAGSBEHANDL = "SAGSBEHANDL", _("Being processed")
    UDFOERT = "UDFOERT", pgettext_lazy("collection receipt", "Completed")


class Claim(models.Model):
    """A claim handed to Gældsstyrelsen: what was sent (as sent) and what came back."""

    claim_ref = models.CharField(_("claim number"), max_length=60, unique=True)
    # A loan can have more than one claim: one taken back (rejected) and a later one.
    loan = models.ForeignKey("loans.Loan", on_delete=models.PROTECT, related_name="+")
    cycle = models.OneToOneField(ReminderCycle, on_delete=models.PROTECT, related_name="claim")
    claim_type = models.CharField(
        _("claim type"), max_length=20, choices=ClaimType.choices, default=ClaimType.KTSEREV
    )
    confirmed_on = models.DateField(_("handed over on"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cpr = models.CharField(_("CPR number"), max_length=10)
    created_on = models.DateField(_("claim created on"))
    due_date = models.DateField(_("due date"))
    last_on_time_payment = models.DateField(_("last on-time payment date"))
    principal = models.DecimalField(_("principal"), max_digits=12, decimal_places=2)
    outstanding = models.DecimalField(_("outstanding"), max_digits=12, decimal_places=2)
    fees = models.DecimalField(_("fees"), max_digits=12, decimal_places=2)
    notice_on = models.DateField(_("written notice given on"))
    export_file = models.CharField(_("export file"), max_length=500)
    # The latest receipt status (projection of the receipts); empty until the first receipt.
    status = models.CharField(_("status"), max_length=20, choices=ReceiptStatus.choices, blank=True)

    class Meta:
        ordering = ["-confirmed_on", "-pk"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self) -> str:
        return self.claim_ref


class ClaimReceipt(AppendOnlyModel):
    """A receipt from Gældsstyrelsen on a claim. Importing the same file twice adds nothing."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="receipts")
    status = models.CharField(_("status"), max_length=20, choices=ReceiptStatus.choices)
    received_on = models.DateField(_("date"))
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["claim", "status", "received_on"], name="receipt_once"),
        ]
