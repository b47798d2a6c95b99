"""Submitting budgets: each submission (and resubmission) is a new, append-only version."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.budgets import calculations as calc
from mikrolaan.budgets.models import BudgetLine, BudgetVersion, LineKind, LiquidityMonth
from mikrolaan.cases import date_rules
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import Case

EVENT_BUDGET_SUBMITTED = "budget_submitted"

# A budget is worked on in the pre-course and, after a yellow round, resubmitted.
BUDGET_STAGES = {Stage.PRE_COURSE, Stage.DECISION}


def may_submit_budget(case: Case, user) -> bool:
    return user.has_role(Role.PROJECT_LEADER) and budget_refusal(case) is None


# What the apps above may say against a new budget version (decisions: the case already has a
# final decision). Each guard returns why not, or None; they register in their AppConfig.ready.
_SUBMISSION_GUARDS: list[Callable[[Case], str | None]] = []


def register_submission_guard(guard: Callable[[Case], str | None]) -> Callable:
    _SUBMISSION_GUARDS.append(guard)
    return guard


def budget_refusal(case: Case) -> str | None:
    """Why no new budget version can be submitted for the case now, or None."""
    if case.stage not in BUDGET_STAGES:
        return _("A budget can only be submitted in the pre-course or after a yellow decision.")
    for guard in _SUBMISSION_GUARDS:
        refusal = guard(case)
        if refusal:
            return refusal
    return None


def latest_version(case: Case) -> BudgetVersion | None:
    return case.budget_versions.order_by("-number").first()


@transaction.atomic
def submit_budget(
    case: Case,
    *,
    submitted_on: dt.date,
    establishment: Sequence[tuple[str, Decimal]],
    income: Sequence[tuple[str, Decimal]] = (),
    costs: Sequence[tuple[str, Decimal]] = (),
    months: Sequence[calc.Month],
    own_funds: Decimal = calc.ZERO,
    other_financing: Decimal = calc.ZERO,
    opening_cash: Decimal = calc.ZERO,
    note: str = "",
    acting_user,
) -> BudgetVersion:
    """Add the next version of the case's budgets (establishment, operating, liquidity)."""
    if not acting_user.has_role(Role.PROJECT_LEADER):
        raise PermissionDenied(_("Only a project leader enters budgets."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    refusal = budget_refusal(case)
    if refusal:
        raise ValidationError(refusal)
    date_rules.enforce(
        submitted_on=[
            date_rules.not_future(submitted_on, _("A budget")),
            date_rules.not_before(submitted_on, case.opened_on, _("the referral")),
        ]
    )
    _check_amounts(establishment, income, costs, months, own_funds, other_financing, opening_cash)
    number = (latest_version(case).number + 1) if latest_version(case) else 1
    figures = calc.loan_need(
        establishment_costs=sum((a for _l, a in establishment), calc.ZERO),
        own_funds=own_funds,
        other_financing=other_financing,
        months=months,
        opening_cash=opening_cash,
    )
    flag = calc.red_flag(months, opening_cash)
    event = record_event(
        case,
        EVENT_BUDGET_SUBMITTED,
        acting_user=acting_user,
        occurred_on=submitted_on,
        summary=_("Budget version %(n)s submitted; loan need %(need)s kr.")
        % {"n": number, "need": number_format(figures, 2, force_grouping=True)},
        why=note,
        data={"version": number, "loan_need": str(figures), "red_flag": flag.warn},
    )
    version = BudgetVersion.objects.create(
        case=case,
        number=number,
        submitted_on=submitted_on,
        event=event,
        own_funds=own_funds,
        other_financing=other_financing,
        opening_cash=opening_cash,
        note=note,
        recorded_by=acting_user,
    )
    for kind, lines in (
        (LineKind.ESTABLISHMENT, establishment),
        (LineKind.INCOME, income),
        (LineKind.COST, costs),
    ):
        BudgetLine.objects.bulk_create(
            BudgetLine(
                version=version,
                kind=kind,
                position=i,
                label=label,
                amount=amount,
                recorded_by=acting_user,
            )
            for i, (label, amount) in enumerate(lines, start=1)
        )
    LiquidityMonth.objects.bulk_create(
        LiquidityMonth(
            version=version,
            month=i,
            loan=m.loan,
            own_funds=m.own_funds,
            sales=m.sales,
            living_costs=m.living_costs,
            costs=m.costs,
            recorded_by=acting_user,
        )
        for i, m in enumerate(months, start=1)
    )
    return version


def _check_amounts(establishment, income, costs, months, *totals):
    if not establishment:
        raise ValidationError(_("The establishment budget needs at least one line."))
    if not months:
        raise ValidationError(_("The liquidity budget needs at least one month."))
    for kind, lines in (
        (_("establishment budget"), establishment),
        (_("operating income"), income),
        (_("operating costs"), costs),
    ):
        for i, (label, amount) in enumerate(lines, start=1):
            if not label.strip():
                raise ValidationError(
                    _("%(kind)s, line %(n)s: the description is missing.") % {"kind": kind, "n": i}
                )
            if amount < 0:
                raise ValidationError(
                    _("%(kind)s, line %(n)s: the amount cannot be negative.")
                    % {"kind": kind, "n": i}
                )
    for i, m in enumerate(months, start=1):
        if min(m.loan, m.own_funds, m.sales, m.living_costs, m.costs) < 0:
            raise ValidationError(
                _("Liquidity budget, month %(n)s: amounts cannot be negative.") % {"n": i}
            )
    if min(totals) < 0:
        raise ValidationError(_("Own funds, other financing and cash cannot be negative."))


@dataclass(frozen=True)
class BudgetSummary:
    """A version with its derived figures, for pages and for the decision."""

    version: BudgetVersion
    establishment_lines: list
    income_lines: list
    cost_lines: list
    establishment_total: Decimal
    income_total: Decimal
    cost_total: Decimal
    operating_result: Decimal
    cash: list
    financing: Decimal
    establishment_need: Decimal
    liquidity_need: Decimal
    loan_need: Decimal
    red_flag: calc.RedFlag


def summarise(version: BudgetVersion) -> BudgetSummary:
    lines = list(version.lines.all())
    est = [li for li in lines if li.kind == LineKind.ESTABLISHMENT]
    inc = [li for li in lines if li.kind == LineKind.INCOME]
    cst = [li for li in lines if li.kind == LineKind.COST]
    months = [
        calc.Month(
            loan=m.loan,
            own_funds=m.own_funds,
            sales=m.sales,
            living_costs=m.living_costs,
            costs=m.costs,
        )
        for m in version.months.all()
    ]
    est_total = sum((li.amount for li in est), calc.ZERO)
    inc_total = sum((li.amount for li in inc), calc.ZERO)
    cst_total = sum((li.amount for li in cst), calc.ZERO)
    e_need = calc.establishment_need(est_total, version.own_funds, version.other_financing)
    l_need = calc.liquidity_need(months, version.opening_cash)
    return BudgetSummary(
        version=version,
        establishment_lines=est,
        income_lines=inc,
        cost_lines=cst,
        establishment_total=est_total,
        income_total=inc_total,
        cost_total=cst_total,
        operating_result=inc_total - cst_total,
        cash=calc.cash_flow(months, version.opening_cash),
        financing=version.own_funds + version.other_financing,
        establishment_need=e_need,
        liquidity_need=l_need,
        loan_need=max(e_need, l_need),
        red_flag=calc.red_flag(months, version.opening_cash),
    )
