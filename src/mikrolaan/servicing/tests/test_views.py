import datetime as dt

import pytest
from django.urls import reverse

from mikrolaan.loans.models import LoanStatus
from mikrolaan.servicing.models import Claim, ReminderCycle, Task
from mikrolaan.servicing.tasks import complete_task
from mikrolaan.servicing.tests.factories import FIRST_DUE, paid_out_loan

pytestmark = pytest.mark.django_db


def test_only_the_finance_clerk_sees_the_queues(client, project_leader, finance_clerk):
    client.force_login(project_leader)
    assert client.get(reverse("servicing:queues")).status_code == 403
    client.force_login(finance_clerk)
    response = client.get(reverse("servicing:queues"))
    assert response.status_code == 200
    assert "Kandidater til overdragelse" in response.content.decode()


def test_the_clerk_confirms_a_candidate_from_the_queue(
    client, finance_clerk, project_leader, run_servicing
):
    loan = paid_out_loan()
    for days in (10, 20, 30):
        run_servicing(FIRST_DUE + dt.timedelta(days=days))
    cycle = ReminderCycle.objects.get()
    client.force_login(finance_clerk)
    page = client.get(reverse("servicing:queues")).content.decode()
    assert loan.loan_ref in page and "Projektlederens opgave" in page
    # Refused with its reason while the project leader's task is open.
    response = client.post(reverse("servicing:confirm", args=[cycle.pk]), follow=True)
    assert "stadig åben" in response.content.decode()
    for task in Task.objects.all():
        complete_task(
            task, note="Talt med borgeren", on=dt.date(2013, 5, 10), acting_user=project_leader
        )
    response = client.post(reverse("servicing:confirm", args=[cycle.pk]), follow=True)
    assert "er overdraget til Gældsstyrelsen" in response.content.decode()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.IN_COLLECTION
    claim = Claim.objects.get()
    download = client.get(reverse("servicing:claim_file", args=[claim.pk]))
    assert download.status_code == 200
    assert b"KTSEREV" in b"".join(download.streaming_content)


def test_the_project_leader_marks_a_task_done(client, project_leader, finance_clerk, run_servicing):
    paid_out_loan(exempt=True)
    run_servicing(FIRST_DUE + dt.timedelta(days=10))
    task = Task.objects.get()
    assert task.reason == "paper"
    client.force_login(project_leader)
    home = client.get("/").content.decode()
    assert "Fritaget for Digital Post" in home
    response = client.post(
        reverse("servicing:task_done", args=[task.pk]), {"note": ""}, follow=True
    )
    assert "Skriv, hvad der blev gjort" in response.content.decode()
    client.post(reverse("servicing:task_done", args=[task.pk]), {"note": "Brev afleveret"})
    task.refresh_from_db()
    assert task.status == "done"
    client.force_login(finance_clerk)  # not the clerk's task
    assert (
        client.post(reverse("servicing:task_done", args=[task.pk]), {"note": "x"}).status_code
        == 404
    )


def test_the_case_page_section_lists_the_reminders(project_leader, run_servicing):
    from mikrolaan.cases.page import sections_for

    loan = paid_out_loan()
    run_servicing(FIRST_DUE + dt.timedelta(days=10))
    section = next(
        s
        for s in sections_for(loan.case, project_leader)
        if s["template"] == "servicing/case_section.html"
    )
    assert [r.number for r in section["context"]["reminders"]] == [1]


def test_the_clerk_takes_a_rejected_claim_back_from_the_queue(
    client, finance_clerk, project_leader, run_servicing
):
    from mikrolaan.servicing import handover

    loan = paid_out_loan()
    for days in (10, 20, 30):
        run_servicing(FIRST_DUE + dt.timedelta(days=days))
    for task in Task.objects.all():
        complete_task(
            task, note="Talt med borgeren", on=dt.date(2013, 5, 10), acting_user=project_leader
        )
    cycle = ReminderCycle.objects.get()
    claim = handover.confirm_handover(
        cycle, on=FIRST_DUE + dt.timedelta(days=45), acting_user=finance_clerk
    )
    client.force_login(finance_clerk)
    assert 'data-testid="take-back"' not in client.get(reverse("servicing:queues")).content.decode()
    handover.import_receipts(
        f"claim_ref,status,date,message\n{claim.claim_ref},AFVIST,2013-05-21,CPR ukendt\n"
    )
    page = client.get(reverse("servicing:queues")).content.decode()
    assert 'data-testid="take-back"' in page and "Tag lånet tilbage" in page
    url = reverse("servicing:take_back", args=[claim.pk])
    client.force_login(project_leader)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(finance_clerk)
    response = client.post(url, {"reason": ""}, follow=True)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.IN_COLLECTION
    response = client.post(url, {"reason": "CPR rettet"}, follow=True)
    assert "tilbage fra Gældsstyrelsen" in response.content.decode()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE and loan.collection_transferred_on is None
    assert 'data-testid="take-back"' not in response.content.decode()
