import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mikrolaan.loans.tests.factories import granted_loan
from mikrolaan.policy.models import LoanPolicy
from mikrolaan.policy.services import PolicyError, add_policy_version

pytestmark = pytest.mark.django_db


def _fields(**overrides):
    base = LoanPolicy.objects.order_by("-valid_from").first()
    data = {
        f.name: getattr(base, f.name)
        for f in LoanPolicy._meta.fields
        if f.name not in ("id", "recorded_at", "recorded_by")
    }
    data.update(overrides)
    return data


def test_a_new_version_applies_to_new_grants_only(manager):
    old_loan = granted_loan()
    start = timezone.localdate() + dt.timedelta(days=1)
    new = add_policy_version(
        acting_user=manager,
        **_fields(
            valid_from=start, name="Mikrolån 4.0", max_amount=Decimal("60000.00"), term_months=60
        ),
    )
    assert LoanPolicy.in_force(start) == new
    old_loan.refresh_from_db()
    assert old_loan.policy.name == "Mikrolån 3.0" and old_loan.term_months == 84


def test_versions_are_never_back_dated(manager):
    with pytest.raises(PolicyError):
        add_policy_version(acting_user=manager, **_fields(valid_from=dt.date(2020, 1, 1)))


def test_only_administrators_and_managers_see_the_policy_page(client, finance_clerk, manager):
    client.force_login(finance_clerk)
    assert client.get(reverse("policy:list")).status_code == 403
    client.force_login(manager)
    response = client.post(
        reverse("policy:new"),
        {
            **{
                k: v
                for k, v in _fields(
                    valid_from=timezone.localdate() + dt.timedelta(days=30), name="Mikrolån 4.0"
                ).items()
                if v is not None
            },
        },
    )
    assert response.status_code == 302
    assert LoanPolicy.objects.filter(name="Mikrolån 4.0").exists()
