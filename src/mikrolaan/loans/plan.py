"""A loan's repayment plan: derived from its terms, stored compactly, read back.

``rederive(loan)`` recomputes, from the principal, the policy, the payout date and the
deferrals, the plan segments; from the ledger, how each payment was applied (its extra part);
and the loan's kept figures (``loans.kept``). It runs after every change of terms and after a
posting the kept figures cannot follow incrementally, inside the same transaction. It never
changes a loan's status (``loans.lifecycle``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from mikrolaan.core.bulk import insert_rows, update_rows
from mikrolaan.loans import kept, schedule
from mikrolaan.loans.models import (
    PAYMENT_KINDS,
    Deferral,
    DueDate,
    EntryKind,
    LedgerEntry,
    Loan,
    PaymentSplit,
    PlanSegment,
)
from mikrolaan.loans.queries import SqlValue, effective_payments
from mikrolaan.policy.models import LoanPolicy, PolicyNotInForce


def resolve_policy(loan: Loan) -> LoanPolicy:
    """The policy version a loan is under: its own, or the one in force when it was granted
    (paid out), or the earliest for a loan older than every version. Reads only."""
    if loan.policy is not None:
        return loan.policy
    on = loan.granted_on or loan.disbursed_on
    if on is None:
        raise ValueError(f"{loan.loan_ref} has no policy and no grant date")
    try:
        return LoanPolicy.in_force(on)
    except PolicyNotInForce:
        # An older loan (e.g. from the pilots, imported) than any policy version: the
        # earliest version's plan rules are the best reading there is.
        earliest: LoanPolicy | None = LoanPolicy.objects.order_by("valid_from").first()
        if earliest is None:
            raise
        return earliest


def policy_of(loan: Loan) -> LoanPolicy:
    """The loan's policy, without writing anything (``rederive`` stores it)."""
    policy = resolve_policy(loan)
    loan.policy = policy  # in memory only, so the next call needs no query
    return policy


def start_month(loan: Loan, policy: LoanPolicy) -> int | None:
    if loan.disbursed_on is None:
        return None
    return schedule.month_index(loan.disbursed_on) + policy.months_to_first_instalment


def deferrals_of(loan: Loan) -> list[schedule.Deferral]:
    return [
        schedule.Deferral(schedule.month_index(d.first_month), d.months)
        for d in Deferral.objects.filter(loan=loan).order_by("recorded_at", "pk")
    ]


def plan_of(loan: Loan) -> list[schedule.Instalment]:
    """The loan's instalments (empty before payout)."""
    policy = policy_of(loan)
    start = start_month(loan, policy)
    if start is None:
        return []
    return schedule.build_plan(
        schedule.to_ore(loan.principal),
        loan.term_months,
        start,
        policy.due_day,
        deferrals_of(loan),
    )


def payments_of(loan: Loan) -> list[schedule.Payment]:
    """Money received that counts for the plan: every payment not reversed, whenever it was
    reversed (``loans.queries.effective_payments`` with no date; ``loans.schedule``: a bounced
    payment never paid an instalment)."""
    return [
        schedule.Payment(pk, value_date, schedule.to_ore(amount))
        for pk, value_date, amount in effective_payments(None, [loan.pk]).values_list(
            "pk", "value_date", "amount"
        )
    ]


def ensure_calendar(due_day: int, first_month: int, last_month: int) -> None:
    have = set(
        DueDate.objects.filter(
            due_day=due_day, month__gte=first_month, month__lte=last_month
        ).values_list("month", flat=True)
    )
    DueDate.objects.bulk_create(
        [
            DueDate(due_day=due_day, month=m, due_date=schedule.due_date(m, due_day))
            for m in range(first_month, last_month + 1)
            if m not in have
        ],
        ignore_conflicts=True,
    )


