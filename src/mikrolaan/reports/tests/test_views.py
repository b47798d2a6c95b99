import io
import json

import openpyxl
import pytest
from django.urls import reverse

from mikrolaan.audit.models import Action, AuditRecord

pytestmark = pytest.mark.django_db
QUERY = "?as_of=2016-12-31&cohorts=M3&cohorts=M4&cohorts=M5&cohorts=M6"


@pytest.mark.parametrize("role", ["manager", "evaluator", "project_leader"])
def test_report_roles_see_the_page(client, request, role, review_data):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("reports:index") + QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Resultater af forløbene" in html
    assert "763.800" in html and "555.097" in html and "7.880" in html
    assert "<svg" in html
    # Aggregates only: no names, no CPR numbers on the page.
    assert "Jensen" not in html and "0806732041" not in html


@pytest.mark.parametrize("role", ["job_consultant", "finance_clerk", "benefits_caseworker"])
def test_other_roles_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("reports:index")).status_code == 403
    assert client.get(reverse("reports:download", args=["json"])).status_code == 403


def test_anonymous_is_refused(client):
    assert client.get(reverse("reports:index")).status_code in (302, 403)


def test_downloads_give_the_same_figures_and_are_logged(client, evaluator, review_data):
    client.force_login(evaluator)
    data = client.get(reverse("reports:download", args=["json"]) + QUERY)
    assert data["Content-Disposition"] == 'attachment; filename="mikrolaan-rapport-2016-12-31.json"'
    assert json.loads(data.content)["totals"]["self_supporting_days"] == 7880
    xlsx = client.get(reverse("reports:download", args=["xlsx"]) + QUERY)
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert [c.value for c in book["Tabel 7"][8]] == ["I alt", 763800, 555097, 27]
    pdf = client.get(reverse("reports:download", args=["pdf"]) + QUERY)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditRecord.objects.filter(user=evaluator, action=Action.EXTRACT).count() == 3


def test_a_bad_date_shows_the_form_error_and_todays_report(client, manager):
    client.force_login(manager)
    response = client.get(reverse("reports:index") + "?as_of=2016-13-45")
    assert response.status_code == 200
    assert "form-error-message" in response.content.decode()
