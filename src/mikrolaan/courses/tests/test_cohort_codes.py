"""Cohort codes keep to letters, digits, '-', '_', '.' and spaces, starting with a letter or
a digit: refused at the form and the service with a Danish message, nothing created."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mikrolaan.audit.models import AuditRecord
from mikrolaan.courses.models import Cohort
from mikrolaan.courses.services import create_cohort

pytestmark = pytest.mark.django_db

MESSAGE = (
    "Koden må kun indeholde bogstaver, cifre, &#x27;-&#x27;, &#x27;_&#x27;, &#x27;.&#x27; og "
    "mellemrum og skal begynde med et bogstav eller et ciffer."
)


def _post(client, code):
    return client.post(
        reverse("courses:cohorts"),
        {
            "code": code,
            "main_course_start": "2027-05-03",
            "main_course_end": "2027-10-29",
            "capacity": "12",
        },
    )


@pytest.mark.parametrize("code", ['=HYPERLINK("//e.vl")', "+M1", "-1", "@A", "M1;2", "M<1>"])
def test_a_code_outside_the_safe_set_is_refused(client, project_leader, code):
    client.force_login(project_leader)
    response = _post(client, code)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not Cohort.objects.exists()


@pytest.mark.parametrize("code", ["M10", "Hold Å-2", "2027.1_b", "Forår æøå"])
def test_ordinary_codes_are_accepted(client, project_leader, code):
    client.force_login(project_leader)
    assert _post(client, code).status_code == 302
    assert Cohort.objects.get().code == code


def test_the_service_refuses_an_unsafe_code(project_leader):
    records = AuditRecord.objects.count()
    with pytest.raises(ValidationError) as caught:
        create_cohort(
            code="=1+1",
            pre_course_start=None,
            main_course_start=dt.date(2027, 5, 3),
            main_course_end=dt.date(2027, 10, 29),
            acting_user=project_leader,
        )
    assert list(caught.value.message_dict) == ["code"]
    assert not Cohort.objects.exists() and AuditRecord.objects.count() == records


def test_the_admin_form_keeps_codes_safe_too():
    from mikrolaan.courses.admin import CohortAdminForm

    data = {"code": "=1+1", "main_course_start": "2027-05-03", "main_course_end": "2027-10-29"}
    form = CohortAdminForm(data | {"capacity": "12"})
    assert not form.is_valid() and list(form.errors) == ["code"]
    assert CohortAdminForm(data | {"code": "M11", "capacity": "12"}).is_valid()
