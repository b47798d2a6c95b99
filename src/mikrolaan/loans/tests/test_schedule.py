"""The repayment plan and the application of money: worked examples and properties."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from mikrolaan.loans import schedule as s

MARCH_2013 = s.month_index(dt.date(2013, 3, 1))


def test_danish_bank_closing_days_beyond_the_public_holidays():
    # holidays.DK lacks these; Danmarks Nationalbanken lists them as bank closing days.
    assert not s.is_bank_day(dt.date(2026, 6, 5))  # Constitution Day (a Friday)
    assert not s.is_bank_day(dt.date(2026, 12, 24))
    assert not s.is_bank_day(dt.date(2026, 12, 31))
    assert not s.is_bank_day(dt.date(2026, 5, 15))  # the Friday after Ascension Day
    assert not s.is_bank_day(dt.date(2026, 4, 6))  # Easter Monday, from holidays.DK
    assert s.is_bank_day(dt.date(2026, 5, 1))  # 1 May: banks are open
    assert s.is_bank_day(dt.date(2024, 4, 26))  # Great Prayer Day, abolished from 2024
    assert not s.is_bank_day(dt.date(2013, 4, 26))  # … but a holiday in 2013


def test_due_dates_move_to_the_next_bank_day():
    assert s.due_date(s.month_index(dt.date(2026, 1, 1)), 1) == dt.date(2026, 1, 2)
    assert s.due_date(s.month_index(dt.date(2026, 2, 1)), 1) == dt.date(2026, 2, 2)  # Sunday
    assert s.due_date(s.month_index(dt.date(2026, 6, 1)), 5) == dt.date(2026, 6, 8)
    assert s.due_date(s.month_index(dt.date(2026, 12, 1)), 24) == dt.date(2026, 12, 28)


def test_whole_kroner_with_the_remainder_on_the_last_instalment():
    amounts = s.instalment_amounts(s.to_ore(s.to_kr(2633793)), 84)
    assert amounts[:83] == [31300] * 83
    assert amounts[-1] == 2633793 - 31300 * 83
    assert sum(amounts) == 2633793


def test_a_deferral_moves_the_instalments_from_its_month():
    months = s.instalment_months(100, 4, [s.Deferral(first_month=102, months=3)])
    assert months == [100, 101, 105, 106]


def test_a_payment_a_few_days_before_the_due_date_pays_that_instalment():
    plan = s.build_plan(840000, 84, MARCH_2013, 1, [])  # 10,000 kr. a month
    early = s.Payment(1, plan[0].due_date - dt.timedelta(days=4), 10000)
    (alloc,) = s.allocate(plan, [early], advance_days=31)
    assert (alloc.regular, alloc.extra) == (10000, 0)
    pos = s.position(plan, [alloc], plan[0].due_date)
    assert pos.arrears == 0


def test_extra_money_pays_the_last_instalments_and_does_not_excuse_the_next():
    plan = s.build_plan(840000, 84, MARCH_2013, 1, [])
    pay = s.Payment(1, plan[0].due_date, 10000 + 50000)
    (alloc,) = s.allocate(plan, [pay], advance_days=0)
    assert (alloc.regular, alloc.extra) == (10000, 50000)
    pos = s.position(plan, [alloc], plan[1].due_date)
    assert pos.arrears == 10000  # the second instalment is still owed
    assert pos.days_past_due == 0
    assert pos.last_due_date == plan[78].due_date  # five instalments fewer


# --- properties ------------------------------------------------------------------------

plans = st.builds(
    lambda principal, term, start, due_day, deferrals: (principal, term, start, due_day, deferrals),
    st.integers(1000, 60000).map(lambda kr: kr * 100) | st.integers(100000, 6000000),
    st.integers(1, 84),
    st.integers(MARCH_2013, MARCH_2013 + 160),
    st.integers(1, 28),
    st.lists(st.tuples(st.integers(0, 100), st.integers(1, 12)), max_size=3),
)


def _plan(args):
    principal, term, start, due_day, deferrals = args
    total = 0
    ds = []
    for offset, months in deferrals:
        if total + months > 36:
            break
        total += months
        ds.append(s.Deferral(start + offset, months))
    return s.build_plan(principal, term, start, due_day, ds), principal, start


@settings(max_examples=150, deadline=None)
@given(plans)
def test_instalments_sum_to_the_principal_and_fall_on_bank_days_after_start(args):
    plan, principal, start = _plan(args)
    assert sum(i.amount for i in plan) == principal
    assert all(i.amount % 100 == 0 for i in plan[:-1])  # whole kroner but the last
    assert all(i.due_date >= s.month_start(start) for i in plan)  # nothing before the start
    assert all(s.is_bank_day(i.due_date) for i in plan)
    assert [i.due_date for i in plan] == sorted({i.due_date for i in plan})


payments_st = st.lists(st.tuples(st.integers(0, 3000), st.integers(1, 4000000)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(plans, payments_st, st.integers(0, 40), st.integers(0, 3500))
def test_money_is_applied_within_the_principal_and_arrears_are_consistent(
    args, raw, advance, day_offset
):
    plan, principal, _start = _plan(args)
    origin = s.month_start(plan[0].month) - dt.timedelta(days=60)
    payments = [s.Payment(i, origin + dt.timedelta(days=d), a) for i, (d, a) in enumerate(raw)]
    allocations = s.allocate(plan, payments, advance)
    assert all(a.regular >= 0 and a.extra >= 0 and a.beyond_plan >= 0 for a in allocations)
    assert all(a.regular + a.extra + a.beyond_plan == a.payment.amount for a in allocations)
    pos = s.position(plan, allocations, origin + dt.timedelta(days=day_offset))
    assert 0 <= pos.paid_to_date <= principal  # the balance of the plan never below zero
    assert pos.outstanding >= 0
    assert 0 <= pos.arrears <= pos.due_to_date
    assert pos.arrears == max(0, min(pos.due_to_date - pos.regular, principal - pos.paid_to_date))
    assert (pos.arrears > 0) == (pos.oldest_unpaid_due is not None)
    assert pos.oldest_unpaid_due is None or pos.oldest_unpaid_due <= pos.as_of


@settings(max_examples=150, deadline=None)
@given(plans, payments_st, st.integers(1, 3000), st.integers(1, 2000000), st.integers(0, 3500))
def test_extra_payments_only_shorten_the_term(args, raw, extra_day, extra_amount, day_offset):
    plan, principal, _start = _plan(args)
    origin = s.month_start(plan[0].month) - dt.timedelta(days=60)
    payments = [s.Payment(i, origin + dt.timedelta(days=d), a) for i, (d, a) in enumerate(raw)]
    as_of = origin + dt.timedelta(days=day_offset)
    before = s.position(plan, s.allocate(plan, payments, 31), as_of)
    more = [*payments, s.Payment(10_000, origin + dt.timedelta(days=extra_day), extra_amount)]
    after = s.position(plan, s.allocate(plan, more, 31), as_of)
    # The same instalments, due on the same dates; paying more never adds arrears and never
    # moves the end of the plan later.
    assert after.arrears <= before.arrears
    if before.last_due_date and after.last_due_date:
        assert after.last_due_date <= before.last_due_date
    assert after.paid_to_date >= before.paid_to_date


# --- the fast forms agree with the straightforward ones ------------------------------------


def _allocate_by_hand(plan, payments, advance_days):
    """The rule as first written: the plan summed again for every payment."""
    total = sum(i.amount for i in plan)
    regular = extra = 0
    result = []
    for p in sorted(payments, key=lambda p: (p.value_date, p.key)):
        due = sum(
            i.amount for i in plan if i.due_date <= p.value_date + dt.timedelta(days=advance_days)
        )
        lacking = total - regular - extra
        r = min(p.amount, max(0, min(due, total - extra) - regular))
        x = min(p.amount - r, lacking - r)
        result.append(s.Allocation(p, r, x, p.amount - r - x))
        regular += r
        extra += x
    return result


def _deferrals(args):
    _principal, _term, start, _due_day, deferrals = args
    # Offsets may fall before the start, inside or after the plan, and deferrals may pile up.
    return [s.Deferral(start + offset - 20, months) for offset, months in deferrals]


@settings(max_examples=300, deadline=None)
@given(plans, payments_st, st.integers(0, 40), st.integers(0, 3500))
def test_segments_and_allocation_without_instalments_agree_with_the_plan(
    args, raw, advance, day_offset
):
    principal, term, start, due_day, _ = args
    deferrals = _deferrals(args)
    plan = s.build_plan(principal, term, start, due_day, deferrals)
    segs = s.plan_segments(principal, term, start, deferrals)
    assert segs == s.segments(plan)
    origin = s.month_start(plan[0].month) - dt.timedelta(days=60)
    payments = [s.Payment(i, origin + dt.timedelta(days=d), a) for i, (d, a) in enumerate(raw)]
    expected = _allocate_by_hand(plan, payments, advance)
    assert s.allocate(plan, payments, advance) == expected
    assert s.allocate_segments(segs, due_day, payments, advance) == expected
    day = origin + dt.timedelta(days=day_offset)
    assert s.due_by_segments(segs, due_day, day) == s.due_by(plan, day)


def test_segments_of_a_plan_split_by_a_deferral_with_the_remainder_last():
    # 1,000.01 kr. over 3 months from month 100, two months' deferral from month 101.
    segs = s.plan_segments(100001, 3, 100, [s.Deferral(101, 2)])
    assert segs == [
        s.Segment(first_month=100, count=1, amount=33300, before=0),
        s.Segment(first_month=103, count=1, amount=33300, before=33300),
        s.Segment(first_month=104, count=1, amount=33401, before=66600),
    ]
