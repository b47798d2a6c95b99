"""Importing statements: what is posted, what waits for the clerk and why, and idempotency."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from mikrolaan.banking.matching import Reason, reason_text
from mikrolaan.banking.models import BankEntry, EntryHandling, Outcome, Statement, StatementFile
from mikrolaan.banking.services import ImportStatus, import_statement_file
from mikrolaan.banking.tests.statements import Payment, camt053, pay
from mikrolaan.loans import payment_id
from mikrolaan.loans.ledger import balance
from mikrolaan.loans.models import EntryKind, EntrySource, LedgerEntry, LoanStatus

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def handling_of(entry: BankEntry) -> EntryHandling:
    return entry.current_handling()


def only_entry() -> BankEntry:
    (entry,) = BankEntry.objects.all()
    return entry


def snapshot():
    return (
        StatementFile.objects.count(),
        Statement.objects.count(),
        BankEntry.objects.count(),
        EntryHandling.objects.count(),
        LedgerEntry.objects.count(),
    )


# --- a real statement written elsewhere ------------------------------------------------------


def test_oca_statement_posts_nothing_and_queues_each_entry_with_its_reason(loan):
    result = import_statement_file(
        "oca-test-camt053.xml", (DATA / "oca-test-camt053.xml").read_bytes()
    )
    assert result.status == ImportStatus.IMPORTED
    assert result.posted == 0
    assert LedgerEntry.objects.filter(kind=EntryKind.REPAYMENT).count() == 0
    statement = Statement.objects.get()
    assert statement.account == "NL77ABNA0574908765"
    assert statement.statement_id == "1234Test/1"
    assert statement.opening_balance == Decimal("15568.27")
    assert statement.closing_balance == Decimal("15121.12")
    assert statement.file.version == "camt.053.001.02"
    debit, reversal, credit = BankEntry.objects.order_by("position")
    assert handling_of(debit).reason == Reason.DEBIT
    assert handling_of(reversal).reason == Reason.REVERSAL
    assert reversal.reversal is True
    assert handling_of(credit).reason == Reason.CURRENCY
    assert handling_of(credit).params["also"] == [Reason.NO_REFERENCE]
    assert reason_text(handling_of(credit).reason, handling_of(credit).params) == (
        "EUR: kun danske kroner bogføres. Desuden: ingen reference."
    )
    assert {handling_of(e).outcome for e in (debit, reversal, credit)} == {Outcome.QUEUED}
    assert credit.counterparty == "3rd party Media"
    assert debit.end_to_end_id == "435005714488-ABNO33052620"


# --- Danish statements built from our loans ----------------------------------------------------


def test_a_payment_with_the_loans_payment_id_is_posted_as_a_repayment(loan):
    result = import_statement_file("s.xml", camt053([pay(loan, "1500.00")]))
    assert (result.posted, result.queued_total) == (1, 0)
    entry = only_entry()
    posted = LedgerEntry.objects.get(kind=EntryKind.REPAYMENT)
    assert posted.loan == loan
    assert posted.amount == Decimal("1500.00")
    assert posted.source == EntrySource.BANK
    assert (
        posted.external_id
        == entry.identity
        == f"{entry.statement.account}/ref/{entry.account_servicer_ref}"
    )
    assert posted.value_date == dt.date(2026, 11, 25)
    assert balance(loan) == Decimal("28500.00")
    assert handling_of(entry).outcome == Outcome.POSTED
    assert handling_of(entry).ledger_entry == posted


@pytest.mark.parametrize("version", ["02", "04", "08"])
def test_every_camt053_version_is_read_from_the_root_namespace(loan, version):
    result = import_statement_file(f"v{version}.xml", camt053([pay(loan, "100")], version=version))
    assert result.posted == 1
    assert StatementFile.objects.get().version == f"camt.053.001.{version}"


@pytest.mark.parametrize(
    "reference",
    ["+71<{pid}", "71/{pid}", "{pid}", " 71 / {pid} "],
)
def test_payment_id_forms_in_the_creditor_reference(loan, reference):
    p = Payment(Decimal("100"), reference=reference.format(pid=loan.payment_id))
    assert import_statement_file("s.xml", camt053([p])).posted == 1


def test_payment_id_in_the_remittance_text_when_there_is_no_structured_reference(loan):
    p = Payment(Decimal("250"), text=f"Afdrag mikrolån {loan.payment_id} nov.")
    assert import_statement_file("s.xml", camt053([p])).posted == 1


def queued_reason(payments, **kwargs):
    result = import_statement_file("s.xml", camt053(payments, **kwargs))
    assert result.posted == 0
    h = handling_of(only_entry())
    assert h.outcome == Outcome.QUEUED
    return h


def test_unknown_payment_id_waits_for_the_clerk(loan):
    unknown = payment_id.make(99999999999999)
    h = queued_reason([pay(None, "500", payment_id=unknown)])
    assert (h.reason, h.params["payment_id"]) == (Reason.UNKNOWN_PAYMENT_ID, unknown)
    assert balance(loan) == Decimal("30000.00")


def test_a_wrong_check_digit_is_never_corrected_into_a_loan(loan):
    good = loan.payment_id
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    h = queued_reason([pay(None, "500", payment_id=bad)])
    assert (h.reason, h.params["payment_id"]) == (Reason.BAD_CHECK_DIGIT, bad)
    assert balance(loan) == Decimal("30000.00")


def test_no_reference_waits_for_the_clerk(loan):
    h = queued_reason([Payment(Decimal("500"), text="")])
    assert h.reason == Reason.NO_REFERENCE


def test_a_reference_that_is_no_payment_id_waits(loan):
    h = queued_reason([Payment(Decimal("500"), reference="RF18539007547034")])
    assert (h.reason, h.params["reference"]) == (Reason.NO_PAYMENT_ID, "RF18539007547034")


def test_two_payment_ids_in_one_entry_are_ambiguous(loan_factory):
    a, b = loan_factory(), loan_factory()
    p = Payment(Decimal("100"), text=f"{a.payment_id} og {b.payment_id}")
    h = queued_reason([p])
    assert h.reason == Reason.AMBIGUOUS
    assert h.params["payment_ids"] == [a.payment_id, b.payment_id]


def test_more_than_the_outstanding_balance_is_held_for_the_clerk(loan_factory):
    loan = loan_factory("1000.00")
    h = queued_reason([pay(loan, "1000.01")])
    assert h.reason == Reason.OVERPAYMENT
    assert h.params["outstanding"] == "1000.00"
    assert h.loan == loan
    assert balance(loan) == Decimal("1000.00")


def test_paying_exactly_the_balance_is_posted(loan_factory):
    loan = loan_factory("1000.00")
    assert import_statement_file("s.xml", camt053([pay(loan, "1000.00")])).posted == 1
    assert balance(loan) == 0


@pytest.mark.parametrize(
    "status", [LoanStatus.GRANTED, LoanStatus.REPAID, LoanStatus.IN_COLLECTION]
)
def test_a_loan_not_being_repaid_gets_nothing_automatically(loan_factory, status):
    loan = loan_factory(status=status)
    h = queued_reason([pay(loan, "100")])
    assert (h.reason, h.params["status"]) == (Reason.LOAN_NOT_ACTIVE, status)


def test_debits_reversals_and_foreign_currency_are_never_posted(loan):
    payments = [
        pay(loan, "100", credit=False),
        pay(loan, "100", reversal=True, credit=False),
        pay(loan, "100", currency="EUR"),
    ]
    result = import_statement_file("s.xml", camt053(payments))
    assert result.posted == 0
    assert result.queued == {Reason.DEBIT: 1, Reason.REVERSAL: 1, Reason.CURRENCY: 1}
    eur = BankEntry.objects.get(currency="EUR")
    h = handling_of(eur)
    assert reason_text(h.reason, h.params).startswith("EUR: kun danske kroner bogføres")
    assert balance(loan) == Decimal("30000.00")


def test_an_entry_not_booked_is_skipped(loan):
    result = import_statement_file("s.xml", camt053([pay(loan, "100", status="PDNG")]))
    assert (result.posted, result.queued_total, result.skipped) == (0, 0, {Reason.NOT_BOOKED: 1})


def test_a_mixed_statement(loan_factory):
    a, b = loan_factory(), loan_factory("500.00")
    result = import_statement_file(
        "s.xml",
        camt053(
            [
                pay(a, "1200"),
                pay(b, "400"),
                pay(b, "400"),  # now more than the 100 left
                Payment(Decimal("75"), text="Kontingent"),
            ]
        ),
    )
    assert result.posted == 2
    assert result.queued == {Reason.OVERPAYMENT: 1, Reason.NO_REFERENCE: 1}
    assert balance(a) == Decimal("28800.00")
    assert balance(b) == Decimal("100.00")


# --- idempotency ----------------------------------------------------------------------------


def test_the_same_file_twice_changes_nothing(loan):
    content = camt053([pay(loan, "1500"), Payment(Decimal("20"))])
    assert import_statement_file("s.xml", content).status == ImportStatus.IMPORTED
    before = snapshot()
    again = import_statement_file("s-copy.xml", content)
    assert again.status == ImportStatus.ALREADY_IMPORTED
    assert snapshot() == before
    assert balance(loan) == Decimal("28500.00")


def test_the_same_statement_in_another_file_is_recognised(loan):
    payments = [pay(loan, "1500")]
    import_statement_file("a.xml", camt053(payments, created="2026-11-25T18:00:00"))
    before = snapshot()
    # Re-exported: another creation time and message, another version — other bytes.
    again = import_statement_file(
        "b.xml", camt053(payments, created="2026-11-26T07:00:00", version="08")
    )
    assert again.status == ImportStatus.ALREADY_IMPORTED
    assert snapshot() == before


def test_an_entry_seen_in_an_earlier_statement_is_skipped_not_posted_again(loan):
    first = pay(loan, "1500", bank_ref="BANKREF-1")
    import_statement_file("a.xml", camt053([first], statement_id="S1"))
    # The next statement repeats that entry (same bank reference) and has a new one.
    second = import_statement_file(
        "b.xml",
        camt053(
            [pay(loan, "1500", bank_ref="BANKREF-1"), pay(loan, "300", bank_ref="BANKREF-2")],
            statement_id="S2",
        ),
    )
    assert second.posted == 1
    assert second.skipped == {Reason.ALREADY_IMPORTED: 1}
    assert balance(loan) == Decimal("28200.00")


# --- rejected files -----------------------------------------------------------------------------


def test_bad_xml_is_rejected_whole_naming_file_and_line(loan):
    content = camt053([pay(loan, "100")]).replace(b"</Stmt>", b"</Stmt", 1)
    result = import_statement_file("broken.xml", content)
    assert result.status == ImportStatus.REJECTED
    assert result.error.startswith("broken.xml: linje ")
    assert snapshot()[:3] == (0, 0, 0)


def test_an_unreadable_amount_rejects_the_file_and_writes_nothing(loan):
    content = camt053([pay(loan, "100"), pay(loan, "200")]).replace(b">200.00<", b">2OO.00<")
    result = import_statement_file("bad-amount.xml", content)
    assert result.status == ImportStatus.REJECTED
    assert "bad-amount.xml: linje " in result.error
    assert "Amt" in result.error and "'2OO.00' er ikke et beløb" in result.error
    assert snapshot() == (0, 0, 0, 0, 1)  # only the payout
    assert balance(loan) == Decimal("30000.00")


def test_not_a_camt053_document_is_rejected(loan):
    content = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>'
    result = import_statement_file("pain.xml", content)
    assert result.status == ImportStatus.REJECTED
    assert "ikke et camt.053-kontoudtog" in result.error


def test_an_entry_with_a_bad_credit_debit_indicator_is_rejected(loan):
    content = camt053([pay(loan, "100")])
    broken = content.replace(
        b"100.00</Amt>\n        <CdtDbtInd>CRDT", b"100.00</Amt><CdtDbtInd>XXXX"
    )
    assert broken != content
    result = import_statement_file("ind.xml", broken)
    assert result.status == ImportStatus.REJECTED
    assert "CdtDbtInd" in result.error and "'XXXX'" in result.error


# --- batch entries ----------------------------------------------------------------------------


def test_a_batch_entry_is_split_into_its_transactions(loan_factory):
    a, b = loan_factory(), loan_factory()
    batch = f"""<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt>
