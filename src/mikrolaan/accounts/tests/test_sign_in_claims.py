"""From the identity provider's claims to a Mikrolån user: ``accounts.services.sign_in_staff``."""

import pytest

from mikrolaan.accounts.models import User
from mikrolaan.accounts.oidc import ProviderConfig
from mikrolaan.accounts.services import SignInRefused, sign_in_staff
from mikrolaan.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

CONFIG = ProviderConfig(
    name="staff",
    issuer="https://login.kommune.example",
    username_claim="sub",
    role_claim="role",
    unit_claim="unit",
    break_glass_user="nødadmin",
)


def claims(**extra):
    return {
        "sub": "a1b2c3",
        "given_name": "Karen",
        "family_name": "Holm",
        "email": "kaho@kommune.example",
        **extra,
    }


def records_about(user):
    return AuditRecord.objects.filter(object_type="accounts.User", object_id=str(user.pk))


def test_first_sign_in_creates_the_user_with_role_and_unit_and_audits_it(unit):
    user = sign_in_staff(claims(role="job_consultant", unit="dagpenge"), config=CONFIG)

    user.refresh_from_db()
    assert (user.username, user.first_name, user.last_name) == ("a1b2c3", "Karen", "Holm")
    assert (user.role, user.unit) == ("job_consultant", unit)
    assert not user.has_usable_password()
    whys = set(records_about(user).values_list("action", "why"))
    assert ("create", "sign-in claims from the identity provider") in whys
    change = records_about(user).get(action="change")
    assert change.what == "role - -> job_consultant; unit - -> dagpenge"
    assert change.user is None


def test_next_sign_in_follows_new_claims_through_change_role(unit, other_unit):
    user = sign_in_staff(claims(role="job_consultant", unit="dagpenge"), config=CONFIG)
    before = records_about(user).count()

    again = sign_in_staff(claims(role="knowledge_person", unit="integration"), config=CONFIG)

    assert again.pk == user.pk
    again.refresh_from_db()
    assert (again.role, again.unit) == ("knowledge_person", other_unit)
    new = records_about(user).order_by("pk")[before:]
    assert [r.what for r in new] == [
        "role job_consultant -> knowledge_person; unit dagpenge -> integration"
    ]


def test_unchanged_claims_write_nothing(unit):
    user = sign_in_staff(claims(role="project_leader"), config=CONFIG)
    before = records_about(user).count()
    sign_in_staff(claims(role="project_leader"), config=CONFIG)
    assert records_about(user).count() == before


def test_a_list_of_claim_values_through_the_role_map():
    config = ProviderConfig(
        name="staff",
        role_claim="roles",
        role_map={"MIK-Okonomi": "finance_clerk", "MIK-Leder": "manager"},
    )
    user = sign_in_staff(claims(roles=["Other-App", "MIK-Okonomi"]), config=config)
    assert user.role == "finance_clerk"
    # With a map, Mikrolån's own role names are not accepted as they are.
    with pytest.raises(SignInRefused):
        sign_in_staff(claims(sub="x9", roles=["project_leader"]), config=config)


@pytest.mark.parametrize(
    ("extra", "danish"),
    [
        ({"role": "astronaut"}, "ingen rolle i Mikrolån"),
        ({}, "ingen rolle i Mikrolån"),
        ({"role": ["project_leader", "manager"]}, "mere end én rolle"),
        ({"role": "job_consultant", "unit": "nowhere"}, "ingen enhed, som Mikrolån kender"),
        ({"role": "knowledge_person"}, "ingen enhed, som Mikrolån kender"),
        ({"sub": "", "role": "manager"}, "oplyste ikke, hvem du er"),
    ],
    ids=["unknown role", "no role", "two roles", "unknown unit", "no unit", "no user name"],
)
def test_claims_that_make_no_user_are_refused_in_danish_and_create_nothing(extra, danish, unit):
    users_before, audit_before = User.objects.count(), AuditRecord.objects.count()
    with pytest.raises(SignInRefused) as refused:
        sign_in_staff(claims(**extra), config=CONFIG)
    assert danish in refused.value.message
    assert User.objects.count() == users_before
    assert AuditRecord.objects.count() == audit_before


def test_an_unknown_role_leaves_an_existing_users_role_alone(unit):
    user = sign_in_staff(claims(role="job_consultant", unit="dagpenge"), config=CONFIG)
    with pytest.raises(SignInRefused):
        sign_in_staff(claims(role="astronaut"), config=CONFIG)
    user.refresh_from_db()
    assert user.role == "job_consultant"


def test_the_break_glass_administrator_is_not_taken_over_through_the_provider():
    with pytest.raises(SignInRefused):
        sign_in_staff(claims(sub="nødadmin", role="administrator"), config=CONFIG)


def test_a_user_deactivated_in_mikrolaan_stays_out():
    user = sign_in_staff(claims(role="evaluator"), config=CONFIG)
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(SignInRefused):
        sign_in_staff(claims(role="evaluator"), config=CONFIG)
