"""Two people of the same role sign at the same moment: exactly one signature is recorded."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.decisions.services import approve_grant
from mikrolaan.decisions.tests.factories import DAY, green_decision

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_concurrent_signatures_by_one_role_record_one(project_leader):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    decision = green_decision(project_leader)
    leaders = [project_leader, UserFactory(username="pl-b", role="project_leader")]
    barrier = threading.Barrier(len(leaders))
    outcomes = []

    def sign(user):
        try:
            barrier.wait()
            approve_grant(decision, approved_on=DAY, acting_user=user)
            outcomes.append("signed")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(u,)) for u in leaders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "signed"]
    assert decision.approvals.count() == 1
