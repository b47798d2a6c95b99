"""Properties of reading amounts, and the append-only bank records."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.db.utils import InternalError
from hypothesis import given
from hypothesis import strategies as st

from mikrolaan.banking.csvfile import _amount
from mikrolaan.banking.models import BankEntry
from mikrolaan.banking.services import import_statement_file
from mikrolaan.banking.tests.statements import Payment, camt053
from mikrolaan.core.models import AppendOnlyError

amounts = st.decimals(min_value=Decimal("-9999999.99"), max_value=Decimal("9999999.99"), places=2)


def danish(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    whole, decimals = f"{abs(value):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{groups},{decimals}"


@given(amounts)
def test_a_danish_amount_reads_back_exactly(value):
    assert _amount(danish(value), "f.csv", "line 2", "Beløb") == value


@given(amounts)
def test_a_dot_decimal_amount_reads_back_exactly(value):
    assert _amount(f"{value:.2f}", "f.csv", "line 2", "Beløb") == value


@given(amounts)
def test_an_english_grouped_amount_reads_back_exactly(value):
    assert _amount(f"{value:,.2f}", "f.csv", "line 2", "Amount") == value


@pytest.mark.django_db
def test_bank_entries_cannot_be_changed():
    import_statement_file("s.xml", camt053([Payment(Decimal("10"))]))
    entry = BankEntry.objects.get()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        BankEntry.objects.update(amount=Decimal("1"))
    with (
        pytest.raises((IntegrityError, OperationalError, InternalError)),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE banking_bankentry SET amount = 1")
