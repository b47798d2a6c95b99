import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from pypdf import PdfReader

from mikrolaan.core.formatting import money
from mikrolaan.letters.models import Letter, LetterKind, LetterStatus
from mikrolaan.loans.payment_id import display
from mikrolaan.policy.models import LoanPolicy
from mikrolaan.servicing.models import Reminder
from mikrolaan.servicing.reminders import (
    issue_reminder_letters,
    pending_reminder_ids,
    reminder_context,
    slices,
)
from mikrolaan.servicing.run import run
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


def _pdf_text(path) -> str:
    reader = PdfReader(path)
    # one space between words: the extractor's line breaks and spacing are no part of the text
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _danish(day) -> str:
    with translation.override("da"):
        return date_format(day, "j. F Y")


def test_the_reminder_pdf_holds_the_letter_in_danish(run_servicing):
    """The PDF itself (typeset, not only its HTML): who, how much, the payment ID, the dates."""
    LoanPolicy.objects.create(
        valid_from=dt.date(2013, 2, 1),
        name="Med rykkergebyr",
        legal_basis="LAS § 65",
        reminder_fee=Decimal("100.00"),
    )
    loan = paid_out_loan()
    run_servicing(FIRST_DUE + dt.timedelta(days=10))
    run_servicing(FIRST_DUE + dt.timedelta(days=20))
    first, second = Reminder.objects.order_by("number")
    text = _pdf_text(second.letter.pdf_path)
    citizen = loan.citizen
    for expected in (
        citizen.full_name,
        f"CPR-nr.: {citizen.cpr_display}",
        f"Lånenummer: {loan.loan_ref}",
        "Rykker 2",
        f"forfaldt den {_danish(FIRST_DUE)}",
        "Restance (forfaldne, ubetalte ydelser)",
        f"Rykkergebyrer {money(Decimal('200.00'))}",  # both reminders' fees so far
        f"Du skal betale {money(second.arrears + 200)}",
        f"Betal senest {_danish(second.pay_by)}",
        f"Betalings-id {display(loan.payment_id)}",
        "Gebyr for denne rykker: 100,00 kr.",
        "Side 1 af 1",
    ):
        assert expected in text, expected
    # the first letter stated the fees charged when it was sent: its own only
    assert f"Rykkergebyrer {money(Decimal('100.00'))}" in _pdf_text(first.letter.pdf_path)


def test_a_job_issues_its_slice_in_batches_and_reports_progress(
    django_capture_on_commit_callbacks,
):
    for _ in range(3):
        paid_out_loan()
    run(FIRST_DUE + dt.timedelta(days=10), issue_letters=False)
    ids = pending_reminder_ids()
    assert len(ids) == 3
    first, second = slices(ids, 2)
    assert first + second == ids and len(first) == 2
    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        issued = issue_reminder_letters(
            ids, batch_size=2, progress=lambda done, total: seen.append((done, total))
        )
    assert issued == 3 and seen == [(2, 3), (3, 3)]
    letters = Letter.objects.filter(kind=LetterKind.REMINDER)
    assert letters.count() == 3
    assert set(letters.values_list("status", flat=True)) == {LetterStatus.DELIVERED}
    assert not pending_reminder_ids()
    # A second job handed the same reminders finds them issued: no letter twice.
    assert issue_reminder_letters(first) == 0
    assert letters.count() == 3


def test_the_run_leaves_its_letters_to_parallel_background_jobs(django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from mikrolaan.jobs.models import Job, JobStatus
    from mikrolaan.jobs.testing import run_waiting_jobs

    for _ in range(3):
        paid_out_loan()
    day = (FIRST_DUE + dt.timedelta(days=10)).isoformat()
    call_command("servicing", "run", "--date", day, "--letters-in-background", "2")
    jobs = Job.objects.filter(kind="reminder_letters").order_by("pk")
    assert jobs.count() == 2 and len(pending_reminder_ids()) == 3  # nothing issued in the run
    with django_capture_on_commit_callbacks(execute=True):
        run_waiting_jobs()
        run_waiting_jobs()
    assert not pending_reminder_ids()
    assert Letter.objects.filter(kind=LetterKind.REMINDER).count() == 3
    for job in jobs:
        job.refresh_from_db()
        assert job.status == JobStatus.DONE and job.done == job.total
    assert sorted(job.result["letters"] for job in jobs) == [1, 2]
