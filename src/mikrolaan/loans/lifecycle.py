"""The loan's life cycle: one function changes a loan's status, by one table of transitions.

``transition`` is the only place ``Loan.status`` is assigned. Each change is a dated,
append-only ``LoanTransition`` (so the status on any past date can be read back), a case event
on the loan's case (or an audit record for a loan without a case) — in the caller's transaction.

    granted ──payout──▶ active ◀──reopened── repaid
                          │  ▲                 ▲
            hand-over     ▼  │ taken back      │ balance 0
                      in_collection ───────────┘
    active / in_collection ──write-off──▶ written_off ──reinstated (write-off reversed)──▶ …

Whether a paid-out loan is repaid follows its balance (``follow_balance``), which the services
call after they post; posting itself (``loans.ledger``) never changes a status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.core.bulk import in_parts, insert_rows
from mikrolaan.loans.models import Loan, LoanStatus, LoanTransition
from mikrolaan.loans.queries import SqlValue

S = LoanStatus

# (from, to) -> the case event it writes. Nothing else is allowed.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("", S.GRANTED): "loan_created",
    (S.GRANTED, S.ACTIVE): "loan_paid_out",
    (S.ACTIVE, S.REPAID): "loan_repaid",
    (S.IN_COLLECTION, S.REPAID): "loan_repaid",
    (S.REPAID, S.ACTIVE): "loan_reopened",
    (S.REPAID, S.IN_COLLECTION): "loan_reopened",
    (S.ACTIVE, S.IN_COLLECTION): "loan_in_collection",
    (S.IN_COLLECTION, S.ACTIVE): "loan_back_from_collection",
    (S.ACTIVE, S.WRITTEN_OFF): "loan_written_off",
    (S.IN_COLLECTION, S.WRITTEN_OFF): "loan_written_off",
    (S.WRITTEN_OFF, S.ACTIVE): "loan_reinstated",
    (S.WRITTEN_OFF, S.IN_COLLECTION): "loan_reinstated",
}


class TransitionError(Exception):
    """A status change the life cycle does not allow; nothing was changed."""


def allowed(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in TRANSITIONS


def transition(
    loan: Loan,
    to: str,
    *,
    on: dt.date,
    acting_user: Any,
    why: str = "",
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> LoanTransition:
    """Move ``loan`` (locked by the caller) to status ``to`` on ``on``.

    ``summary``/``data`` go on the case event (the loan's reference is always in ``data``).
    """
    last = loan.transitions.order_by("-day", "-pk").first() if loan.pk else None
    # A loan with no recorded change is at its status field (a row older than the life cycle,
    # or made directly); its first change is usually its creation, into ``granted``.
    current = loan.status if last or to != S.GRANTED else ""
    if last and on < last.day:
        # A change is dated no earlier than the one before it (a back-dated payment that
        # clears the balance makes the loan repaid from the day the last change stood).
        on = last.day
    if not allowed(current, to):
        raise TransitionError(
            _("%(loan)s cannot go from %(from)s to %(to)s")
            % {
                "loan": loan.loan_ref,
                "from": S(current).label if current else "-",
                "to": S(to).label,
            }
        )
    record = LoanTransition.objects.create(
        loan=loan, from_status=current, to_status=to, day=on, why=why, recorded_by=acting_user
    )
    if loan.status != to:
        loan.status = to
        loan.save(update_fields=["status"])
    event_data = {"loan": loan.loan_ref, "status": str(to), **(data or {})}
    if loan.case is not None:
        from mikrolaan.cases.events import record_event

        record_event(
            loan.case,
            TRANSITIONS[(current, to)],
            acting_user=acting_user,
            occurred_on=on,
            summary=summary or f"{loan.loan_ref}: {S(to).label}",
            why=why,
            data=event_data,
        )
    else:
        log(
            acting_user,
            Action.CHANGE,
            obj=loan,
            citizen=loan.citizen,
            what=f"{loan.loan_ref}: {current or '-'} -> {to}",
            why=why[:500],
        )
    return record


def status_after_balance(loan: Loan) -> str | None:
    """The status the loan's kept balance calls for, or None when it stays as it is.

    A paid-out loan owing nothing is repaid; a repaid loan owing again (a payment reversed)
    or a written-off loan whose write-off was reversed goes back to where it came from (being
    repaid, or with the debt collector). A written-off loan stays written off while the
    write-off stands, even when a payment before it is reversed and something is owed again.
    """
    if loan.status in (S.ACTIVE, S.IN_COLLECTION) and loan.balance == 0:
        return S.REPAID
    reopened = (loan.status == S.REPAID and loan.balance > 0) or (
        loan.status == S.WRITTEN_OFF and loan.written_off == 0 and loan.balance > 0
    )
    if reopened:
        # Owing again. Back to where it came from.
        last = loan.transitions.filter(to_status=loan.status).order_by("-day", "-pk").first()
        back = last.from_status if last else ""
        return back if back in (S.ACTIVE, S.IN_COLLECTION) else S.ACTIVE
    return None


def follow_balance(loan: Loan, *, on: dt.date, acting_user: Any, why: str = "") -> Loan:
    """After a posting: repaid when nothing is owed, reopened when a reversal owes again."""
    loan.refresh_from_db(fields=["status", "balance", "written_off"])
    to = status_after_balance(loan)
    if to is not None:
        transition(loan, to, on=on, acting_user=acting_user, why=why)
    return loan


TRANSITION_COLUMNS = [
    "loan", "from_status", "to_status", "day", "why", "recorded_by", "recorded_at",
]  # fmt: skip


def walk_transitions(
    steps: Iterable[tuple[int, str, dt.date]],
    current: Mapping[int, str],
    *,
    acting_user: Any,
    why: str,
) -> tuple[list[tuple[SqlValue, ...]], dict[int, str]]:
    """Check ``steps`` (``(loan_id, to, on)`` in order) against the table, from each loan's
    ``current`` status ("" for a loan not yet granted), without the database. Returns the
    transition rows (``TRANSITION_COLUMNS``, for ``write_transitions``) and the status each loan
    ends in: a bundle import writes a new loan with that status and these rows."""
    status = dict(current)
    rows: list[tuple[SqlValue, ...]] = []
    user_id = getattr(acting_user, "pk", None)
    now = timezone.now()
    for loan_id, to, on in steps:
        if not allowed(status[loan_id], to):
            raise TransitionError(f"loan {loan_id}: {status[loan_id] or '-'} -> {to}")
        rows.append((loan_id, status[loan_id], to, on, why, user_id, now))
        status[loan_id] = to
    return rows, status


def write_transitions(rows: list[tuple[SqlValue, ...]]) -> None:
    """Store rows from ``walk_transitions``: as tuples (an import writes one or two a loan),
    no model instance per row."""
    insert_rows(LoanTransition, TRANSITION_COLUMNS, rows)


def bulk_transitions(
    steps: Iterable[tuple[int, str, dt.date]], *, acting_user: Any, why: str
) -> int:
    """Set-based ``transition`` for imports: ``steps`` are ``(loan_id, to, on)`` in order, of
    loans in the database.

    Each step is checked against the same table; the transitions are written with a few
    statements and no case events (a bundle import records the case history it brings).
    Returns the number of transitions written.
    """
    steps = list(steps)
    if not steps:
        return 0
    ids = sorted({loan_id for loan_id, _to, _on in steps})
    started: set[int] = set()
    stored: dict[int, str] = {}  # loan -> its status now
    for part in in_parts(ids, 2000):
        started.update(
            LoanTransition.objects.filter(loan_id__any=part).values_list("loan_id", flat=True)
        )
        stored.update(Loan.objects.filter(pk__any=part).values_list("pk", "status"))
    first: dict[int, str] = {}
    for loan_id, to, _on in steps:
        first.setdefault(loan_id, to)
    current = {
        pk: status if pk in started or first[pk] != S.GRANTED else ""
        for pk, status in stored.items()
    }
    rows, current = walk_transitions(steps, current, acting_user=acting_user, why=why)
    write_transitions(rows)
    # One UPDATE per status reached and part, not a CASE over every loan (``bulk_update``
    # spent a quarter of a 100,000-person import building it).
    reached: dict[str, list[int]] = {}
    for pk, status in stored.items():
        if status != current[pk]:
            reached.setdefault(current[pk], []).append(pk)
    for status, pks in reached.items():
        for part in in_parts(pks, 2000):
            Loan.objects.filter(pk__any=part).update(status=status)
    return len(rows)


def status_from_ledger(loan: Loan, as_of: dt.date | None = None) -> str:
    """The status the ledger alone implies on ``as_of`` (default: everything recorded) — the
    from-scratch reading the kept status must equal (tests, consistency checks):
    granted before the payout; written off while a write-off stands; repaid when nothing is
    owed; with the collector while a hand-over stands; else being repaid."""
    from mikrolaan.loans import queries
    from mikrolaan.loans.models import EntryKind

    entries = loan.entries.all()
    if as_of is not None:
        entries = entries.filter(value_date__lte=as_of)
    if not entries.filter(kind=EntryKind.DISBURSEMENT).exists():
        return S.GRANTED
    by_kind = queries.totals_by_kind(as_of, [loan.pk])
    if by_kind.get(EntryKind.WRITE_OFF, 0) > 0:
        return S.WRITTEN_OFF
    if queries.balance(loan, as_of) == 0:
        return S.REPAID
    if by_kind.get(EntryKind.COLLECTION_TRANSFER, 0) > 0:
        return S.IN_COLLECTION
    return S.ACTIVE


# The life cycle of loans that have none recorded yet (loans from before the transitions
# were kept, generated benchmark loans), reconstructed from their dates: granted, paid out,
# handed over (when still or finally with the collector), and the final status on the last
# entry's day. Each step: (from, to, day, which loans).
_RECONSTRUCTED_STEPS = [
    ("''", "'granted'", "COALESCE(granted_on, disbursed_on, %(today)s)", "1 = 1"),
    ("'granted'", "'active'", "disbursed_on", "disbursed_on IS NOT NULL"),
    (
        "'active'",
        "'in_collection'",
        "COALESCE(collection_transferred_on, last_value_date, disbursed_on)",
        "disbursed_on IS NOT NULL AND (status = 'in_collection' OR "
        "(status IN ('repaid', 'written_off') AND collection_transferred_on IS NOT NULL))",
    ),
    (
        "CASE WHEN collection_transferred_on IS NULL THEN 'active' ELSE 'in_collection' END",
        "status",
        "COALESCE(last_value_date, disbursed_on)",
        "disbursed_on IS NOT NULL AND status IN ('repaid', 'written_off')",
    ),
]


def reconstruct_transitions(
    *,
    why: str,
    where: str = "1 = 1",
    params: Mapping[str, SqlValue] | None = None,
    using: Any = None,
) -> None:
    """Write the reconstructed transitions of the loans matching ``where`` (SQL on
    ``loans_loan`` with named parameters from ``params``), set-based: one statement a step.
    The loans' dates, status and kept ``last_value_date`` must be filled first."""
    from django.db import connection
    from django.utils import timezone

    values: dict[str, SqlValue] = {
        "why": why,
        "now": timezone.now(),
        "today": timezone.localdate(),
        **(params or {}),
    }
    with (using or connection).cursor() as cursor:
        for before, after, day, condition in _RECONSTRUCTED_STEPS:
            cursor.execute(
                f"""
                INSERT INTO loans_loantransition
                    (loan_id, from_status, to_status, day, why, recorded_at)
                SELECT id, {before}, {after}, {day}, %(why)s, %(now)s
                FROM loans_loan WHERE ({condition}) AND ({where})
                """,  # noqa: S608 - the steps are constants; ``where`` comes from our code
                values,
            )
