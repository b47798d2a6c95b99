import datetime as dt
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from mikrolaan.servicing.models import Reminder
from mikrolaan.servicing.reminders import reminder_context
from mikrolaan.servicing.tests.factories import FIRST_DUE, paid_out_loan

pytestmark = pytest.mark.django_db


def _html(reminder):
    with translation.override("da"):
        return render_to_string("servicing/letters/reminder.html", reminder_context(reminder))


def test_the_reminders_say_what_to_pay_how_and_what_happens(run_servicing):
    loan = paid_out_loan(exempt=True)
    for days in (10, 20, 30):
        run_servicing(FIRST_DUE + dt.timedelta(days=days))
    first, _, last = Reminder.objects.order_by("number")
    text = _html(first)
    assert "Rykker 1" in text and "100,00 kr." in text
    assert f"+71&lt;{loan.payment_id}" in text
    assert "Gældsstyrelsen" in text and "højst 3 rykkere" in text
    assert "Fysisk brev – fritaget for Digital Post" in text  # the paper marking
    notice = _html(last)
    assert "Skriftligt varsel om overdragelse til inddrivelse" in notice
    assert "KTSEREV" in notice and "200,00 kr." in notice  # April and May are due by then
    assert Path(last.letter.pdf_path).read_bytes().startswith(b"%PDF")
    assert last.letter.paper
