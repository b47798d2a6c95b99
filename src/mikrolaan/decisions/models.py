from django.db import models
from django.utils.translation import gettext_lazy as _

from mikrolaan.accounts.roles import Role
from mikrolaan.core.models import AppendOnlyModel


class Colour(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class Decision(AppendOnlyModel):
    """A budget and loan decision round on the three P's (DOMAIN.md §6.3).

    Green proposes a loan amount; the grant hangs off a green decision through two
    ``GrantApproval`` records (project leader and benefits caseworker, never one person).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="decisions")
    event = models.OneToOneField(
        "cases.CaseEvent", on_delete=models.PROTECT, related_name="decision"
    )
    decided_on = models.DateField(_("decided on"))
    colour = models.CharField(_("decision"), max_length=10, choices=Colour.choices)
    person_colour = models.CharField(_("the person"), max_length=10, choices=Colour.choices)
    person_reason = models.TextField(_("the person: reasons"))
    money_colour = models.CharField(_("the money"), max_length=10, choices=Colour.choices)
    money_reason = models.TextField(_("the money: reasons"))
    plan_colour = models.CharField(_("the plan"), max_length=10, choices=Colour.choices)
    plan_reason = models.TextField(_("the plan: reasons"))
    feedback = models.TextField(_("feedback to the citizen"), blank=True)
    proposed_amount = models.DecimalField(
        _("proposed loan"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_justification = models.TextField(
        _("justification for an amount outside the policy"), blank=True
    )
    policy = models.ForeignKey(
        "policy.LoanPolicy", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["decided_on", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(colour="green") | models.Q(proposed_amount__gt=0),
                name="decision_green_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_colour_display()} {self.decided_on}"


class GrantApproval(AppendOnlyModel):
    """One of the two signatures on a loan grant."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="approvals")
    role = models.CharField(
        _("role"),
        max_length=40,
        choices=[
            (Role.PROJECT_LEADER.value, Role.PROJECT_LEADER.label),
            (Role.BENEFITS_CASEWORKER.value, Role.BENEFITS_CASEWORKER.label),
        ],
    )
    approved_on = models.DateField(_("approved on"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "role"], name="grant_one_approval_per_role"
            ),
            models.UniqueConstraint(
                fields=["decision", "recorded_by"], name="grant_two_different_approvers"
            ),
        ]
