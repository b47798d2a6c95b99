"""Role changes are recorded, also when an administrator makes them in Django's admin."""

import pytest
from django.urls import reverse

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.audit.models import Action, AuditRecord

pytestmark = pytest.mark.django_db


def _admin_form_data(client, user) -> dict:
    form = (
        client.get(reverse("admin:accounts_user_change", args=[user.pk])).context["adminform"].form
    )
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name == "password":
            continue
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif hasattr(value, "strftime") and hasattr(value, "hour"):
            data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%Y-%m-%d %H:%M:%S").split()
        else:
            data[name] = getattr(value, "pk", value)
    return data


def test_a_role_change_in_the_admin_goes_through_change_role(client, unit):
    admin = UserFactory(username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    person = UserFactory(username="kirsten", role=Role.JOB_CONSULTANT, unit=unit)
    client.force_login(admin)
    data = _admin_form_data(client, person)
    data.update(role=Role.PROJECT_LEADER, unit="", is_staff="on")
    response = client.post(reverse("admin:accounts_user_change", args=[person.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.role == Role.PROJECT_LEADER and person.unit is None and person.is_staff
    records = AuditRecord.objects.filter(
        user=admin, action=Action.CHANGE, object_type="accounts.User", object_id=str(person.pk)
    )
    whats = sorted(records.values_list("what", flat=True))
    assert whats == [
        "access: is_staff",
        f"role job_consultant -> project_leader; unit {unit.code} -> -",
    ]


def test_nobody_changes_their_own_role_in_the_admin(client):
    admin = UserFactory(username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    form = (
        client.get(reverse("admin:accounts_user_change", args=[admin.pk])).context["adminform"].form
    )
    assert "role" not in form.fields and "unit" not in form.fields
