"""Names that a spreadsheet would run as a formula are refused at the form and the service,
with a Danish message on the field, and nothing is registered or changed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mikrolaan.audit.models import AuditRecord
from mikrolaan.cases.forms import CitizenContactForm
from mikrolaan.people.models import Citizen
from mikrolaan.people.services import register_citizen, update_citizen
from mikrolaan.people.tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

MESSAGE = (
    "Teksten må ikke begynde med =, +, -, @, et tabulatortegn eller et linjeskift "
    "(et regneark ville læse det som en formel)."
)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", '=HYPERLINK("//e.vl")'),
        ("last_name", "=cmd|' /C calc'!A0"),
        ("last_name", "+1+1"),
        ("first_name", "@SUM(A1)"),
        ("first_name", "-2+3"),
        ("address", "=1+2"),
    ],
)
def test_the_registration_form_refuses_a_formula(client, job_consultant, field, value):
    client.force_login(job_consultant)
    data = {"cpr": "120478-1235", "first_name": "Jonas", "last_name": "Holm"}
    data[field] = value
    response = client.post(reverse("cases:citizen_new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert MESSAGE.replace("'", "&#x27;") in html or MESSAGE in html
    assert not Citizen.objects.exists()


def test_a_name_with_a_hyphen_inside_is_fine(client, job_consultant):
    client.force_login(job_consultant)
    client.post(
        reverse("cases:citizen_new"),
        {"cpr": "120478-1235", "first_name": "Anne-Mette", "last_name": "Ø. Holm"},
    )
    assert Citizen.objects.get().first_name == "Anne-Mette"


def test_the_services_refuse_a_formula_too(job_consultant, unit):
    with pytest.raises(ValidationError) as caught:
        register_citizen(
            cpr="120478-1235",
            first_name="=1+1",
            last_name="Holm",
            unit=unit,
            acting_user=job_consultant,
        )
    assert caught.value.message_dict == {"first_name": [MESSAGE]}
    assert not Citizen.objects.exists()
    citizen = CitizenFactory(address="Vej 1")
    records = AuditRecord.objects.count()
    with pytest.raises(ValidationError):
        update_citizen(citizen, address="@evil", why="flyttet", acting_user=job_consultant)
    citizen.refresh_from_db()
    assert citizen.address == "Vej 1" and AuditRecord.objects.count() == records


def test_the_contact_form_refuses_a_formula_address():
    form = CitizenContactForm({"address": "=HYPERLINK(1)", "why": "flyttet"})
    assert not form.is_valid()
    assert form.errors == {"address": [MESSAGE]}
