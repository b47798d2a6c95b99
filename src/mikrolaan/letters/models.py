"""The outbox: every letter to a citizen, its PDF and what the transport reported."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    LOAN_AGREEMENT = "loan_agreement", _("Loan agreement")
    REPAYMENT_PLAN = "repayment_plan", _("Repayment plan")
    REMINDER = "reminder", _("Reminder")
    NOTICE = "notice", _("Notice")
    OTHER = "other", _("Letter")


class LetterStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Sent, no receipt yet")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Delivery failed")


class Letter(models.Model):
    """A letter to a citizen. ``status`` moves only through ``letters.services``; each move is
    an audit record. Digital Post reports delivered or failed, never read."""

    citizen = models.ForeignKey(
        "people.Citizen",
        on_delete=models.PROTECT,
        related_name="letters",
        verbose_name=_("citizen"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=LetterKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    # What the letter is about, e.g. a loan number: lets other apps find their letters.
    reference = models.CharField(_("reference"), max_length=100, blank=True, db_index=True)
    pdf_path = models.CharField(_("PDF file"), max_length=500)
    paper = models.BooleanField(
        _("paper letter"), default=False, help_text=_("The citizen is exempt from Digital Post.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LetterStatus.choices, default=LetterStatus.QUEUED
    )
    transport = models.CharField(_("transport"), max_length=100, blank=True)
    transport_ref = models.CharField(_("transport reference"), max_length=200, blank=True)
    status_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    failure_reason = models.TextField(_("why delivery failed"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"
