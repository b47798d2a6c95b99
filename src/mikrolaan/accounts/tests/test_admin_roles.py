"""Roles change only through the system's rules, and the admin is no way round them."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from mikrolaan.accounts.models import User
from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

# Apps whose models hold citizens' data or the record of it: none may be in the admin.
PERSONAL_DATA_APPS = {
    "people", "cases", "courses_participation", "budgets", "decisions", "loans", "banking",
    "servicing", "letters", "outcomes", "audit", "interchange",
}  # fmt: skip


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", administrator=True)


def _change_form(user):
    """What the admin's user change form posts back when nothing is touched."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "_save": "Gem",
    }


def _role_url(user):
    return reverse("admin:accounts_user_role", args=[user.pk])


def test_the_admin_cannot_edit_role_unit_or_superuser_flags_directly(
    client, administrator, benefits_caseworker, unit
):
    client.force_login(administrator)
    for target in [administrator, benefits_caseworker]:
        data = {
            **_change_form(target),
            "role": Role.BENEFITS_CASEWORKER if target == administrator else Role.EVALUATOR,
            "unit": unit.pk,
            "is_staff": "on",
            "is_superuser": "on",
        }
        response = client.post(reverse("admin:accounts_user_change", args=[target.pk]), data)
        assert response.status_code == 302
    administrator.refresh_from_db()
    benefits_caseworker.refresh_from_db()
    assert (administrator.role, administrator.unit) == (Role.ADMINISTRATOR, None)
    assert (benefits_caseworker.role, benefits_caseworker.unit) == (Role.BENEFITS_CASEWORKER, None)
    assert not (benefits_caseworker.is_staff or benefits_caseworker.is_superuser)


def test_nobody_changes_their_own_role_in_the_admin(client, administrator):
    client.force_login(administrator)
    response = client.post(
        _role_url(administrator),
        {"role": Role.BENEFITS_CASEWORKER, "why": "Jeg vil se sagerne"},
        follow=True,
    )
    assert "Ingen kan ændre sin egen rolle" in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR
    assert not AuditRecord.objects.filter(object_type="accounts.User", action="change").exists()


def test_a_role_change_in_the_admin_goes_through_the_service_with_a_reason(
    client, administrator, evaluator, unit
):
    client.force_login(administrator)
    page = client.get(_role_url(evaluator))
    assert page.status_code == 200
    refused = client.post(_role_url(evaluator), {"role": Role.JOB_CONSULTANT, "unit": unit.pk})
    assert refused.status_code == 200  # the form again: the reason is required
    evaluator.refresh_from_db()
    assert evaluator.role == Role.EVALUATOR

    response = client.post(
        _role_url(evaluator),
        {"role": Role.JOB_CONSULTANT, "unit": unit.pk, "why": "Ny stilling i jobcentret"},
    )
    assert response.status_code == 302
    evaluator.refresh_from_db()
    assert (evaluator.role, evaluator.unit) == (Role.JOB_CONSULTANT, unit)
    (record,) = AuditRecord.objects.filter(object_type="accounts.User", action="change")
    assert record.user == administrator  # who
    assert record.object_id == str(evaluator.pk)  # whose
    assert record.what == f"role evaluator -> job_consultant; unit - -> {unit.code}"  # from, to
    assert record.why == "Ny stilling i jobcentret"  # why


def test_no_personal_data_is_in_the_admin():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert not registered & PERSONAL_DATA_APPS
    assert apps.get_model("people", "Citizen") not in admin.site._registry


def test_an_administrator_sees_no_case_data_whatever_its_flags(client, administrator, unit):
    from mikrolaan.cases.models import Case
    from mikrolaan.cases.tests.factories import referred_case
    from mikrolaan.people.models import Citizen

    case = referred_case(unit=unit)
    assert administrator.is_superuser
    assert not Case.objects.for_user(administrator).exists()
    assert not Citizen.objects.for_user(administrator).exists()
    client.force_login(administrator)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code in {403, 404}
    assert client.get(reverse("reports:index")).status_code == 403
    assert case.citizen.cpr not in client.get(reverse("admin:index")).content.decode()


def test_only_someone_else_can_give_the_administrator_a_case_role(
    client, administrator, project_leader
):
    other_admin = UserFactory(username="admin2", administrator=True)
    client.force_login(other_admin)
    client.post(
        _role_url(administrator),
        {"role": Role.BENEFITS_CASEWORKER, "why": "Vikar for ydelsesmedarbejder"},
    )
    assert User.objects.get(pk=administrator.pk).role == Role.BENEFITS_CASEWORKER


def test_every_user_change_in_the_admin_reaches_the_audit_log(
    client, administrator, benefits_caseworker
):
    client.force_login(administrator)
    data = {**_change_form(benefits_caseworker), "first_name": "Lone"}
    data.pop("is_active")  # deactivated
    client.post(reverse("admin:accounts_user_change", args=[benefits_caseworker.pk]), data)
    client.post(
        reverse("admin:auth_user_password_change", args=[benefits_caseworker.pk]),
        {"password1": "Et-nyt-kodeord-42", "password2": "Et-nyt-kodeord-42"},
    )
    whats = set(
        AuditRecord.objects.filter(
            user=administrator, object_id=str(benefits_caseworker.pk)
        ).values_list("what", flat=True)
    )
    assert whats == {
        "user changed in the admin: first_name, is_active",
        "password set in the admin",
    }


def test_a_user_created_in_the_admin_has_no_role_until_given_one(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "ny-medarbejder",
            "usable_password": "true",
            "password1": "Et-nyt-kodeord-42",
            "password2": "Et-nyt-kodeord-42",
            "role": Role.BENEFITS_CASEWORKER,  # not a field of the form: ignored
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="ny-medarbejder")
    assert (created.role, created.is_superuser, created.is_staff) == ("", False, False)
    assert AuditRecord.objects.filter(
        user=administrator, action="create", object_id=str(created.pk)
    ).exists()


def test_the_first_administrator_gets_its_role_from_the_server(db):
    import io

    from django.core.management import CommandError, call_command

    first = UserFactory(username="foerste", role="", is_staff=True, is_superuser=True)
    out = io.StringIO()
    call_command("set_role", "foerste", "administrator", why="Installation", stdout=out)
    assert "foerste har nu rollen Administrator" in out.getvalue()
    first.refresh_from_db()
    assert first.role == Role.ADMINISTRATOR
    (record,) = AuditRecord.objects.filter(object_id=str(first.pk))
    assert (record.user, record.why) == (None, "Installation")  # the system acted
    with pytest.raises(CommandError, match="ingen bruger ved navn nogen"):
        call_command("set_role", "nogen", "administrator", why="x")
