"""The questionnaire's versions in the browser's pages: seen, and a new version added."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mikrolaan.progression.models import Questionnaire

pytestmark = pytest.mark.django_db


def _post_data(statements, *, valid_from, name="Selvvurdering 2.0", days=21):
    data = {
        "valid_from": valid_from.isoformat(),
        "name": name,
        "answer_within_days": str(days),
        "notes": "",
        "statements-TOTAL_FORMS": str(len(statements)),
        "statements-INITIAL_FORMS": str(len(statements)),
        "statements-MIN_NUM_FORMS": "0",
        "statements-MAX_NUM_FORMS": "1000",
    }
    for i, (code, area, text) in enumerate(statements):
        data |= {
            f"statements-{i}-code": code,
            f"statements-{i}-area": area,
            f"statements-{i}-text": text,
        }
    return data


def test_the_manager_sees_the_versions_and_other_roles_do_not(client, manager, job_consultant):
    seeded = Questionnaire.objects.get()
    client.force_login(manager)
    page = client.get(reverse("progression:questionnaires")).content.decode()
    assert seeded.name in page
    for statement in seeded.statements.all():
        assert statement.text in page
    # The form starts from the newest version, with empty rows for new statements.
    form = client.get(reverse("progression:questionnaire_new")).content.decode()
    assert form.count('data-testid="statement-row"') == seeded.statements.count() + 4
    client.force_login(job_consultant)
    assert client.get(reverse("progression:questionnaires")).status_code == 403
    assert client.get(reverse("progression:questionnaire_new")).status_code == 403


def test_a_new_version_keeps_codes_drops_empty_rows_and_applies_from_its_date(client, manager):
    seeded = Questionnaire.objects.get()
    old = [(s.code, s.area, s.text) for s in seeded.statements.all()]
    reworded = (old[0][0], old[0][1], "Jeg tror fuldt og helt på min plan.")
    rows = [reworded, *old[1:-1], ("", "", ""), ("customers_first", "plan", "Jeg har kunder.")]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.force_login(manager)
    response = client.post(
        reverse("progression:questionnaire_new"), _post_data(rows, valid_from=tomorrow)
    )
    assert response.status_code == 302
    new = Questionnaire.in_force(tomorrow)
    assert (new.name, new.answer_within_days, new.recorded_by) == ("Selvvurdering 2.0", 21, manager)
    expected = [reworded, *old[1:-1], ("customers_first", "plan", "Jeg har kunder.")]
    assert [(s.code, s.area, s.text) for s in new.statements.all()] == expected
    assert [s.position for s in new.statements.all()] == list(range(1, len(expected) + 1))
    # Today the old version is still the one in force.
    assert Questionnaire.in_force(timezone.localdate()) == seeded


def test_a_past_date_or_a_half_filled_row_is_refused_and_nothing_saved(client, manager):
    seeded = Questionnaire.objects.get()
    old = [(s.code, s.area, s.text) for s in seeded.statements.all()]
    client.force_login(manager)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page = client.post(
        reverse("progression:questionnaire_new"), _post_data(old, valid_from=yesterday)
    ).content.decode()
    assert "En ny version kan ikke gælde fra en dato i fortiden." in page
    half = [*old, ("", "plan", "Uden kode")]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page = client.post(
        reverse("progression:questionnaire_new"), _post_data(half, valid_from=tomorrow)
    ).content.decode()
    assert "Udfyld kode, område og udsagn, eller ingen af dem." in page
    assert Questionnaire.objects.count() == 1
