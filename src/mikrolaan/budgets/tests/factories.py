"""Budgets built through the real service. ``healthy_budget`` and ``red_flag_budget`` are the
two shapes the review contrasts (§6.3)."""

import datetime as dt
from decimal import Decimal

from mikrolaan.budgets.calculations import Month
from mikrolaan.budgets.services import submit_budget

D = Decimal


def healthy_months() -> list[Month]:
    """The loan buys equipment; the subsistence grant pays the living; sales carry costs."""
    months = [Month(loan=D("40000"), costs=D("32000"), sales=D("6000"))]
    months += [Month(sales=D("9000"), costs=D("5000"), living_costs=D("2000")) for _ in range(5)]
    return months


def red_flag_months() -> list[Month]:
    """The review's red flag: the loan pays the rent at home for months; then customers
    are expected to pour in."""
    months = [Month(loan=D("50000"), costs=D("4000"), living_costs=D("11000"))]
    months += [Month(costs=D("3000"), living_costs=D("11000")) for _ in range(3)]
    months += [Month(sales=D("40000"), costs=D("6000"), living_costs=D("11000")) for _ in range(2)]
    return months


def budget(case, user, *, red_flag=False, submitted_on=dt.date(2026, 3, 2), **kwargs):
    params = {
        "submitted_on": submitted_on,
        "establishment": [("Værktøj og maskiner", D("28000")), ("Varelager", D("9000"))],
        "income": [("Salg af ydelser", D("108000"))],
        "costs": [("Husleje værksted", D("36000")), ("Forsikring", D("6000"))],
        "months": red_flag_months() if red_flag else healthy_months(),
        "own_funds": D("2000"),
        "acting_user": user,
    }
    params.update(kwargs)
    return submit_budget(case, **params)
