"""Every log-in, failed log-in, lock-out and log-out is an audit record; never the password."""

import pytest

from mikrolaan.accounts.tests.factories import PASSWORD
from mikrolaan.audit.models import Action, AuditRecord

pytestmark = pytest.mark.django_db


def test_log_in_and_log_out_are_recorded_with_the_address(hardened, client, sign_in, evaluator):
    sign_in("ev", PASSWORD, ip="10.9.8.7")
    login = AuditRecord.objects.get(action=Action.LOGIN)
    assert login.user == evaluator
    assert "10.9.8.7" in login.what

    client.post("/logout/", REMOTE_ADDR="10.9.8.7")
    logout = AuditRecord.objects.get(action=Action.LOGOUT)
    assert logout.user == evaluator


def test_failed_log_ins_and_the_lock_out_are_recorded_without_the_password(
    hardened, sign_in, evaluator
):
    for _ in range(5):
        sign_in("ev", "secret-guess-4711", ip="10.1.1.1")
    failed = AuditRecord.objects.filter(action=Action.LOGIN_FAILED)
    assert failed.count() == 5
    assert all("'ev'" in r.what and "10.1.1.1" in r.what for r in failed)
    lockout = AuditRecord.objects.get(action=Action.LOCKOUT)
    assert "'ev'" in lockout.what and "10.1.1.1" in lockout.what

    sign_in("ev", PASSWORD, ip="10.1.1.1")  # refused while locked: recorded as a failure
    assert AuditRecord.objects.filter(action=Action.LOGIN_FAILED).count() == 6
    assert not AuditRecord.objects.filter(action=Action.LOGIN).exists()
    for record in AuditRecord.objects.all():
        assert "secret-guess" not in record.what and PASSWORD not in record.what
