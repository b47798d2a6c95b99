"""The finance clerk's queue: resolving what the import held back, and reversals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from mikrolaan.audit.models import AuditRecord
from mikrolaan.banking import services
from mikrolaan.banking.matching import Reason
from mikrolaan.banking.models import BankEntry, Outcome, Statement, StatementFile
from mikrolaan.banking.services import ResolutionError, import_statement_file
from mikrolaan.banking.tests.statements import Payment, camt053, pay
from mikrolaan.jobs.testing import run_waiting_jobs
from mikrolaan.loans import payment_id
from mikrolaan.loans.ledger import balance
from mikrolaan.loans.models import EntryKind, LedgerEntry, LoanStatus

pytestmark = pytest.mark.django_db


def queued_entry(payments, **kwargs) -> BankEntry:
    import_statement_file("s.xml", camt053(payments, **kwargs))
    return BankEntry.objects.queued().get()


def test_clerk_posts_a_payment_with_a_wrong_id_to_the_right_loan(loan, finance_clerk):
    entry = queued_entry([pay(None, "700", payment_id=payment_id.make(12345))])
    handling = services.post_to_loan(
        entry, loan, why="Borgeren ringede: tastefejl i betalings-ID", acting_user=finance_clerk
    )
    assert handling.outcome == Outcome.POSTED
    assert handling.ledger_entry.kind == EntryKind.REPAYMENT
    assert handling.ledger_entry.recorded_by == finance_clerk
    assert balance(loan) == Decimal("29300.00")
    assert not BankEntry.objects.queued().exists()
    audit = AuditRecord.objects.get(citizen=loan.citizen, why__startswith="Borgeren ringede")
    assert audit.user == finance_clerk


def test_an_entry_can_be_handled_only_once(loan, finance_clerk):
    entry = queued_entry([Payment(Decimal("700"))])
    services.mark_not_ours(entry, why="Husleje", acting_user=finance_clerk)
    with pytest.raises(ResolutionError):
        services.post_to_loan(entry, loan, why="igen", acting_user=finance_clerk)
    assert balance(loan) == Decimal("30000.00")


def test_a_reason_is_required(loan, finance_clerk):
    entry = queued_entry([Payment(Decimal("700"))])
    with pytest.raises(ResolutionError):
        services.mark_refunded(entry, why="  ", acting_user=finance_clerk)


def test_the_clerk_cannot_post_a_debit_or_foreign_currency(loan, finance_clerk):
    import_statement_file(
        "s.xml", camt053([pay(loan, "70", credit=False), pay(loan, "70", currency="EUR")])
    )
    for entry in BankEntry.objects.all():
        with pytest.raises(ResolutionError):
            services.post_to_loan(entry, loan, why="forsøg", acting_user=finance_clerk)
    assert balance(loan) == Decimal("30000.00")


def test_the_clerk_cannot_post_more_than_the_balance(loan_factory, finance_clerk):
    loan = loan_factory("500.00")
    entry = queued_entry([pay(loan, "600")])
    with pytest.raises(ResolutionError, match="500.00"):
        services.post_to_loan(entry, loan, why="forsøg", acting_user=finance_clerk)
    services.mark_refunded(entry, why="Overbetaling sendt retur", acting_user=finance_clerk)
    assert entry.current_handling().outcome == Outcome.REFUNDED


def test_a_reversal_in_a_later_statement_is_proposed_and_confirmed(loan, finance_clerk):
    import_statement_file("a.xml", camt053([pay(loan, "900")], statement_id="S1"))
    payment = LedgerEntry.objects.get(kind=EntryKind.REPAYMENT)
    assert balance(loan) == Decimal("29100.00")
    later = pay(loan, "900", credit=False, reversal=True, booked=dt.date(2026, 11, 27))
    import_statement_file("b.xml", camt053([later], statement_id="S2"))
    entry = BankEntry.objects.queued().get()
    handling = entry.current_handling()
    assert handling.reason == Reason.REVERSAL
    assert handling.proposed_reversal_of == payment
    assert balance(loan) == Decimal("29100.00")  # only proposed: nothing posted yet
    services.confirm_reversal(
        entry, why="Banken tilbageførte betalingen", acting_user=finance_clerk
    )
    assert balance(loan) == Decimal("30000.00")
    reversal = LedgerEntry.objects.get(kind=EntryKind.REVERSAL)
    assert reversal.reverses == payment
    assert reversal.value_date == dt.date(2026, 11, 27)


def test_a_reversal_with_nothing_to_reverse_cannot_be_confirmed(loan, finance_clerk):
    entry = queued_entry([pay(loan, "900", credit=False, reversal=True)])
    assert entry.current_handling().proposed_reversal_of is None
    with pytest.raises(ResolutionError):
        services.confirm_reversal(entry, why="x", acting_user=finance_clerk)


def test_clerk_may_post_to_a_loan_in_collection_but_not_to_a_repaid_one(
    loan_factory, finance_clerk
):
    in_collection = loan_factory(status=LoanStatus.IN_COLLECTION)
    repaid = loan_factory(status=LoanStatus.REPAID)
    entry = queued_entry([pay(in_collection, "100")])
    with pytest.raises(ResolutionError):
        services.post_to_loan(entry, repaid, why="x", acting_user=finance_clerk)
    services.post_to_loan(
        entry, in_collection, why="Direkte indbetaling", acting_user=finance_clerk
    )
    assert balance(in_collection) == Decimal("29900.00")


# --- pages ---------------------------------------------------------------------------------


def test_only_the_finance_clerk_sees_the_queue(client, project_leader, finance_clerk, loan):
    queued_entry([Payment(Decimal("10"))])
    client.force_login(project_leader)
    assert client.get(reverse("banking:queue")).status_code == 403
    assert client.get(reverse("banking:upload")).status_code == 403
    client.force_login(finance_clerk)
    page = client.get(reverse("banking:queue"))
    assert page.status_code == 200
    assert "Ingen reference." in page.content.decode()


def _upload_and_run(client, upload) -> str:
    """Upload, let the worker run the import, and read the job's page."""
    response = client.post(reverse("banking:upload"), {"file": upload})
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    waiting = client.get(response.url).content.decode()
    assert 'data-status="queued"' in waiting and 'hx-trigger="every 1s"' in waiting
    run_waiting_jobs()
    html = client.get(response.url).content.decode()
    assert "hx-trigger" not in html  # finished: the page stops asking
    return html