def rederive(loan: Loan) -> None:
    """Recompute the loan's stored plan, payment splits and kept figures from scratch.

    Call inside the transaction that changed the loan's terms (the loan row locked): a payout,
    a deferral, or a posting that ``loans.kept`` cannot apply incrementally (a reversal, a
    back-dated payment). Changes no status and writes no event.
    """
    policy = policy_of(loan)
    plan = plan_of(loan)
    PlanSegment.objects.filter(loan=loan).delete()
    PaymentSplit.objects.filter(loan=loan).delete()
    allocations: list[schedule.Allocation] = []
    if plan:
        PlanSegment.objects.bulk_create(
            [
                PlanSegment(
                    loan=loan,
                    first_month=s.first_month,
                    count=s.count,
                    amount_ore=s.amount,
                    before_ore=s.before,
                )
                for s in schedule.segments(plan)
            ]
        )
        # Due dates of the plan's months and a little beyond, for the set-based queries.
        ensure_calendar(policy.due_day, plan[0].month - 1, plan[-1].month + 1)
        allocations = schedule.allocate(plan, payments_of(loan), policy.advance_payment_days)
        PaymentSplit.objects.bulk_create(
            [
                PaymentSplit(
                    entry_id=a.payment.key,
                    loan=loan,
                    value_date=a.payment.value_date,
                    extra_ore=a.extra,
                )
                for a in allocations
                if a.extra
            ]
        )
    loan.repayment_start = plan[0].due_date if plan else None
    kept.recount(loan, plan, allocations, policy.due_day)
    loan.save(update_fields=["policy", "repayment_start", *kept.FIELDS])


def position(loan: Loan, as_of: dt.date) -> schedule.Position | None:
    """The reference position of one loan on a date (``None`` before payout)."""
    plan = plan_of(loan)
    if not plan:
        return None
    allocations = schedule.allocate(plan, payments_of(loan), policy_of(loan).advance_payment_days)
    return schedule.position(plan, allocations, as_of)


class Dated(Protocol):
    """What ``policy_among`` reads of a loan: a ``Loan`` or a named ``values_list`` row."""

    @property
    def granted_on(self) -> dt.date | None: ...
    @property
    def disbursed_on(self) -> dt.date | None: ...


def policy_among(loan: Dated, policies: list[LoanPolicy]) -> LoanPolicy:
    """``policy_of`` without queries: the version in force at the grant (or payout), or the
    earliest for a loan older than every version; ``policies`` sorted by ``valid_from``."""
    on = loan.granted_on or loan.disbursed_on
    assert on is not None  # the callers pass paid-out loans only
    in_force = [p for p in policies if p.valid_from <= on]
    return in_force[-1] if in_force else policies[0]


# A ledger row as ``derive_rows`` reads it: (pk, loan, kind, amount, value date, reverses,
# debt delta, reversed kind), the columns of ``LedgerEntry`` in that order.
EntryRow = tuple[int, int, str, Decimal, dt.date, "int | None", Decimal, str]
KEPT_COLUMNS = ["policy", "repayment_start", *kept.FIELDS]


@dataclass
class DerivedRows:
    """What ``rederive`` stores, for many loans: plan segments, payment splits, and by loan the
    values of ``KEPT_COLUMNS`` (policy id, first due date, the kept figures)."""

    segments: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    splits: list[tuple[int, int, dt.date, int]] = field(default_factory=list)
    columns: dict[int, tuple[SqlValue, ...]] = field(default_factory=dict)
    months: dict[int, tuple[int, int]] = field(default_factory=dict)  # due day -> month range

    def write(self) -> None:
        """Insert the segments and splits (the loans' old ones already gone) and the due-date
        calendar they need; the columns are the caller's to write."""
        # Rows as tuples with a few statements: ``bulk_create``/``bulk_update`` build a model
        # instance or a CASE expression per row, which over 100,000 loans cost minutes.
        insert_rows(
            PlanSegment, ["loan", "first_month", "count", "amount_ore", "before_ore"], self.segments
        )
        insert_rows(PaymentSplit, ["entry", "loan", "value_date", "extra_ore"], self.splits)
        for due_day, (low, high) in self.months.items():
            ensure_calendar(due_day, low, high)


