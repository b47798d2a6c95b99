"""Borrowers signed in on their own pages, with a letter and a request, for the tests."""

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from mikrolaan.letters.models import Letter, LetterKind, LetterStatus
from mikrolaan.loans import services as loan_services
from mikrolaan.loans.tests.factories import disbursed_loan
from mikrolaan.selfservice import session
from mikrolaan.selfservice.models import RequestKind
from mikrolaan.selfservice.requests import submit_request


def borrower(tmp_path: Path, *, paid_days_ago: int = 60, with_request: bool = False):
    """A citizen whose loan was paid out ``paid_days_ago`` days ago, with one payment and one
    letter sent; optionally a deferral request waiting for an answer."""
    today = timezone.localdate()
    loan = disbursed_loan(paid_on=today - dt.timedelta(days=paid_days_ago))
    loan_services.register_payment(
        loan,
        amount=Decimal("357.15"),
        paid_on=today - dt.timedelta(days=5),
        acting_user=loan.decision.recorded_by,
    )
    loan.refresh_from_db()
    pdf = tmp_path / f"letter-{loan.pk}.pdf"
    pdf.write_bytes(b"%PDF-1.4 letter for " + loan.loan_ref.encode())
    letter = Letter.objects.create(
        citizen=loan.citizen,
        case=loan.case,
        kind=LetterKind.REPAYMENT_PLAN,
        subject=f"Afdragsplan for lån {loan.loan_ref}",
        reference=loan.loan_ref,
        pdf_path=str(pdf),
        status=LetterStatus.DELIVERED,
    )
    request = None
    if with_request:
        request = submit_request(
            loan.citizen,
            loan,
            kind=RequestKind.DEFERRAL,
            months=2,
            message="Min kunde betaler først til marts.",
            on=today,
        )
    return loan, letter, request


def sign_in(client, citizen) -> None:
    """What the MitID callback leaves in the session (``session.start``)."""
    store = client.session
    now = int(time.time())
    store[session.CITIZEN_KEY] = citizen.pk
    store[session.SIGNED_IN_AT_KEY] = now
    store[session.LAST_SEEN_KEY] = now
    store.save()