<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-25T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>BATCH-1</Id><Acct><Id><IBAN>DK5000400440116243</IBAN></Id></Acct>
<Ntry><Amt Ccy="DKK">700.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-25</Dt></BookgDt><AcctSvcrRef>FI-BATCH-9</AcctSvcrRef>
<NtryDtls>
<TxDtls><Amt Ccy="DKK">500.00</Amt>
  <RmtInf><Strd><CdtrRefInf><Ref>71/{a.payment_id}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
<TxDtls><Amt Ccy="DKK">200.00</Amt>
  <RmtInf><Strd><CdtrRefInf><Ref>71/{b.payment_id}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>""".encode()
    result = import_statement_file("batch.xml", batch)
    assert result.posted == 2
    assert balance(a) == Decimal("29500.00")
    assert balance(b) == Decimal("29800.00")
    assert sorted(BankEntry.objects.values_list("identity", flat=True)) == [
        "DK5000400440116243/ref/FI-BATCH-9/1",
        "DK5000400440116243/ref/FI-BATCH-9/2",
    ]


def test_a_zero_amount_is_skipped_not_posted(loan):
    result = import_statement_file("s.xml", camt053([pay(loan, "0.00")]))
    assert (result.posted, result.skipped) == (0, {Reason.ZERO_AMOUNT: 1})


def test_a_file_with_an_old_and_a_new_statement_imports_only_the_new_one(loan):
    import_statement_file("old.xml", camt053([pay(loan, "100")], statement_id="OLD"))
    old = camt053([pay(loan, "100")], statement_id="OLD").decode()
    new = camt053([pay(loan, "200")], statement_id="NEW").decode()
    new_stmt = new[new.index("<Stmt>") : new.index("</Stmt>") + len("</Stmt>")]
    both = old.replace("</Stmt>", "</Stmt>" + new_stmt, 1).encode()
    result = import_statement_file("both.xml", both)
    assert result.status == ImportStatus.IMPORTED
    assert result.already_imported_statements == ["OLD"]
    assert result.posted == 1
    assert balance(loan) == Decimal("29700.00")
