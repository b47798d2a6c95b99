"""The citizen answers the self-assessment on their own page: saved with the channel
*citizen* and an audit record by the citizen; only open points of their own case; never from a
staff session. (Another citizen's case id: ``test_scoping``.)"""

import html
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mikrolaan.accounts.roles import Role
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.cases.tests.factories import staff
from mikrolaan.progression.constants import Channel, Point
from mikrolaan.progression.models import Assessment
from mikrolaan.progression.tests.factories import codes
from mikrolaan.selfservice.tests.factories import borrower, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def anne(tmp_path):
    """A borrower whose referral point is overdue (open); her later points are not known."""
    loan, _letter, _ = borrower(tmp_path)
    return loan.case


def url(case, point=Point.REFERRAL):
    return reverse("selfservice:assessment", kwargs={"pk": case.pk, "point": point})


def all_scores(score=4):
    return {f"score_{code}": str(score) for code in codes(timezone.localdate())}


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_the_citizen_answers_on_their_page_and_sees_their_answers(client, anne):
    sign_in(client, anne.citizen)
    home = text(client.get(reverse("selfservice:home")))
    # What the reminder letter tells the citizen to do is what the page shows.
    letter = render_to_string(
        "progression/letters/reminder.html", {"point": {"label": "Ved henvisning"}}
    )
    assert 'vælg "Selvvurdering"' in letter and '"Svar på selvvurderingen"' in " ".join(
        letter.split()
    )
    assert ">Selvvurdering</a>" in home and ">Selvvurdering</h2>" in home
    assert "Svar på selvvurderingen" in home and url(anne) in home

    form = client.get(url(anne))
    assert form.status_code == 200
    assert text(form).count('data-testid="statement"') == len(codes(timezone.localdate()))

    scores = all_scores(4)
    missing = client.post(url(anne), dict(list(scores.items())[1:]))
    assert missing.status_code == 400 and not Assessment.objects.exists()

    before = AuditRecord.objects.count()
    saved = client.post(url(anne), scores)
    assert saved.status_code == 302
    assessment = Assessment.objects.get(case=anne)
    assert (assessment.point, assessment.channel, assessment.recorded_by) == (
        Point.REFERRAL,
        Channel.CITIZEN,
        None,
    )
    assert assessment.answered_on == timezone.localdate()
    assert sorted(assessment.answers.values_list("score", flat=True)) == [4] * len(scores)
    record = AuditRecord.objects.filter(pk__gt=before, action=Action.CREATE).get(by_citizen=True)
    assert (record.citizen_id, record.user_id) == (anne.citizen_id, None)

    # Her answers on her page, and the point is no longer open.
    home = text(client.get(reverse("selfservice:home")))
    assert "Dine svar indtil nu" in home and "Ved henvisning<br>" in home
    assert url(anne) not in home
    again = client.post(url(anne), all_scores(2))
    assert again.status_code == 302 and Assessment.objects.count() == 1


def test_a_point_not_open_is_refused_and_a_staff_session_cannot_answer(client, anne):
    sign_in(client, anne.citizen)
    for point in (Point.PRE_COURSE_END, "no-such-point"):
        response = client.post(url(anne, point), all_scores())
        assert response.status_code == 302, point
    assert not Assessment.objects.exists()

    client.logout()
    client.force_login(staff(Role.PROJECT_LEADER))
    for method in (client.get, client.post):
        response = method(url(anne), all_scores())
        assert response.status_code == 403
        assert 'data-testid="staff-not-citizen"' in response.content.decode()
    assert not Assessment.objects.exists()
