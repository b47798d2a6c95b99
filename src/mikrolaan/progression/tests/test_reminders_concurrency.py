"""Two reminder rounds at once (PostgreSQL): one letter per point, whichever wins."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from mikrolaan.cases.tests.factories import referred_case
from mikrolaan.letters.models import Letter
from mikrolaan.progression.models import AssessmentReminder
from mikrolaan.progression.reminders import remind_due_assessments

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_rounds_at_once_send_each_letter_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    today = timezone.localdate()
    for _ in range(3):
        referred_case(referred_on=today - dt.timedelta(days=2))
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def worker():
        try:
            barrier.wait()
            sent.append(remind_due_assessments(today))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sent) == 3
    assert AssessmentReminder.objects.count() == 3
    assert Letter.objects.filter(reference__startswith="assessment:").count() == 3
