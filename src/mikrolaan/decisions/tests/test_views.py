import pytest
from django.urls import reverse

from mikrolaan.audit.models import AuditRecord
from mikrolaan.budgets.tests.factories import budget
from mikrolaan.core.home import panels_for
from mikrolaan.decisions.services import approve_grant
from mikrolaan.decisions.tests.factories import DAY, case_in_pre_course, green_decision, yellow

pytestmark = pytest.mark.django_db


def months_post(rows):
    data = {
        "m-TOTAL_FORMS": "12",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "12",
        "m-MAX_NUM_FORMS": "36",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"m-{i}-{key}"] = value
    return data


def test_budget_form_saves_a_version_and_names_a_bad_line(client, project_leader):
    case = case_in_pre_course()
    client.force_login(project_leader)
    url = reverse("budgets:new", args=[case.pk])
    assert client.get(url).status_code == 200
    post = {
        "submitted_on": "02-03-2026",
        "establishment": "Symaskine; 12.500\nStof; 1x",
        **months_post([{"loan": "20000", "costs": "12500"}]),
    }
    response = client.post(url, post)
    assert response.status_code == 200
    assert not case.budget_versions.exists()
    assert "1x" in response.content.decode()
    post["establishment"] = "Symaskine; 12.500\nStof; 1.000,50"
    response = client.post(url, post)
    assert response.status_code == 302
    version = case.budget_versions.get()
    assert version.months.count() == 1
    assert str(version.lines.get(position=2).amount) == "1000.50"
    page = client.get(reverse("decisions:case", args=[case.pk])).content.decode()
    assert 'data-testid="section-budgets"' in page
    assert AuditRecord.objects.filter(action="read", citizen=case.citizen).exists()


def test_decide_form_shows_the_policy_error_on_the_field(client, project_leader):
    case = case_in_pre_course()
    budget(case, project_leader)
    client.force_login(project_leader)
    post = {
        "decided_on": "16-03-2026",
        "colour": "green",
        "proposed_amount": "51.000",
        "person_colour": "green",
        "person_reason": "x",
        "money_colour": "green",
        "money_reason": "x",
        "plan_colour": "green",
        "plan_reason": "x",
    }
    response = client.post(reverse("decisions:decide", args=[case.pk]), post)
    assert response.status_code == 200
    assert 'data-testid="error-amount_justification"' in response.content.decode()
    assert not case.decisions.exists()


def test_a_benefits_caseworker_cannot_decide(client, benefits_caseworker, project_leader):
    case = case_in_pre_course()
    budget(case, project_leader)
    client.force_login(benefits_caseworker)
    assert client.get(reverse("decisions:decide", args=[case.pk])).status_code == 403


def test_a_knowledge_person_of_another_unit_gets_404(client, other_unit, project_leader):
    from mikrolaan.accounts.tests.factories import UserFactory

    case = case_in_pre_course()
    kp = UserFactory(username="kp-other", role="knowledge_person", unit=other_unit)
    client.force_login(kp)
    assert client.get(reverse("decisions:case", args=[case.pk])).status_code == 404


def test_approve_twice_is_refused_in_the_view(client, project_leader):
    decision = green_decision(project_leader)
    client.force_login(project_leader)
    url = reverse("decisions:approve", args=[decision.pk])
    assert client.post(url, {"note": ""}).status_code == 302
    response = client.post(url, {"note": ""})
    assert response.status_code == 403
    assert decision.approvals.count() == 1


def test_start_panels(project_leader, benefits_caseworker):
    waiting = case_in_pre_course()
    yellow_case = case_in_pre_course()
    budget(yellow_case, project_leader)
    yellow(yellow_case, project_leader)
    decision = green_decision(project_leader)
    panels = {p["key"]: p for p in panels_for(project_leader)}
    assert [r["cells"][0] for r in panels["pre-course-without-decision"]["rows"]] == [
        str(waiting.citizen)
    ]
    assert len(panels["yellow-awaiting-resubmission"]["rows"]) == 1
    assert len(panels["grants-awaiting-me"]["rows"]) == 1
    approve_grant(decision, approved_on=DAY, acting_user=project_leader)
    panels = {p["key"]: p for p in panels_for(project_leader)}
    assert panels["grants-awaiting-me"]["rows"] == []
    bc_panels = {p["key"]: p for p in panels_for(benefits_caseworker)}
    assert len(bc_panels["grants-awaiting-me"]["rows"]) == 1
    assert "main-course-subsistence" in bc_panels


def test_main_course_form_shows_cvr_and_subsistence_errors_in_danish(
    client, project_leader, benefits_caseworker
):
    from django.utils import translation

    from mikrolaan.decisions.tests.factories import granted_decision

    case = granted_decision(project_leader, benefits_caseworker).case
    client.force_login(benefits_caseworker)
    url = reverse("decisions:main_course", args=[case.pk])
    with translation.override("da"):
        response = client.post(
            url,
            {"started_on": "2026-05-04", "cvr": "30011229", "subsistence_months": "9"},
            HTTP_ACCEPT_LANGUAGE="da",
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "kontrolciffer passer ikke" in page
    case.refresh_from_db()
    assert case.stage == "granted"
    response = client.post(
        url, {"started_on": "2026-05-04", "cvr": "30011228", "subsistence_months": "9"}
    )
    assert 'data-testid="error-subsistence_reason"' in response.content.decode()
    response = client.post(
        url,
        {
            "started_on": "2026-05-04",
            "cvr": "3001 1228",
            "subsistence_months": "9",
            "subsistence_reason": "Sæsonvirksomhed: salget kommer om sommeren.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == "main_course"
    fit = reverse("decisions:fit", args=[case.pk])
    assert client.post(fit, {"confirmed_on": "2026-05-04"}).status_code == 302
    page = client.get(reverse("decisions:case", args=[case.pk])).content.decode()
    assert 'data-testid="fit-for-payout"' in page


def test_the_pensioners_form_has_no_subsistence_fields(client, project_leader, benefits_caseworker):
    from mikrolaan.decisions.tests.factories import granted_decision

    case = granted_decision(project_leader, benefits_caseworker).case
    case.citizen.target_group = "early_retirement"
    case.citizen.save()
    client.force_login(project_leader)
    page = client.get(reverse("decisions:main_course", args=[case.pk])).content.decode()
    assert "id_subsistence_months" not in page
    assert "id_cvr" in page


def test_sections_render_however_the_case_page_passes_their_context(project_leader):
    from django.template import Context, Template
    from django.template.loader import render_to_string

    from mikrolaan.cases.page import sections_for

    decision = green_decision(project_leader)
    sections = sections_for(decision.case, project_leader)
    assert {s["template"] for s in sections} >= {
        "budgets/case_section.html",
        "decisions/case_section.html",
    }
    ours = ("budgets/", "decisions/")
    for section in (s for s in sections if s["template"].startswith(ours)):
        direct = render_to_string(section["template"], section["context"])
        included = Template("{% include s.template with ctx=s.context %}").render(
            Context({"s": section})
        )
        assert 'data-testid="section-' in direct
        assert direct == included
