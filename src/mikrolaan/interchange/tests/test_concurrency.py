"""Two imports of the same bundle at once: one writes, the other finds nothing to change."""

import threading

import pytest
from django.db import connection, connections

from mikrolaan.interchange.services import import_bundle
from mikrolaan.people.models import Citizen

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_concurrent_imports_of_the_same_bundle(good_bundle):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions")
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(import_bundle(good_bundle).changed)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(results) == [False, True]
    assert Citizen.objects.count() == 2
