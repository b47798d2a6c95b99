import datetime as dt
import threading

import pytest
from django.db import connection

from mikrolaan.outcomes import services
from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.outcomes.tests import factories as f


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_spells_recorded_at_once_only_one_is_kept(unit):
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL's row locks and several connections")
    case = f.case(unit)
    barrier = threading.Barrier(2)
    results = []

    def worker(status, start):
        try:
            barrier.wait()
            services.record_spell(
                case.citizen, status=status, start=start, source="x", acting_user=None
            )
            results.append("recorded")
        except services.SpellError:
            results.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=("public_support", dt.date(2026, 1, 1))),
        threading.Thread(target=worker, args=("self_supporting_job", dt.date(2026, 2, 1))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["recorded", "refused"]
    assert SupportSpell.objects.filter(citizen=case.citizen).count() == 1
