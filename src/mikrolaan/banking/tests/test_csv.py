"""CSV statements as a Danish bank exports them (docs/bank-statements.md)."""

from decimal import Decimal

import pytest

from mikrolaan.banking.csvfile import _amount
from mikrolaan.banking.matching import Reason
from mikrolaan.banking.models import BankEntry, Statement
from mikrolaan.banking.parsing import StatementError
from mikrolaan.banking.services import ImportStatus, import_statement_file
from mikrolaan.banking.tests.statements import csv_statement
from mikrolaan.loans.ledger import balance

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1234.56", "1234.56"),
        ("-500,00", "-500.00"),
        ("500", "500.00"),
        ("1.234", "1234.00"),
        ("12,5", "12.50"),
    ],
)
def test_amounts_with_comma_or_dot(text, amount):
    assert _amount(text, "f.csv", "line 2", "Beløb") == Decimal(amount)


@pytest.mark.parametrize("text", ["12,3,4", "abc", "1.23.4,5", "", "1,2345"])
def test_unreadable_amounts(text):
    with pytest.raises(StatementError):
        _amount(text, "f.csv", "line 2", "Beløb")


def test_semicolon_and_comma_decimals(loan):
    content = csv_statement(
        [
            ("25-11-2026", "1.200,00", f"Afdrag +71<{loan.payment_id}"),
            ("25-11-2026", "-89,50", "Gebyr"),
            ("26-11-2026", "300,00", "Indbetaling uden reference"),
        ]
    )
    result = import_statement_file("nordea.csv", content, account="5000 0440116243")
    assert result.status == ImportStatus.IMPORTED
    assert result.posted == 1
    assert result.queued == {Reason.DEBIT: 1, Reason.NO_REFERENCE: 1}
    assert balance(loan) == Decimal("28800.00")
    statement = Statement.objects.get()
    assert statement.account == "5000 0440116243"
    assert str(statement.period_from) == "2026-11-25"
    assert statement.file.format == "csv"
    # The ledger and the pages name the statement in words, never by its fingerprint.
    assert statement.label == "Kontoudtog 26.11.2026"
    why = loan.entries.get(kind="repayment").why
    assert why == "Kontoudtog 26.11.2026, linje 2"


def test_comma_delimiter_with_dot_decimals_and_a_reference_column(loan):
    content = csv_statement(
        [("2026-11-25", "1500.00", "Nov", f"71/{loan.payment_id}")],
        delimiter=",",
        header="Date,Amount,Text,Reference",
    )
    assert import_statement_file("danske.csv", content).posted == 1
    assert BankEntry.objects.get().creditor_reference == f"71/{loan.payment_id}"


def test_the_same_statement_exported_with_another_delimiter_is_already_imported(loan):
    rows = [("25-11-2026", "1.200,00", f"Afdrag {loan.payment_id}"), ("25-11-2026", "5,00", "x")]
    first = import_statement_file("a.csv", csv_statement(rows), account="K1")
    assert first.posted == 1
    rows_dot = [(d, a.replace(".", "").replace(",", "."), t) for d, a, t in rows]
    again = import_statement_file("b.csv", csv_statement(rows_dot, delimiter=","), account="K1")
    assert again.status == ImportStatus.ALREADY_IMPORTED
    assert balance(loan) == Decimal("28800.00")


def test_two_identical_lines_are_two_payments(loan):
    rows = [("25-11-2026", "100,00", f"{loan.payment_id}")] * 2
    assert import_statement_file("a.csv", csv_statement(rows)).posted == 2
    assert balance(loan) == Decimal("29800.00")


def test_an_overlapping_export_posts_only_the_new_lines(loan):
    day1 = ("24-11-2026", "100,00", f"{loan.payment_id}")
    day2 = ("25-11-2026", "200,00", f"{loan.payment_id}")
    import_statement_file("a.csv", csv_statement([day1]))
    result = import_statement_file("b.csv", csv_statement([day1, day2]))
    assert result.posted == 1
    assert result.skipped == {Reason.ALREADY_IMPORTED: 1}
    assert balance(loan) == Decimal("29700.00")


def test_an_unreadable_line_rejects_the_whole_file_naming_line_and_field(loan):
    content = csv_statement(
        [
            ("25-11-2026", "100,00", f"{loan.payment_id}"),
            ("25-11-2026", "1OO,00", f"{loan.payment_id}"),
        ]
    )
    result = import_statement_file("bank.csv", content)
    assert result.status == ImportStatus.REJECTED
    assert result.error == "bank.csv: linje 3: Beløb: '1OO,00' er ikke et beløb"
    assert not BankEntry.objects.exists()
    assert balance(loan) == Decimal("30000.00")


def test_a_bad_date_names_the_line(loan):
    result = import_statement_file("bank.csv", csv_statement([("31-02-2026", "1,00", "x")]))
    assert result.error == "bank.csv: linje 2: Dato: '31-02-2026' er ikke en dato"


def test_a_header_without_the_needed_columns_is_rejected(loan):
    result = import_statement_file("bank.csv", b"Foo;Bar\n1;2\n")
    assert result.status == ImportStatus.REJECTED
    assert "linje 1: overskrift: ingen kolonne Dato, Beløb, Tekst" in result.error


def test_windows_1252_export(loan):
    content = f"Dato;Beløb;Tekst\n25.11.2026;250,00;Afdrag Søren {loan.payment_id}\n"
    assert import_statement_file("w.csv", content.encode("cp1252")).posted == 1
    assert BankEntry.objects.get().text.startswith("Afdrag Søren")