class PaidOut(Dated, Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def policy_id(self) -> int | None: ...
    @property
    def principal(self) -> Decimal: ...
    @property
    def term_months(self) -> int: ...


def derive_rows(
    loans: Iterable[PaidOut],
    policies: list[LoanPolicy],
    deferrals: dict[int, list[schedule.Deferral]],
    entries: Iterable[EntryRow],
) -> DerivedRows:
    """``rederive`` without the database: from paid-out loans, the policies (by
    ``valid_from``), each loan's deferrals in the order recorded and all the loans' ledger
    rows, what is to be stored. Bundle imports derive new loans with it before writing them."""
    by_id = {p.pk: p for p in policies}
    entries = list(entries)
    reversed_ids = {e[5] for e in entries if e[2] == EntryKind.REVERSAL}
    payments: dict[int, list[schedule.Payment]] = {}
    rows: dict[int, list[tuple[str, str, Decimal, Decimal]]] = {}
    last_day: dict[int, dt.date] = {}
    last_paid: dict[int, dt.date] = {}
    for pk, loan_id, kind, amount, day, _rev, delta, reversed_kind in entries:
        rows.setdefault(loan_id, []).append((kind, reversed_kind, amount, delta))
        if loan_id not in last_day or day > last_day[loan_id]:
            last_day[loan_id] = day
        if kind in PAYMENT_KINDS and pk not in reversed_ids:
            payments.setdefault(loan_id, []).append(
                schedule.Payment(pk, day, schedule.to_ore(amount))
            )
            if loan_id not in last_paid or day > last_paid[loan_id]:
                last_paid[loan_id] = day
    out = DerivedRows()
    months = out.months
    for loan in loans:
        assert loan.disbursed_on is not None  # the callers pass paid-out loans only
        policy = by_id[loan.policy_id] if loan.policy_id else policy_among(loan, policies)
        # The plan as its few segments, never instalment by instalment (``schedule``
        # proves the two agree): microseconds a loan instead of about a millisecond.
        plan = schedule.plan_segments(
            schedule.to_ore(loan.principal),
            loan.term_months,
            schedule.month_index(loan.disbursed_on) + policy.months_to_first_instalment,
            deferrals.get(loan.pk, []),
        )
        stored = [(s.first_month, s.count, s.amount, s.before) for s in plan]
        out.segments += [(loan.pk, *s) for s in stored]
        first_month = plan[0].first_month
        last_month = plan[-1].first_month + plan[-1].count - 1
        low, high = months.get(policy.due_day, (first_month - 1, last_month + 1))
        months[policy.due_day] = (min(low, first_month - 1), max(high, last_month + 1))
        allocations = schedule.allocate_segments(
            plan, policy.due_day, payments.get(loan.pk, []), policy.advance_payment_days
        )
        out.splits += [
            (a.payment.key, loan.pk, a.payment.value_date, a.extra) for a in allocations if a.extra
        ]
        figures: dict[str, SqlValue] = dict(kept.totals(rows.get(loan.pk, [])))
        regular = sum(a.regular for a in allocations)
        extra = sum(a.extra for a in allocations)
        figures["paid_regular_ore"] = regular
        figures["paid_extra_ore"] = extra
        figures["oldest_unpaid_due"] = kept.oldest_unpaid(stored, regular, extra, policy.due_day)
        figures["last_value_date"] = last_day.get(loan.pk)
        figures["last_paid_on"] = last_paid.get(loan.pk)
        out.columns[loan.pk] = (
            policy.pk,
            schedule.due_date(first_month, policy.due_day),
            *(figures[f] for f in kept.FIELDS),
        )
    return out


def rederive_many(loan_ids: Iterable[int], *, chunk: int = 5000) -> int:
    """``rederive`` for many loans at once (bundle imports): a few queries per chunk of loans
    instead of a few per loan. Writes no case events (an import records its own history).
    Returns the number of loans whose plan was stored."""
    policies = list(LoanPolicy.objects.order_by("valid_from"))
    if not policies:
        return 0
    ids = sorted(set(loan_ids))
    done = 0
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        loans = Loan.objects.filter(pk__in=part, disbursed_on__isnull=False).values_list(
            "pk", "policy_id", "granted_on", "disbursed_on", "principal", "term_months",
            named=True,  # ``policy_among`` reads these as attributes
        )  # fmt: skip
        deferrals: dict[int, list[schedule.Deferral]] = {}
        for loan_id, first_month, deferred in (
            Deferral.objects.filter(loan_id__in=part)
            .order_by("recorded_at", "pk")
            .values_list("loan_id", "first_month", "months")
        ):
            deferrals.setdefault(loan_id, []).append(
                schedule.Deferral(schedule.month_index(first_month), deferred)
            )
        entries = LedgerEntry.objects.filter(loan_id__in=part).order_by().values_list(
            "pk", "loan_id", "kind", "amount", "value_date", "reverses_id", "debt_delta",
            "reversed_kind",
        )  # fmt: skip
        derived = derive_rows(loans, policies, deferrals, entries)
        PlanSegment.objects.filter(loan_id__in=part).delete()
        PaymentSplit.objects.filter(loan_id__in=part).delete()
        derived.write()
        update_rows(Loan, KEPT_COLUMNS, [(pk, *v) for pk, v in derived.columns.items()])
        done += len(derived.columns)
    return done
