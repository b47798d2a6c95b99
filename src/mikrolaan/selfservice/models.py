"""What a citizen asks for on their own page, and the project leader's answer.

Both are append-only: the request is never changed, the answer is a record of its own that
points at it (who decided, when, why). The request's task (``servicing.Task``) is how it
reaches the project leader's task list; the task's ``status`` follows the answer.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.models import AppendOnlyModel


class RequestKind(models.TextChoices):
    DEFERRAL = "deferral", _("Deferral (henstand)")
    EXTRA_PAYMENT = "extra_payment", _("Agreement to pay extra")


class LoanRequest(AppendOnlyModel):
    """A citizen's request about their loan, made by the citizen (``recorded_by`` is empty)."""

    citizen = models.ForeignKey(
        "people.Citizen",
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="loan_requests",
    )
    loan = models.ForeignKey(
        "loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="requests"
    )
    task = models.OneToOneField(
        "servicing.Task", on_delete=models.PROTECT, related_name="citizen_request"
    )
    kind = models.CharField(_("what is asked for"), max_length=20, choices=RequestKind.choices)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    monthly_amount = models.DecimalField(
        _("extra amount a month"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    message = models.TextField(_("why"))
    asked_on = models.DateField(_("asked on"))

    class Meta:
        ordering = ["-asked_on", "-pk"]
        verbose_name = _("citizen's request")
        verbose_name_plural = _("citizens' requests")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="deferral", months__gt=0, monthly_amount__isnull=True))
                | Q(kind="extra_payment", months__isnull=True, monthly_amount__gt=0),
                name="loan_request_terms_fit_kind",
            ),
            models.CheckConstraint(condition=~Q(message=""), name="loan_request_has_message"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.loan_id} {self.asked_on}"

    @property
    def answer_or_none(self):
        try:
            return self.answer
        except LoanRequestAnswer.DoesNotExist:
            return None


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class LoanRequestAnswer(AppendOnlyModel):
    """The project leader's decision on a request; ``answer`` is what the citizen reads."""

    request = models.OneToOneField(LoanRequest, on_delete=models.PROTECT, related_name="answer")
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    answer = models.TextField(_("answer to the citizen"))
    answered_on = models.DateField(_("answered on"))
    # The deferral granted through the loan's own deferral flow (loans.services.grant_deferral).
    deferral = models.OneToOneField(
        "loans.Deferral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("answer to a citizen's request")
        verbose_name_plural = _("answers to citizens' requests")
        constraints = [
            models.CheckConstraint(condition=~Q(answer=""), name="loan_request_answer_has_text"),
            models.CheckConstraint(
                condition=Q(outcome="granted") | Q(deferral__isnull=True),
                name="loan_request_refusal_grants_nothing",
            ),
        ]
