"""Keeping a loan's stored plan in step with its terms and its ledger.

``rederive(loan)`` recomputes, from the principal, the policy, the payout date and the
deferrals, the plan segments; from the ledger, how each payment was applied (its extra part);
and the projections on the loan (first due date, repaid/active). It runs after every posting
(``loans.ledger.post``) and every change of terms, inside the same transaction.
"""

from __future__ import annotations

import datetime as dt

from mikrolaan.loans import schedule
from mikrolaan.loans.models import (
    PAYMENT_KINDS,
    Deferral,
    DueDate,
    EntryKind,
    LedgerEntry,
    Loan,
    LoanStatus,
    PaymentSplit,
    PlanSegment,
)
from mikrolaan.policy.models import LoanPolicy, PolicyNotInForce


def policy_of(loan: Loan) -> LoanPolicy:
    if loan.policy_id is None:
        on = loan.granted_on or loan.disbursed_on
        if on is None:
            raise ValueError(f"{loan.loan_ref} has no policy and no grant date")
        try:
            loan.policy = LoanPolicy.in_force(on)
        except PolicyNotInForce:
            # An older loan (e.g. from the pilots, imported) than any policy version: the
            # earliest version's plan rules are the best reading there is.
            loan.policy = LoanPolicy.objects.order_by("valid_from").first()
            if loan.policy is None:
                raise
        loan.save(update_fields=["policy"])
    return loan.policy


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
    """Money received that counts for the plan: payments not reversed."""
    reversed_ids = set(
        LedgerEntry.objects.filter(loan=loan, kind=EntryKind.REVERSAL).values_list(
            "reverses_id", flat=True
        )
    )
    return [
        schedule.Payment(e.pk, e.value_date, schedule.to_ore(e.amount))
        for e in LedgerEntry.objects.filter(loan=loan, kind__in=PAYMENT_KINDS)
        if e.pk not in reversed_ids
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


# The statuses the ledger's balance decides between (a written-off loan stays written off).
PAID_OUT_STATUSES = (LoanStatus.ACTIVE, LoanStatus.REPAID, LoanStatus.IN_COLLECTION)


def status_for(loan: Loan, owed) -> str:
    """The status a paid-out loan's balance gives it: repaid when nothing is owed (also when
    the collector's payments cleared it); otherwise being repaid, or still with debt collection
    when it was handed over and not taken back (``collection_transferred_on`` set)."""
    if owed == 0:
        return LoanStatus.REPAID
    if loan.status == LoanStatus.IN_COLLECTION or (
        loan.status == LoanStatus.REPAID and loan.collection_transferred_on is not None
    ):
        return LoanStatus.IN_COLLECTION
    return LoanStatus.ACTIVE


def rederive(loan: Loan, *, acting_user=None, on: dt.date | None = None) -> None:
    """Call inside the transaction that changed the loan (the loan row locked).

    When the loan becomes repaid (or a reversal reopens it) the case gets an event.
    """
    policy = policy_of(loan)
    plan = plan_of(loan)
    PlanSegment.objects.filter(loan=loan).delete()
    PaymentSplit.objects.filter(loan=loan).delete()
    if not plan:
        return
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
    fields = []
    if loan.repayment_start != plan[0].due_date:
        loan.repayment_start = plan[0].due_date
        fields.append("repayment_start")
    if loan.status in PAID_OUT_STATUSES:
        from mikrolaan.loans.ledger import balance

        status = status_for(loan, balance(loan))
        if status != loan.status:
            loan.status = status
            fields.append("status")
            if loan.case_id:
                from mikrolaan.cases.events import record_event

                record_event(
                    loan.case,
                    "loan_repaid" if status == LoanStatus.REPAID else "loan_reopened",
                    acting_user=acting_user,
                    occurred_on=on or loan.disbursed_on,
                    summary=f"{loan.loan_ref}: {status.label}",
                    data={"loan": loan.loan_ref, "status": str(status)},
                )
    if fields:
        loan.save(update_fields=fields)


def position(loan: Loan, as_of: dt.date) -> schedule.Position | None:
    """The reference position of one loan on a date (``None`` before payout)."""
    plan = plan_of(loan)
    if not plan:
        return None
    allocations = schedule.allocate(plan, payments_of(loan), policy_of(loan).advance_payment_days)
    return schedule.position(plan, allocations, as_of)


def policy_among(loan: Loan, policies: list[LoanPolicy]) -> LoanPolicy:
    """``policy_of`` without queries: the version in force at the grant (or payout), or the
    earliest for a loan older than every version; ``policies`` sorted by ``valid_from``."""
    on = loan.granted_on or loan.disbursed_on
    in_force = [p for p in policies if p.valid_from <= on]
    return in_force[-1] if in_force else policies[0]


def rederive_many(loan_ids, *, chunk: int = 5000) -> int:
    """``rederive`` for many loans at once (bundle imports): a few queries per chunk of loans
    instead of a few per loan. Writes no case events (an import records its own history).
    Returns the number of loans whose plan was stored."""
    from django.db import connection

    policies = list(LoanPolicy.objects.order_by("valid_from"))
    if not policies:
        return 0
    by_id = {p.pk: p for p in policies}
    ids = sorted(set(loan_ids))
    quote = connection.ops.quote_name

    def insert_sql(model, columns):
        names = ", ".join(quote(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        return f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608

    # Plain ``executemany``: ``bulk_create``/``bulk_update`` build a model instance or a CASE
    # expression per row, which over 100,000 loans cost minutes. Names come from the models.
    segment_sql = insert_sql(
        PlanSegment, ["loan_id", "first_month", "count", "amount_ore", "before_ore"]
    )
    split_sql = insert_sql(PaymentSplit, ["entry_id", "loan_id", "value_date", "extra_ore"])
    loan_sql = (
        f"UPDATE {quote(Loan._meta.db_table)} SET {quote('policy_id')} = %s, "  # noqa: S608
        f"{quote('repayment_start')} = %s, {quote('status')} = %s WHERE {quote('id')} = %s"
    )
    done = 0
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        loans = Loan.objects.filter(pk__in=part, disbursed_on__isnull=False).values_list(
            "pk",
            "policy_id",
            "granted_on",
            "disbursed_on",
            "principal",
            "term_months",
            "status",
            "collection_transferred_on",
            "repayment_start",
            named=True,  # ``policy_among`` and ``status_for`` read these as attributes
        )
        deferrals: dict[int, list[schedule.Deferral]] = {}
        for loan_id, first_month, months in (
            Deferral.objects.filter(loan_id__in=part)
            .order_by("recorded_at", "pk")
            .values_list("loan_id", "first_month", "months")
        ):
            deferrals.setdefault(loan_id, []).append(
                schedule.Deferral(schedule.month_index(first_month), months)
            )
        entries = LedgerEntry.objects.filter(loan_id__in=part).values_list(
            "pk", "loan_id", "kind", "amount", "value_date", "reverses_id", "debt_delta"
        )
        entries = list(entries.order_by())
        reversed_ids = {e[5] for e in entries if e[2] == EntryKind.REVERSAL}
        payments: dict[int, list[schedule.Payment]] = {}
        balances: dict[int, int] = {}
        for pk, loan_id, kind, amount, value_date, _reverses, debt_delta in entries:
            balances[loan_id] = balances.get(loan_id, 0) + schedule.to_ore(debt_delta)
            if kind in PAYMENT_KINDS and pk not in reversed_ids:
                payments.setdefault(loan_id, []).append(
                    schedule.Payment(pk, value_date, schedule.to_ore(amount))
                )
        segments, splits, changed, months = [], [], [], {}
        for loan in loans:
            policy = by_id[loan.policy_id] if loan.policy_id else policy_among(loan, policies)
            # The plan as its few segments, never instalment by instalment (``schedule``
            # proves the two agree): microseconds a loan instead of about a millisecond.
            plan = schedule.plan_segments(
                schedule.to_ore(loan.principal),
                loan.term_months,
                schedule.month_index(loan.disbursed_on) + policy.months_to_first_instalment,
                deferrals.get(loan.pk, []),
            )
            segments += [(loan.pk, s.first_month, s.count, s.amount, s.before) for s in plan]
            first_month = plan[0].first_month
            last_month = plan[-1].first_month + plan[-1].count - 1
            low, high = months.get(policy.due_day, (first_month - 1, last_month + 1))
            months[policy.due_day] = (min(low, first_month - 1), max(high, last_month + 1))
            allocations = schedule.allocate_segments(
                plan, policy.due_day, payments.get(loan.pk, []), policy.advance_payment_days
            )
            splits += [
                (a.payment.key, loan.pk, a.payment.value_date, a.extra)
                for a in allocations
                if a.extra
            ]
            status = loan.status
            if status in PAID_OUT_STATUSES:
                status = status_for(loan, balances.get(loan.pk, 0))
            first_due = schedule.due_date(first_month, policy.due_day)
            if (policy.pk, first_due, status) != (
                loan.policy_id,
                loan.repayment_start,
                loan.status,
            ):
                changed.append((policy.pk, first_due, str(status), loan.pk))
            done += 1
        PlanSegment.objects.filter(loan_id__in=part).delete()
        PaymentSplit.objects.filter(loan_id__in=part).delete()
        with connection.cursor() as cursor:
            if segments:
                cursor.executemany(segment_sql, segments)
            if splits:
                cursor.executemany(split_sql, splits)
            if changed:
                cursor.executemany(loan_sql, changed)
        for due_day, (low, high) in months.items():
            ensure_calendar(due_day, low, high)
    return done
