"""Support-status events on the case timeline read in the reader's language, whatever the
language of whoever recorded them (issue 9)."""

import datetime as dt

import pytest
from django.utils import translation

from mikrolaan.cases.page import event_summary
from mikrolaan.outcomes import services

pytestmark = pytest.mark.django_db


def _summaries(case):
    with translation.override("da"):
        return [event_summary(e) for e in case.events.filter(kind="support_spell").order_by("pk")]


def test_spells_recorded_in_english_read_in_danish(a_case, project_leader):
    with translation.override("en"):
        spell = services.record_spell(
            a_case.citizen,
            status="self_supporting_business",
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 3, 31),
            source="Borgeren",
            acting_user=project_leader,
        )
        new = services.correct_spell(
            spell,
            status="public_support",
            start=dt.date(2026, 1, 1),
            end=None,
            source="Jobcentret",
            why="Forkert status",
            acting_user=project_leader,
        )
        services.withdraw_spell(new, why="Fejl", acting_user=project_leader)
    summaries = _summaries(a_case)
    assert len(summaries) == 3
    assert not any("still running" in s or "Corrected" in s or "Withdrawn" in s for s in summaries)
    assert summaries == [
        "»Selvforsørgende gennem virksomheden« 01.01.2026 – 31.03.2026",
        "Rettet: »Selvforsørgende gennem virksomheden« 01.01.2026 – 31.03.2026 → "
        "»På offentlig forsørgelse« 01.01.2026 – stadig løbende",
        "Trukket tilbage: »På offentlig forsørgelse« 01.01.2026 – stadig løbende",
    ]
