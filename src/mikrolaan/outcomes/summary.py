"""What the case page and the start page show about a citizen's outcomes."""

from __future__ import annotations

import datetime as dt

from mikrolaan.outcomes import rules
from mikrolaan.outcomes.models import SupportSpell, SupportStatus
from mikrolaan.outcomes.services import effective_spells


def course_end_for(citizen) -> dt.date | None:
    """The end of the citizen's main course: the loan's cohort if a borrower, else the latest
    cohort they took part in (their own end date where one is recorded)."""
    from mikrolaan.courses.models import Participation, ParticipationStatus
    from mikrolaan.loans.models import Loan

    loan = Loan.objects.filter(citizen=citizen, cohort__isnull=False).order_by("-pk").first()
    participations = Participation.objects.filter(case__citizen=citizen).select_related("cohort")
    if loan is not None:
        p = participations.filter(cohort=loan.cohort_id).first()
        return p.course_end if p else loan.cohort.main_course_end
    p = (
        participations.exclude(status=ParticipationStatus.MOVED)
        .order_by("-cohort__main_course_start")
        .first()
    )
    return p.course_end if p else None


def citizen_outcomes(citizen, today: dt.date) -> dict:
    spells = list(effective_spells(citizen).select_related("recorded_by"))
    # What was replaced or removed; the removal markers themselves are not listed.
    history = list(
        SupportSpell.objects.filter(citizen=citizen, corrected_by__isnull=False)
        .select_related("recorded_by", "corrected_by")
        .order_by("recorded_at", "pk")
    )
    course_end = course_end_for(citizen)
    first_day = course_end + dt.timedelta(days=1) if course_end else None
    if first_day is None and spells:
        first_day = spells[0].start
    days = rules.self_supporting_days(spells, first_day, today) if first_day else 0
    current = rules.covering(spells, today)
    return {
        "spells": [_row(s, today) for s in spells],
        "history": [
            {
                "spell": s,
                "status": SupportStatus(s.status).label,
                "kind": "withdrawn" if s.corrected_by.withdrawn else "corrected",
                "why": s.corrected_by.why,
            }
            for s in history
        ],
        "timeline": _timeline(spells, course_end, today),
        "course_end": course_end,
        "counted_from": first_day,
        "self_supporting_days": days,
        "current": _row(current, today) if current else None,
    }


def _row(spell, today):
    return {
        "spell": spell,
        "status": SupportStatus(spell.status).label,
        "self_supporting": rules.is_self_supporting(spell),
        "running": spell.end is None or spell.end >= today,
    }


def _timeline(spells, course_end, today):
    """Segments as percentages of the span from the first date shown to today."""
    starts = [s.start for s in spells] + ([course_end] if course_end else [])
    if not starts:
        return None
    first = min(starts)
    last = max([today] + [s.end for s in spells if s.end])
    span = (last - first).days + 1

    def pct(days):
        return round(100 * days / span, 2)

    segments = []
    for s in spells:
        end = min(s.end or last, last)
        segments.append(
            {
                "left": pct((s.start - first).days),
                "width": max(pct((end - s.start).days + 1), 0.5),
                "self_supporting": rules.is_self_supporting(s),
                "label": SupportStatus(s.status).label,
                "spell": s,
            }
        )
    return {
        "first": first,
        "last": last,
        "segments": segments,
        "course_end": pct((course_end - first).days) if course_end else None,
    }
