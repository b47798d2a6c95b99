"""The reason a bank payment leaves on the loan's ledger reads as the statement is named, in
Danish, whoever imported the file; old rows that stored the raw statement id in English are
shown the same way (issue 9: no hashes, no English)."""

from django.template import Context, Template
from django.utils import translation

from mikrolaan.banking.models import Statement
from mikrolaan.banking.services import import_statement_file
from mikrolaan.banking.tests.statements import csv_statement
from mikrolaan.core.stored_texts import readable
from mikrolaan.loans.models import EntryKind, LedgerEntry


def test_a_posted_payment_names_the_statement_in_danish_even_from_an_english_session(loan):
    rows = [("25.11.2026", "1.500,00", f"+71 {loan.payment_id}")]
    with translation.override("en"):
        result = import_statement_file("nov.csv", csv_statement(rows), account="1234 5678")
    assert result.posted == 1
    why = LedgerEntry.objects.get(kind=EntryKind.REPAYMENT).why
    assert why == "Kontoudtog 25.11.2026, linje 2"


def test_an_old_english_reason_with_the_raw_id_is_shown_by_the_statements_name(loan):
    import_statement_file("nov.csv", csv_statement([("25.11.2026", "10,00", "x")]), account="1")
    statement = Statement.objects.get()
    assert statement.statement_id.startswith("csv:")
    old = f"Bank statement {statement.statement_id}, line 2"
    assert readable(old) == "Kontoudtog 25.11.2026, linje 2"
    assert readable("Bank statement csv:0badc0ffee, Ntry[3]/TxDtls[2]") == (
        "Kontoudtog, post 3, transaktion 2"
    )
    html = Template("{{ why|stored_text }}").render(Context({"why": old}))
    assert "csv:" not in html and "Kontoudtog 25.11.2026" in html
    # A text no reader knows is shown as stored, its amounts in the Danish form.
    assert readable("Indbetalt 1500.00 kr. kontant") == "Indbetalt 1.500,00 kr. kontant"
