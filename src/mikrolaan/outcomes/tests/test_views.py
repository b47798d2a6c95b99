import datetime as dt

import pytest
from django.urls import reverse

from mikrolaan.accounts.tests.factories import PASSWORD
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.outcomes import services
from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.outcomes.tests import factories as f

pytestmark = pytest.mark.django_db
D = dt.date


def client_for(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("role", ["evaluator", "manager"])
def test_aggregate_readers_never_reach_a_case(client, a_case, role, request):
    c = client_for(client, request.getfixturevalue(role))
    for name in ("outcomes:case", "outcomes:record"):
        assert client.get(reverse(name, args=[a_case.pk])).status_code == 404
    spell = services.record_spell(
        a_case.citizen, status="public_support", start=D(2026, 1, 1), source="x", acting_user=None
    )
    assert c.get(reverse("outcomes:correct", args=[spell.pk])).status_code in (403, 404)
    assert c.get(reverse("outcomes:withdraw", args=[spell.pk])).status_code in (403, 404)


@pytest.mark.parametrize("role", ["evaluator", "manager", "project_leader"])
def test_aggregate_pages_for_managers_and_evaluators(client, a_case, role, request):
    c = client_for(client, request.getfixturevalue(role))
    funnel = c.get(reverse("outcomes:funnel"), {"as_of": "2026-12-31"})
    assert funnel.status_code == 200
    assert "Tragten fra henvisning til lån" in funnel.text
    economics = c.get(reverse("outcomes:economics"), {"as_of": "2026-12-31"})
    assert economics.status_code == 200
    assert "Antagelser bag tallene" in economics.text
    assert "antagelser, som kommunen fastsætter" in economics.text
    for page in (funnel.text, economics.text):
        assert a_case.citizen.last_name not in page
        assert a_case.citizen.cpr_display not in page


def test_case_workers_without_aggregate_access_are_refused(client, job_consultant):
    c = client_for(client, job_consultant)
    assert c.get(reverse("outcomes:economics")).status_code == 403
    assert c.get(reverse("outcomes:funnel")).status_code == 403


def test_a_knowledge_person_sees_no_case_of_another_unit(client, other_unit, knowledge_person):
    theirs = f.case(other_unit)
    c = client_for(client, knowledge_person)
    assert c.get(reverse("outcomes:case", args=[theirs.pk])).status_code == 404


def test_a_knowledge_person_reads_but_does_not_record(client, a_case, knowledge_person):
    c = client_for(client, knowledge_person)
    page = c.get(reverse("outcomes:case", args=[a_case.pk]))
    assert page.status_code == 200
    assert "Registrér forsørgelsesstatus" not in page.text
    assert c.get(reverse("outcomes:record", args=[a_case.pk])).status_code == 403


def test_opening_the_outcomes_page_is_logged(client, a_case, project_leader):
    client_for(client, project_leader).get(reverse("outcomes:case", args=[a_case.pk]))
    assert AuditRecord.objects.filter(
        action=Action.READ, citizen=a_case.citizen, user=project_leader
    ).exists()


def test_recording_and_refusing_an_overlap_through_the_form(client, a_case, project_leader):
    c = client_for(client, project_leader)
    url = reverse("outcomes:record", args=[a_case.pk])
    ok = c.post(
        url,
        {"status": "self_supporting_business", "start": "2026-01-01", "end": "", "source": "CVR"},
    )
    assert ok.status_code == 302
    clash = c.post(url, {"status": "public_support", "start": "2026-06-01", "source": "Borgeren"})
    assert clash.status_code == 200
    assert "overlapper den registrerede periode" in clash.text
    assert "»Selvforsørgende gennem virksomheden« 01.01.2026 – stadig løbende" in clash.text
    assert SupportSpell.objects.count() == 1


def test_correcting_and_withdrawing_through_the_forms(client, a_case, project_leader):
    c = client_for(client, project_leader)
    spell = services.record_spell(
        a_case.citizen, status="public_support", start=D(2026, 1, 1), source="x", acting_user=None
    )
    r = c.post(
        reverse("outcomes:correct", args=[spell.pk]),
        {"status": "self_supporting_job", "start": "2026-02-01", "source": "eIndkomst", "why": ""},
    )
    assert r.status_code == 200 and "form-error-message" in r.text  # a reason is required
    r = c.post(
        reverse("outcomes:correct", args=[spell.pk]),
        {
            "status": "self_supporting_job",
            "start": "2026-02-01",
            "source": "eIndkomst",
            "why": "job",
        },
    )
    assert r.status_code == 302
    new = SupportSpell.objects.get(corrects=spell)
    r = c.post(reverse("outcomes:withdraw", args=[new.pk]), {"why": "forkert borger"})
    assert r.status_code == 302
    assert not services.effective_spells(a_case.citizen).exists()
    page = c.get(reverse("outcomes:case", args=[a_case.pk]))
    assert "Rettede og tilbagetrukne perioder (2)" in page.text


def test_the_start_page_lists_borrowers_without_a_status_after_six_months(
    client, unit, project_leader, settings
):
    old = f.cohort("M1", D(2020, 1, 1), D(2020, 6, 30))
    recent = f.cohort("M9", D(2099, 1, 1), D(2099, 6, 30))
    missing = f.case(unit, opened_on=D(2019, 9, 1), last_name="Uregistreret")
    recorded = f.case(unit, opened_on=D(2019, 9, 1), last_name="Registreret")
    not_yet = f.case(unit, opened_on=D(2019, 9, 1), last_name="Forsent")
    for case in (missing, recorded):
        f.admit(case, old, D(2019, 10, 1))
        f.loan(case, old, D(2020, 2, 1))
    f.admit(not_yet, recent, D(2019, 10, 1))
    f.loan(not_yet, recent, D(2025, 2, 1))
    services.record_spell(
        recorded.citizen,
        status="public_support",
        start=D(2021, 1, 1),
        end=D(2021, 3, 1),
        source="x",
        acting_user=None,
    )
    page = client_for(client, project_leader).get("/")
    assert "Låntagere uden registreret forsørgelsesstatus" in page.text
    assert "Uregistreret" in page.text
    assert "Registreret</a>" not in page.text and "Forsent" not in page.text


def test_the_panel_is_for_project_leaders_only(client, finance_clerk):
    page = client_for(client, finance_clerk).get("/")
    assert "Låntagere uden registreret forsørgelsesstatus" not in page.text


@pytest.mark.parametrize("role", ["manager", "evaluator"])
def test_managers_and_evaluators_see_the_programme_in_figures(client, a_case, role, request):
    page = client_for(client, request.getfixturevalue(role)).get("/")
    assert "Programmet i tal" in page.text
    assert "Fra henvisning til låntager" in page.text
    assert a_case.citizen.last_name not in page.text