def test_upload_queues_the_import_and_the_job_page_shows_the_result(client, finance_clerk, loan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(finance_clerk)
    upload = SimpleUploadedFile("nov.xml", camt053([pay(loan, "100"), Payment(Decimal("5"))]))
    html = _upload_and_run(client, upload)
    assert "nov.xml indlæst: 1 bogført, 1 i køen, 0 sprunget over." in html
    assert "ingen reference: 1" in html
    statement = Statement.objects.get()
    assert reverse("banking:statement", args=[statement.pk]) in html
    assert balance(loan) == Decimal("29900.00")
    again = SimpleUploadedFile("nov.xml", camt053([pay(loan, "100"), Payment(Decimal("5"))]))
    html = _upload_and_run(client, again)
    assert "allerede indlæst; intet blev ændret" in html
    assert balance(loan) == Decimal("29900.00")


def test_another_users_job_is_not_shown(client, finance_clerk, loan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mikrolaan.accounts.tests.factories import UserFactory

    client.force_login(finance_clerk)
    upload = SimpleUploadedFile("nov.xml", camt053([pay(loan, "100")]))
    url = client.post(reverse("banking:upload"), {"file": upload}).url
    client.force_login(UserFactory(role=finance_clerk.role))
    assert client.get(url).status_code == 404


def test_upload_of_a_broken_file_shows_the_error(client, finance_clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(finance_clerk)
    upload = SimpleUploadedFile("bad.csv", b"Dato;Bel\xc3\xb8b;Tekst\n25-11-2026;abc;x\n")
    html = _upload_and_run(client, upload)
    assert StatementFile.objects.count() == 0
    assert (
        "Filen blev ikke indlæst: bad.csv: linje 2: Beløb: &#x27;abc&#x27; er ikke et beløb" in html
    )


def test_resolving_through_the_entry_page(client, finance_clerk, loan):
    entry = queued_entry([pay(None, "250", payment_id=payment_id.make(4242))])
    client.force_login(finance_clerk)
    url = reverse("banking:entry", args=[entry.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"action": "post", "post-loan": "ML-0000", "post-why": "x"})
    assert "Intet lån har dette nummer" in bad.content.decode()
    response = client.post(
        url, {"action": "post", "post-loan": f"+71<{loan.payment_id}", "post-why": "Tastefejl"}
    )
    assert response.status_code == 302
    assert balance(loan) == Decimal("29750.00")


def test_the_start_page_panel_counts_the_queue(client, finance_clerk, loan):
    queued_entry([Payment(Decimal("10"))])
    client.force_login(finance_clerk)
    html = client.get(reverse("web:home")).content.decode()
    assert "Indbetalinger i køen (1)" in html
    assert "ingen reference" in html


def test_a_payment_reversed_twice_is_refused_with_a_message(loan, finance_clerk):
    import_statement_file("a.xml", camt053([pay(loan, "900")], statement_id="S1"))
    import_statement_file(
        "b.xml",
        camt053(
            [
                pay(loan, "900", credit=False, reversal=True, bank_ref="R1"),
                pay(loan, "900", credit=False, reversal=True, bank_ref="R2"),
            ],
            statement_id="S2",
        ),
    )
    first, second = BankEntry.objects.queued().order_by("pk")
    services.confirm_reversal(first, why="Tilbageført", acting_user=finance_clerk)
    with pytest.raises(ResolutionError):
        services.confirm_reversal(second, why="Tilbageført igen", acting_user=finance_clerk)
    assert balance(loan) == Decimal("30000.00")


def test_the_queue_page_does_not_query_per_entry(
    client, finance_clerk, loan, django_assert_max_num_queries
):
    queued_entry([Payment(Decimal("10"))])
    client.force_login(finance_clerk)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("banking:queue"))
    import_statement_file(
        "more.xml", camt053([Payment(Decimal(n)) for n in range(1, 30)], statement_id="MORE")
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("banking:queue"))
    assert page.content.decode().count("Behandl</a>") == 30
