import pytest
from django.core.exceptions import ValidationError

from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.people.services import register_citizen, update_citizen

pytestmark = pytest.mark.django_db


def test_register_derives_birth_date_and_gender_and_is_audited(job_consultant, unit):
    citizen = register_citizen(
        cpr="010190-2001",
        first_name="Sara",
        last_name="Lund",
        unit=unit,
        acting_user=job_consultant,
    )
    assert citizen.birth_year == 1990 and citizen.gender == "M"
    assert AuditRecord.objects.filter(action=Action.CREATE, citizen=citizen).exists()


def test_a_cpr_number_is_registered_once(job_consultant, unit):
    register_citizen(cpr="0101902001", first_name="A", unit=unit, acting_user=job_consultant)
    with pytest.raises(ValidationError) as err:
        register_citizen(cpr="010190-2001", first_name="B", unit=unit, acting_user=job_consultant)
    assert "cpr" in err.value.message_dict


def test_a_change_needs_a_reason_and_is_logged_with_what_changed(job_consultant, unit):
    citizen = register_citizen(
        cpr="0101902001", first_name="A", unit=unit, acting_user=job_consultant
    )
    with pytest.raises(ValidationError) as err:
        update_citizen(citizen, phone="12345678", why="", acting_user=job_consultant)
    assert "why" in err.value.message_dict
    update_citizen(citizen, phone="12345678", why="Nyt nummer", acting_user=job_consultant)
    record = AuditRecord.objects.get(action=Action.CHANGE, citizen=citizen)
    assert record.what == "changed: phone" and record.why == "Nyt nummer"
