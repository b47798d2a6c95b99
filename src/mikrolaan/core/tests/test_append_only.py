import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import CaseEvent
from mikrolaan.cases.tests.factories import CaseFactory
from mikrolaan.core.models import AppendOnlyError

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(project_leader):
    case = CaseFactory()
    with transaction.atomic():
        return record_event(
            case,
            "note",
            acting_user=project_leader,
            occurred_on=dt.date(2026, 2, 1),
            summary="first",
        )


def test_an_event_cannot_be_changed_through_the_orm(event):
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).update(summary="rewritten")


def test_an_event_cannot_be_deleted_through_the_orm(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_an_update_behind_the_orms_back(event):
    refused = IntegrityError
    with pytest.raises(refused), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET summary = 'x' WHERE id = %s", [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).summary == "first"


def test_a_correction_is_a_new_event_pointing_at_the_old(event, project_leader):
    with transaction.atomic():
        fix = record_event(
            event.case,
            "note",
            acting_user=project_leader,
            occurred_on=dt.date(2026, 2, 1),
            summary="second",
            corrects=event,
            why="typo",
        )
    assert list(event.corrections.all()) == [fix]
    assert CaseEvent.objects.filter(case=event.case).count() == 2
