"""In the admin nobody sees a field to change their own role (accounts/tests/test_admin_roles.py
has the role view with its reason and audit record)."""

import pytest
from django.urls import reverse

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_nobody_changes_their_own_role_in_the_admin(client):
    admin = UserFactory(username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    form = (
        client.get(reverse("admin:accounts_user_change", args=[admin.pk])).context["adminform"].form
    )
    assert "role" not in form.fields and "unit" not in form.fields
