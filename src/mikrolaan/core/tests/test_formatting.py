"""Money, numbers and dates from one place, in Danish form."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template

from mikrolaan.core import formatting


def test_money_numbers_dates_and_months():
    assert formatting.money(Decimal("45000")) == "45.000,00 kr."
    assert formatting.money("44050.00", "DKK") == "44.050,00 kr."
    assert formatting.money(Decimal("12.5"), "EUR") == "12,50 EUR"
    assert formatting.money(None) == "–"
    assert formatting.number(57423) == "57.423"
    assert formatting.short_date(dt.date(2026, 11, 2)) == "02.11.2026"
    assert formatting.long_date(dt.date(2026, 8, 24)) == "24. august 2026"
    assert formatting.months(1) == "1 måned" and formatting.months(2) == "2 måneder"
    assert formatting.days(1) == "1 dag" and formatting.days(57423) == "57.423 dage"


def test_old_texts_get_their_amounts_in_danish_form_and_nothing_else_changes():
    assert formatting.reformat_amounts("ML-1: 45000.00 kr.") == "ML-1: 45.000,00 kr."
    assert formatting.reformat_amounts("behov 44.050,00 kr.") == "behov 44.050,00 kr."
    assert formatting.reformat_amounts("i alt 44.050 kr.") == "i alt 44.050 kr."


def test_the_filters_are_built_into_every_template():
    text = Template("{{ a|money }} {{ d|short_date }} {{ n|months }}").render(
        Context({"a": Decimal("45000"), "d": dt.date(2026, 11, 2), "n": 1})
    )
    assert text == "45.000,00 kr. 02.11.2026 1 måned"
