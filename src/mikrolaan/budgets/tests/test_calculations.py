from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mikrolaan.budgets import calculations as calc
from mikrolaan.budgets.calculations import Month
from mikrolaan.budgets.tests.factories import healthy_months, red_flag_months

D = Decimal


def test_cash_flow_carries_closing_cash_into_the_next_month():
    rows = calc.cash_flow(
        [Month(loan=D("1000"), costs=D("300")), Month(sales=D("200"), living_costs=D("500"))],
        opening_cash=D("100"),
    )
    assert [(r.opening, r.closing) for r in rows] == [(D("100"), D("800")), (D("800"), D("500"))]


def test_establishment_need_is_costs_less_own_funds_and_other_financing():
    assert calc.establishment_need(D("37000"), D("2000"), D("5000")) == D("30000")
    assert calc.establishment_need(D("1000"), D("2000"), D("0")) == D("0")


def test_liquidity_need_is_the_deepest_hole_without_the_loan():
    months = [
        Month(loan=D("9999"), costs=D("5000")),
        Month(costs=D("3000")),
        Month(sales=D("20000")),
    ]
    assert calc.liquidity_need(months, D("1000")) == D("7000")


def test_loan_need_is_the_larger_of_the_two():
    months = [Month(costs=D("10000"))]
    need = calc.loan_need(
        establishment_costs=D("4000"), own_funds=D("0"), other_financing=D("0"), months=months
    )
    assert need == D("10000")


def test_the_reviews_red_flag_budget_is_flagged():
    flag = calc.red_flag(red_flag_months())
    assert flag.warn
    assert flag.break_even_month == 5
    assert flag.living_before_break_even == D("44000")
    assert flag.closing_without_growth < 0


def test_a_budget_where_the_loan_buys_equipment_is_not_flagged():
    assert not calc.red_flag(healthy_months()).warn


def test_living_costs_alone_do_not_flag_when_the_starting_sales_carry_the_plan():
    # Same spending, but the citizen already sells enough from month 1: no hoped-for growth.
    months = [Month(loan=D("50000"), living_costs=D("11000"), sales=D("9000")) for _ in range(6)]
    flag = calc.red_flag(months)
    assert flag.living_before_break_even >= D("25000")
    assert flag.closing_without_growth >= 0
    assert not flag.warn


def test_hoped_for_sales_alone_do_not_flag_when_the_loan_is_not_spent_on_living():
    months = [Month(loan=D("50000"), costs=D("45000"))] + [
        Month(sales=D("20000"), costs=D("5000"), living_costs=D("3000")) for _ in range(3)
    ]
    flag = calc.red_flag(months)
    assert flag.closing_without_growth < 0
    assert not flag.warn


def test_no_loan_no_flag():
    assert not calc.red_flag([Month(living_costs=D("10000"))]).warn
    assert not calc.red_flag([]).warn


amounts = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False)
months_st = st.lists(
    st.builds(
        Month, loan=amounts, own_funds=amounts, sales=amounts, living_costs=amounts, costs=amounts
    ),
    min_size=1,
    max_size=12,
)


@given(months_st, amounts)
def test_the_loan_need_closes_the_liquidity_hole(months, opening):
    need = calc.liquidity_need(months, opening)
    assert need >= 0
    funded = [
        Month(
            loan=need,
            own_funds=months[0].own_funds,
            sales=months[0].sales,
            living_costs=months[0].living_costs,
            costs=months[0].costs,
        )
    ] + [
        Month(own_funds=m.own_funds, sales=m.sales, living_costs=m.living_costs, costs=m.costs)
        for m in months[1:]
    ]
    assert min(r.closing for r in calc.cash_flow(funded, opening)) >= 0


@given(months_st, amounts)
def test_more_sales_never_raise_the_flag(months, opening):
    # Adding sales in the first month can only remove the warning, never create it.
    if not calc.red_flag(months, opening).warn:
        boosted = [
            Month(
                loan=months[0].loan,
                own_funds=months[0].own_funds,
                sales=months[0].sales + D("1000"),
                living_costs=months[0].living_costs,
                costs=months[0].costs,
            ),
            *months[1:],
        ]
        assert not calc.red_flag(boosted, opening).warn
