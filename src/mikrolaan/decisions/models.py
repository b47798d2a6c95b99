from django.db import models
from django.utils.translation import gettext_lazy as _

from mikrolaan.accounts.roles import Role
from mikrolaan.core.models import AppendOnlyModel, AppendOnlyQuerySet


class Colour(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class RedOutcome(models.TextChoices):
    """What a red decision does with the citizen (DOMAIN.md §6.3)."""

    END_TRAJECTORY = "end_trajectory", _("The trajectory ends")
    RETURN_TO_JOB_CENTRE = "return_to_job_centre", _("The citizen returns to the job centre")


class DecisionQuerySet(AppendOnlyQuerySet):
    def granted(self):
        """Green decisions with both signatures (project leader and benefits caseworker)."""
        return self.filter(colour=Colour.GREEN).filter(
            pk__in=GrantApproval.objects.values("decision")
            .annotate(roles=models.Count("role", distinct=True))
            .filter(roles=2)
            .values("decision")
        )


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
    round_number = models.PositiveSmallIntegerField(_("round"), default=1)
    budget_version = models.ForeignKey(
        "budgets.BudgetVersion",
        verbose_name=_("budget version decided on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    red_outcome = models.CharField(
        _("consequence of red"), max_length=30, choices=RedOutcome.choices, blank=True
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["decided_on", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(colour="green") | models.Q(proposed_amount__gt=0),
                name="decision_green_has_amount",
            ),
            models.CheckConstraint(
                condition=(models.Q(colour="red") & ~models.Q(red_outcome=""))
                | (~models.Q(colour="red") & models.Q(red_outcome="")),
                name="decision_red_has_outcome",
            ),
            models.UniqueConstraint(fields=["case", "round_number"], name="decision_round_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_colour_display()} {self.decided_on}"

    @property
    def amount_outside_policy(self) -> bool:
        return bool(
            self.proposed_amount is not None
            and self.policy is not None
            and not self.policy.amount_within_range(self.proposed_amount)
        )

    @property
    def approved_roles(self) -> set[str]:
        return {a.role for a in self.approvals.all()}

    @property
    def refusal(self):
        """The second approver's refusal of this decision's grant, if any."""
        return self.grant_refusals.first()

    @property
    def is_granted(self) -> bool:
        """Green and signed by both a project leader and a benefits caseworker."""
        return self.colour == Colour.GREEN and self.approved_roles >= {
            Role.PROJECT_LEADER.value,
            Role.BENEFITS_CASEWORKER.value,
        }

    def three_ps(self) -> list[tuple[str, str, str, str]]:
        """(label, colour, colour label, reason) for the person, the money and the plan."""
        return [
            (
                str(_("The person")),
                self.person_colour,
                self.get_person_colour_display(),
                self.person_reason,
            ),
            (
                str(_("The money")),
                self.money_colour,
                self.get_money_colour_display(),
                self.money_reason,
            ),
            (
                str(_("The plan")),
                self.plan_colour,
                self.get_plan_colour_display(),
                self.plan_reason,
            ),
        ]


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


class GrantRefusal(AppendOnlyModel):
    """An approver's refusal to sign a green decision's grant, with the reason. The case goes
    back to the decision step: the project leader decides a new round."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="grant_refusals")
    role = models.CharField(_("role"), max_length=40)
    refused_on = models.DateField(_("refused on"))
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("refused loan grant")
        verbose_name_plural = _("refused loan grants")
        constraints = [
            models.UniqueConstraint(fields=["decision"], name="grant_refused_once"),
        ]


class MainCourseStart(AppendOnlyModel):
    """The start of the main course (hovedforløb, §6.4): CVR number, subsistence grant or
    pension. A correction is a new record pointing at the one it corrects."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="main_course_starts"
    )
    event = models.OneToOneField(
        "cases.CaseEvent", on_delete=models.PROTECT, related_name="main_course_start"
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(_("main course starts on"))
    cvr = models.CharField(_("CVR number"), max_length=8)
    keeps_pension = models.BooleanField(
        _("keeps the early-retirement pension (no subsistence grant)"), default=False
    )
    subsistence_months = models.PositiveSmallIntegerField(
        _("subsistence grant, months"), null=True, blank=True
    )
    subsistence_reason = models.TextField(_("reason for a longer subsistence grant"), blank=True)
    policy = models.ForeignKey("policy.LoanPolicy", on_delete=models.PROTECT, related_name="+")
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = _("main course start")
        verbose_name_plural = _("main course starts")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(keeps_pension=True) & models.Q(subsistence_months__isnull=True))
                | (models.Q(keeps_pension=False) & models.Q(subsistence_months__gt=0)),
                name="main_course_pension_or_subsistence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.started_on} CVR {self.cvr}"


class FitForWork(AppendOnlyModel):
    """The citizen is declared fit for work (raskmeldt); needed before the loan is paid out."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="fit_for_work")
    event = models.OneToOneField(
        "cases.CaseEvent", on_delete=models.PROTECT, related_name="fit_for_work"
    )
    confirmed_on = models.DateField(_("declared fit on"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["confirmed_on", "pk"]
        verbose_name = _("fit for work")
