import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from mikrolaan.letters.models import Letter, LetterKind, LetterStatus
from mikrolaan.letters.services import LetterError, record_delivery, send_letter
from mikrolaan.loans import services
from mikrolaan.loans.tests.factories import granted_loan, ready_for_payout
from mikrolaan.people.tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7 test"


def test_a_letter_goes_out_after_commit_through_the_folder_transport(
    django_capture_on_commit_callbacks, project_leader
):
    citizen = CitizenFactory(digital_post_exempt=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        letter = send_letter(
            citizen, kind=LetterKind.NOTICE, subject="Varsel", pdf=PDF, acting_user=project_leader
        )
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.QUEUED  # not before commit
    for callback in callbacks:
        callback()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DELIVERED
    folder = Path(settings.LETTERS_DIR)
    meta = json.loads((folder / f"{letter.pk:08d}-notice.json").read_text())
    assert meta["paper"] is True and meta["channel"] == "paper"
    assert meta["cpr"] == citizen.cpr
    assert (folder / f"{letter.pk:08d}-notice.pdf").read_bytes() == PDF


def test_a_failed_delivery_is_recorded(project_leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        letter = send_letter(
            CitizenFactory(),
            kind=LetterKind.NOTICE,
            subject="x",
            pdf=PDF,
            acting_user=project_leader,
        )
    record_delivery(letter, delivered=False, detail="Postkassen findes ikke")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED
    assert letter.failure_reason == "Postkassen findes ikke"


def test_only_pdfs(project_leader):
    with pytest.raises(LetterError):
        send_letter(
            CitizenFactory(), kind="other", subject="x", pdf=b"hi", acting_user=project_leader
        )


def test_payout_sends_the_loan_agreement_and_the_plan(django_capture_on_commit_callbacks):
    loan = ready_for_payout(granted_loan(amount=Decimal("26337.93")), on=dt.date(2013, 3, 15))
    with django_capture_on_commit_callbacks(execute=True):
        services.record_payout(
            loan, paid_on=dt.date(2013, 3, 15), acting_user=loan.decision.recorded_by
        )
    kinds = set(Letter.objects.filter(reference=loan.loan_ref).values_list("kind", flat=True))
    assert kinds == {"loan_agreement", "repayment_plan"}
    agreement = Letter.objects.get(reference=loan.loan_ref, kind="loan_agreement")
    assert Path(agreement.pdf_path).read_bytes().startswith(b"%PDF")
    assert agreement.status == LetterStatus.DELIVERED


def test_queued_letters_are_sent_by_the_command_once(project_leader):
    from io import StringIO

    from django.core.management import call_command

    letter = send_letter(
        CitizenFactory(), kind="other", subject="x", pdf=PDF, acting_user=project_leader
    )  # on_commit never ran: still queued
    out = StringIO()
    call_command("letters", "send", stdout=out)
    assert "1 brev sendt" in out.getvalue()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DELIVERED
    call_command("letters", "send", stdout=out)
    assert "0 breve sendt" in out.getvalue()


def test_many_letters_go_out_together_and_a_failing_hand_over_stops_none_of_the_others(
    django_capture_on_commit_callbacks,
):
    from mikrolaan.audit.models import AuditRecord
    from mikrolaan.letters.services import Draft, dispatch_many, send_letters
    from mikrolaan.letters.transports import FolderTransport

    class Flaky(FolderTransport):
        def send(self, letter, pdf):
            if letter.subject == "B":
                raise OSError("the print shop's folder is gone")
            return super().send(letter, pdf)

    citizens = [CitizenFactory(), CitizenFactory(digital_post_exempt=True), CitizenFactory()]
    drafts = [
        Draft(citizen=c, kind=LetterKind.REMINDER, subject=s, pdf=PDF, reference=f"L-{s}")
        for c, s in zip(citizens, "ABC", strict=True)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        letters = send_letters(drafts, acting_user=None, transport=Flaky())
    by_subject = {letter.subject: Letter.objects.get(pk=letter.pk) for letter in letters}
    assert by_subject["A"].status == by_subject["C"].status == LetterStatus.DELIVERED
    assert by_subject["B"].status == LetterStatus.QUEUED  # waits for ``letters send``
    assert by_subject["B"].paper and not by_subject["A"].paper
    assert Path(by_subject["A"].pdf_path).read_bytes() == PDF
    for letter in by_subject.values():
        records = AuditRecord.objects.filter(object_type="letters.Letter", object_id=letter.pk)
        assert records.filter(action="create", citizen=letter.citizen).count() == 1
    assert dispatch_many([letter.pk for letter in letters]) == 1  # the default transport: B
    assert Letter.objects.get(pk=by_subject["B"].pk).status == LetterStatus.DELIVERED
