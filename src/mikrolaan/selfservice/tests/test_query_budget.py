"""The citizen's pages run as many queries for a long history as for a short one, and for a
large portfolio as for a small one (issue 12, item 2): payments, letters and requests are
shown without a query per row, and nothing on the pages reads other citizens' rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.letters.models import Letter, LetterKind, LetterStatus
from mikrolaan.loans import services as loan_services
from mikrolaan.selfservice.models import Outcome, RequestKind
from mikrolaan.selfservice.requests import answer_request, submit_request
from mikrolaan.selfservice.tests.factories import borrower, sign_in

pytestmark = pytest.mark.django_db

N = 2


def _grow(tmp_path, loan, others: list, to: int) -> None:
    """Up to ``to``: other borrowers, and payments, letters and requests of one's own."""
    today = timezone.localdate()
    leader = UserFactory(role=Role.PROJECT_LEADER)
    for _ in range(len(others), to):
        others.append(borrower(tmp_path, with_request=True))
    for i in range(to - loan.payments_shown):
        loan_services.register_payment(
            loan,
            amount=Decimal("50.00"),
            paid_on=today - dt.timedelta(days=4 - i % 4),
            acting_user=loan.decision.recorded_by,
        )
        pdf = tmp_path / f"own-{loan.pk}-{i}-{to}.pdf"
        pdf.write_bytes(b"%PDF-1.4 reminder")
        Letter.objects.create(
            citizen=loan.citizen,
            case=loan.case,
            kind=LetterKind.REMINDER,
            subject=f"Rykker {i}",
            reference=loan.loan_ref,
            pdf_path=str(pdf),
            status=LetterStatus.DELIVERED,
        )
        asked = submit_request(
            loan.citizen,
            loan,
            kind=RequestKind.EXTRA_PAYMENT,
            monthly_amount=Decimal("25.00"),
            message=f"Ekstra betaling {i}",
            on=today,
        )
        answer_request(
            asked,
            outcome=Outcome.REFUSED,
            answer="Ikke nu.",
            on=today,
            acting_user=leader,
        )
    loan.payments_shown = to


def _measure(client, loan, request) -> dict[str, tuple[int, int]]:
    pages = [
        reverse("selfservice:home"),
        reverse("selfservice:loan", kwargs={"pk": loan.pk}),
        reverse("selfservice:request", kwargs={"pk": request.pk}),
        reverse("selfservice:contact"),
        reverse("selfservice:assessment", kwargs={"pk": loan.case_id, "point": "referral"}),
    ]
    result = {}
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        result[page] = (response.status_code, len(queries))
    return result


def test_no_citizen_page_runs_more_queries_for_a_longer_history_or_a_larger_portfolio(
    client, tmp_path
):
    loan, _letter, request = borrower(tmp_path, with_request=True)
    loan.payments_shown = 0
    others: list = []
    sign_in(client, loan.citizen)
    _grow(tmp_path, loan, others, N)
    small = _measure(client, loan, request)
    _grow(tmp_path, loan, others, 10 * N)
    large = _measure(client, loan, request)

    # The loan's page shows every letter and answered request of the longer history.
    page = client.get(reverse("selfservice:loan", kwargs={"pk": loan.pk})).content.decode()
    assert page.count("Rykker ") >= 10 * N
    assert page.count("Ikke nu.") >= 10 * N
    assert {url: status for url, (status, _n) in large.items()} == dict.fromkeys(large, 200)
    grew = {
        url: f"{small[url][1]} → {large[url][1]} queries"
        for url in small
        if large[url][1] > small[url][1]
    }
    assert grew == {}
