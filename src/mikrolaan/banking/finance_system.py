"""Payments reported one at a time by the finance system (through the API).

Each becomes a bank entry of its own one-entry statement and is decided, posted or queued
by exactly the rules of a bank statement's entries (``posting.Batch``, ``matching.decide``):
what cannot be posted waits in the finance clerk's queue. The sender's id makes it
idempotent: a payment sent again (same system, same id) changes nothing and answers as the
first time did.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from mikrolaan.accounts.models import User
from mikrolaan.banking.matching import payment_ids_in
from mikrolaan.banking.models import (
    BankEntry,
    CreditDebit,
    EntryHandling,
    Statement,
    StatementFile,
    StatementFormat,
)
from mikrolaan.banking.posting import Batch
from mikrolaan.loans.models import Loan


@dataclass(frozen=True)
class Reported:
    entry: BankEntry
    handling: EntryHandling | None
    created: bool


def identity_of(source: str, sender_id: str) -> str:
    return f"api:{source}:{sender_id}"[:200]


def _found(identity: str) -> Reported | None:
    entry = BankEntry.objects.filter(identity=identity).first()
    if entry is None:
        return None
    return Reported(entry, entry.current_handling(), created=False)


def receive_reported_payment(
    *,
    source: str,
    sender_id: str,
    reference: str,
    amount: Decimal,
    currency: str,
    booked_on: dt.date,
    value_date: dt.date | None = None,
    payer: str = "",
    text: str = "",
    acting_user: User,
) -> Reported:
    """Record and handle one payment the finance system received (``source`` names it)."""
    identity = identity_of(source, sender_id)
    if found := _found(identity):
        return found
    try:
        with transaction.atomic():
            statement_file = StatementFile.objects.create(
                file_name=f"{source}: {sender_id}"[:255],
                file_hash=hashlib.sha256(identity.encode()).hexdigest(),
                format=StatementFormat.API,
                recorded_by=acting_user,
            )
            statement = Statement.objects.create(
                file=statement_file,
                account=f"api:{source}"[:70],
                statement_id=sender_id[:120],
                period_from=booked_on,
                period_to=booked_on,
                currency=currency,
                recorded_by=acting_user,
            )
            entry = BankEntry.objects.create(
                statement=statement,
                position=1,
                location="API",
                identity=identity,
                booking_date=booked_on,
                value_date=value_date,
                amount=amount,
                currency=currency,
                credit_debit=CreditDebit.CREDIT,
                reversal=False,
                status="BOOK",
                creditor_reference=reference[:200],
                text=text,
                counterparty=payer[:200],
                recorded_by=acting_user,
            )
            # Lock the loan before its balance is read, as the statement import does.
            wanted = payment_ids_in(entry).valid
            list(Loan.objects.select_for_update().filter(payment_id__in=wanted).order_by("pk"))
            Batch([entry], acting_user).run()
    except IntegrityError:
        # The same payment arrived twice at the same moment: the other one is committed.
        if found := _found(identity):
            return found
        raise
    return Reported(entry, entry.current_handling(), created=True)
