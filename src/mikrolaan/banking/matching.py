"""Deciding what happens to a bank entry: posted to a loan by its +71 payment ID, or held for
the finance clerk with the reason. Matching is by reference only — never by name, amount or
date — so nothing is ever guessed into a loan.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.banking.models import BankEntry, Outcome
from mikrolaan.core.formatting import number
from mikrolaan.loans import payment_id as payment_ids
from mikrolaan.loans.ledger import balance
from mikrolaan.loans.models import EntryKind, EntrySource, LedgerEntry, Loan, LoanStatus

POSTED_CURRENCY = "DKK"


class Reason:
    NOT_BOOKED = "not_booked"
    ALREADY_IMPORTED = "already_imported"
    ALREADY_POSTED = "already_posted"
    REVERSAL = "reversal"
    DEBIT = "debit"
    CURRENCY = "currency"
    NO_REFERENCE = "no_reference"
    NO_PAYMENT_ID = "no_payment_id"
    BAD_CHECK_DIGIT = "bad_check_digit"
    AMBIGUOUS = "ambiguous"
    UNKNOWN_PAYMENT_ID = "unknown_payment_id"
    LOAN_NOT_ACTIVE = "loan_not_active"
    OVERPAYMENT = "overpayment"
    ZERO_AMOUNT = "zero_amount"
    LEDGER_REFUSED = "ledger_refused"


# Short labels for summaries and filters; ``reason_text`` gives the full message.
REASON_LABELS = {
    Reason.NOT_BOOKED: gettext_lazy("not booked by the bank"),
    Reason.ALREADY_IMPORTED: gettext_lazy("already imported"),
    Reason.ALREADY_POSTED: gettext_lazy("already posted"),
    Reason.REVERSAL: gettext_lazy("reversal"),
    Reason.DEBIT: gettext_lazy("debit"),
    Reason.CURRENCY: gettext_lazy("not Danish kroner"),
    Reason.NO_REFERENCE: gettext_lazy("no reference"),
    Reason.NO_PAYMENT_ID: gettext_lazy("reference is not a payment ID"),
    Reason.BAD_CHECK_DIGIT: gettext_lazy("wrong check digit"),
    Reason.AMBIGUOUS: gettext_lazy("several payment IDs"),
    Reason.UNKNOWN_PAYMENT_ID: gettext_lazy("unknown payment ID"),
    Reason.LOAN_NOT_ACTIVE: gettext_lazy("loan not being repaid"),
    Reason.OVERPAYMENT: gettext_lazy("more than the outstanding balance"),
    Reason.ZERO_AMOUNT: gettext_lazy("amount is zero"),
    Reason.LEDGER_REFUSED: gettext_lazy("the ledger refused the posting"),
}


def reason_text(reason: str, params: dict[str, Any]) -> str:
    """The message the clerk reads, in the active language."""
    p = params or {}
    messages = {
        Reason.NOT_BOOKED: lambda: _("Not booked by the bank (status %(status)s).") % p,
        Reason.ALREADY_IMPORTED: lambda: _("Already imported with an earlier statement."),
        Reason.ALREADY_POSTED: lambda: _("Already posted to loan %(loan_ref)s.") % p,
        Reason.REVERSAL: lambda: (
            _("Reversal of an earlier entry; it may undo the payment posted to loan %(loan_ref)s.")
            % p
            if p.get("loan_ref")
            else _("Reversal of an earlier entry; no posted payment matches it.")
        ),
        Reason.DEBIT: lambda: _("Debit: money out of the account is not a repayment."),
        Reason.CURRENCY: lambda: _("%(currency)s: only DKK is posted.") % p,
        Reason.NO_REFERENCE: lambda: _("No payment reference."),
        Reason.NO_PAYMENT_ID: lambda: _("The reference %(reference)s is not a +71 payment ID.") % p,
        Reason.BAD_CHECK_DIGIT: lambda: _("Payment ID %(payment_id)s has a wrong check digit.") % p,
        Reason.AMBIGUOUS: lambda: (
            _("Several payment IDs: %(payment_ids)s.")
            % {"payment_ids": ", ".join(p.get("payment_ids", []))}
        ),
        Reason.UNKNOWN_PAYMENT_ID: lambda: _("No loan has payment ID %(payment_id)s.") % p,
        Reason.LOAN_NOT_ACTIVE: lambda: (
            _("Loan %(loan_ref)s is not being repaid (%(status)s).")
            % {**p, "status": LoanStatus(p["status"]).label if "status" in p else ""}
        ),
        Reason.OVERPAYMENT: lambda: (
            _("The amount is more than the %(outstanding)s kr. outstanding on loan %(loan_ref)s.")
            % {**p, "outstanding": number(p.get("outstanding"), 2)}
        ),
        Reason.ZERO_AMOUNT: lambda: _("The amount is zero."),
        Reason.LEDGER_REFUSED: lambda: _("The ledger refused the posting: %(error)s") % p,
    }
    if reason not in messages:
        return reason
    text = messages[reason]()
    also = [REASON_LABELS[r] for r in p.get("also", []) if r in REASON_LABELS]
    if also:
        text += " " + _("Also: %(reasons)s.") % {"reasons": ", ".join(str(a) for a in also)}
    return text


# A 15-digit run not part of a longer number, optionally written 71/…, +71<… or +71 ….
_CANDIDATE = re.compile(r"(?<!\d)(\d{15})(?!\d)")


@dataclass(frozen=True)
class References:
    valid: list[str]  # distinct valid payment IDs, in the order found
    invalid: list[str]  # 15-digit numbers whose check digit is wrong
    structured: list[str]  # the creditor references, whatever they hold


class Referenced(Protocol):
    """What ``payment_ids_in`` reads of a bank entry (a ``BankEntry``, or an entry being read)."""

    @property
    def creditor_reference(self) -> str: ...
    @property
    def text(self) -> str: ...


def payment_ids_in(entry: Referenced) -> References:
    """The +71 payment IDs in the creditor reference and, failing that, the entry's text.

    Remembered for the last few thousand entries: the import asks for each entry three times
    (survey, batch, decision), and the check digits are the costly part. The lists are shared:
    read them, do not change them."""
    return _payment_ids(entry.creditor_reference, entry.text)


@lru_cache(maxsize=4096)
def _payment_ids(creditor_reference: str, entry_text: str) -> References:
    structured = [r for r in creditor_reference.split("|") if r.strip()]
    valid: list[str] = []
    invalid: list[str] = []
    for source in (structured, [entry_text]):
        for text in source:
            exact = payment_ids.from_reference(text)
            found = [exact] if exact else _CANDIDATE.findall(text)
            for candidate in found:
                target = valid if payment_ids.is_valid(candidate) else invalid
                if candidate not in target:
                    target.append(candidate)
        if valid:
            break  # a structured reference wins over free text
    return References(valid, invalid, structured)


@dataclass
class Decision:
    outcome: str
    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    loan: Loan | None = None
    proposed_reversal_of: LedgerEntry | None = None


class Known(Protocol):
    """What a batch of the import has looked up already (``services._BatchLookup``): the loans
    by payment ID (locked) and what each still owes less what the batch is about to post."""

    def loan(self, payment_id: str) -> Loan | None: ...

    def outstanding(self, loan: Loan) -> Decimal: ...


def decide(entry: BankEntry, known: Known | None = None) -> Decision:
    """What to do with a new entry. Call inside the import's transaction: the loan is locked
    before its balance is read, so concurrent imports see each other's postings. ``known``
    answers the loan and balance look-ups from a batch's figures; the rules are the same."""
    if entry.status != "BOOK":
        return Decision(Outcome.SKIPPED, Reason.NOT_BOOKED, {"status": entry.status})
    if entry.amount <= 0:
        return Decision(Outcome.SKIPPED, Reason.ZERO_AMOUNT)
    blockers: list[tuple[str, dict[str, Any]]] = []
    proposal = None
    if entry.reversal:
        proposal = _reversed_payment(entry)
        blockers.append((Reason.REVERSAL, {"loan_ref": proposal.loan.loan_ref} if proposal else {}))
    if not entry.is_credit and not entry.reversal:
        blockers.append((Reason.DEBIT, {}))
    if entry.currency != POSTED_CURRENCY:
        blockers.append((Reason.CURRENCY, {"currency": entry.currency}))
    refs = payment_ids_in(entry)
    loan = None
    if not entry.is_credit or entry.reversal:
        pass  # money out or a reversal: the reference is not what holds it back
    elif len(refs.valid) > 1:
        blockers.append((Reason.AMBIGUOUS, {"payment_ids": refs.valid}))
    elif not refs.valid:
        if refs.invalid:
            blockers.append((Reason.BAD_CHECK_DIGIT, {"payment_id": refs.invalid[0]}))
        elif refs.structured:
            blockers.append((Reason.NO_PAYMENT_ID, {"reference": refs.structured[0]}))
        else:
            blockers.append((Reason.NO_REFERENCE, {}))
    elif not blockers:
        if known is not None:
            loan = known.loan(refs.valid[0])
        else:
            loan = Loan.objects.select_for_update().filter(payment_id=refs.valid[0]).first()
        if loan is None:
            blockers.append((Reason.UNKNOWN_PAYMENT_ID, {"payment_id": refs.valid[0]}))
        elif loan.status != LoanStatus.ACTIVE:
            blockers.append(
                (Reason.LOAN_NOT_ACTIVE, {"loan_ref": loan.loan_ref, "status": loan.status})
            )
        else:
            outstanding = known.outstanding(loan) if known is not None else balance(loan)
            if entry.amount > outstanding:
                blockers.append(
                    (
                        Reason.OVERPAYMENT,
                        {"loan_ref": loan.loan_ref, "outstanding": f"{outstanding:.2f}"},
                    )
                )
    if blockers:
        reason, params = blockers[0]
        also = [r for r, _p in blockers[1:]]
        if also:
            params = {**params, "also": also}
        return Decision(
            Outcome.QUEUED,
            reason,
            params,
            loan=loan or (proposal.loan if proposal else None),
            proposed_reversal_of=proposal,
        )
    return Decision(Outcome.POSTED, loan=loan)


def _reversed_payment(entry: BankEntry) -> LedgerEntry | None:
    """The one posted bank repayment this reversal entry appears to undo, if exactly one.

    A reversed credit is booked as a debit with RvslInd: same amount, and the same payment ID
    or end-to-end id as the payment. Only a proposal — the clerk confirms.
    """
    if entry.is_credit:
        return None
    refs = payment_ids_in(entry)
    candidates = LedgerEntry.objects.filter(
        kind=EntryKind.REPAYMENT,
        source=EntrySource.BANK,
        amount=entry.amount,
        reversed_by__isnull=True,
    )
    if refs.valid:
        candidates = candidates.filter(loan__payment_id__in=refs.valid)
    elif entry.end_to_end_id:
        posted_ids = BankEntry.objects.filter(end_to_end_id=entry.end_to_end_id).values_list(
            "identity", flat=True
        )
        candidates = candidates.filter(external_id__in=list(posted_ids))
    else:
        return None
    found = list(candidates.select_related("loan")[:2])
    return found[0] if len(found) == 1 else None
