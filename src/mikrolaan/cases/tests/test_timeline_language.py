"""The timeline is shown in the reader's language, whatever language the event was written in:
summaries are rendered from the event's kind and data (issue 9: no stored English shown)."""

import datetime as dt

import pytest
from django.utils import translation

from mikrolaan.cases.services import close_as_registered_in_error, correct_event
from mikrolaan.cases.tests.factories import referred_case
from mikrolaan.cases.timeline import timeline
from mikrolaan.decisions.tests.factories import granted_decision

pytestmark = pytest.mark.django_db


def summaries(case) -> dict[str, list[str]]:
    with translation.override("da"):
        items = timeline(case)
        found = {}
        for item in items:
            found.setdefault(item["event"].kind, []).append(item["summary"])
            found.setdefault(f"{item['event'].kind} details", []).extend(
                str(label) for label, _value in item["details"]
            )
    return found


def test_a_correction_made_in_english_reads_in_danish(project_leader):
    case = referred_case(referred_on=dt.date(2026, 11, 2))
    with translation.override("en"):
        correction = correct_event(
            case.events.get(kind="referral"),
            field="idea",
            value="Cykelværksted med udlejning.",
            why="Stavefejl.",
            occurred_on=dt.date(2026, 11, 3),
            acting_user=project_leader,
        )
        close_as_registered_in_error(case, why="Dobbelt henvist.", acting_user=project_leader)
    assert correction.summary == "Referral: the business idea in a few lines corrected"
    shown = summaries(case)
    assert shown["correction"] == ["Henvisning: forretningsidéen med få ord rettet"]
    assert shown["registered_in_error"] == ["Registreret ved en fejl"]


def test_decision_events_written_in_english_read_in_danish(project_leader, benefits_caseworker):
    with translation.override("en"):
        case = granted_decision(project_leader, benefits_caseworker).case
    assert case.events.get(kind="loan_granted").summary.startswith("Loan of ")
    shown = summaries(case)
    assert shown["grant_approved"][0].startswith("Lånebevilling godkendt af ")
    assert shown["loan_granted"][0].startswith("Lån på ")
    assert shown["loan_granted"][0].endswith(" kr. bevilget")
    assert shown["decision"][0].startswith("Runde 1: grøn")
    assert shown["budget_submitted"][0].startswith("Budgetversion 1 indsendt; lånebehov ")


def test_a_conversation_logged_in_english_reads_in_danish(project_leader):
    from mikrolaan.courses.services import log_conversation

    case = referred_case(referred_on=dt.date(2026, 11, 2))
    with translation.override("en"):
        conversation = log_conversation(
            case,
            kind="individual",
            held_on=dt.date(2026, 11, 20),
            duration_minutes=45,
            place="Café Møllen",
            today=dt.date(2026, 11, 30),
            acting_user=project_leader,
        )
    assert conversation.event.summary.startswith("Individual conversation")
    assert summaries(case)["conversation"] == ["Individuel samtale (projektleder), Café Møllen"]
