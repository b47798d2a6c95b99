"""Demo: support spells for citizens who have been through a cohort.

Uses whatever cohorts, cases and loans the other demo loaders created (it runs after them);
with none it does nothing. Borrowers get a realistic mix: self-supporting through the
business (some for years), moving on to a job or education, some back on public support,
and a few with nothing recorded yet, so the project leader's start-page panel has work.
"""

from __future__ import annotations

import datetime as dt

from mikrolaan.core.dates import add_months
from mikrolaan.outcomes import services

# Where a dropout went (cases.constants.DropoutDestination) → the support status after it.
DESTINATION_STATUS = {
    "job": "self_supporting_job",
    "education": "self_supporting_education",
    "business_without_loan": "self_supporting_business",
}
SOURCES = ["CVR-registret", "eIndkomst", "Borgeren", "Ydelsessystemet", "Jobkonsulent"]


def _leader(ctx):
    try:
        return ctx.user("project_leader")
    except LookupError:
        return None


def populate(ctx) -> None:
    from mikrolaan.cases.models import CaseEvent
    from mikrolaan.courses.models import Participation, ParticipationStatus
    from mikrolaan.loans.models import Loan
    from mikrolaan.outcomes.funnel import DROPOUT_DESTINATION_KEY, KIND_DROPOUT
    from mikrolaan.outcomes.models import SupportSpell

    today = ctx.today
    rng = ctx.rng
    user = _leader(ctx)
    has_spells = set(SupportSpell.objects.values_list("citizen_id", flat=True))
    done = set()

    def add(citizen, status, start, end=None, source=None):
        if start > today or (end is not None and end < start):
            return None
        return services.record_spell(
            citizen,
            status=status,
            start=start,
            end=min(end, today) if end else None,
            source=source or rng.choice(SOURCES),
            acting_user=user,
        )

    loans = (
        Loan.objects.filter(disbursed_on__lte=today, cohort__isnull=False)
        .select_related("citizen", "cohort")
        .order_by("disbursed_on", "pk")
    )
    corrected_one = False
    for loan in loans:
        citizen = loan.citizen
        if citizen.pk in has_spells or citizen.pk in done:
            continue
        done.add(citizen.pk)
        own = Participation.objects.filter(case__citizen=citizen, cohort=loan.cohort).first()
        end = own.course_end if own else loan.cohort.main_course_end
        start = end + dt.timedelta(days=1)
        if start > today:
            continue
        roll = rng.random()
        if roll < 0.12:
            continue  # nothing recorded yet: shows on the project leader's start page
        if roll < 0.5:
            spell = add(citizen, "self_supporting_business", start, source="CVR-registret")
            if spell and not corrected_one and start < today - dt.timedelta(days=60):
                # A correction: the business actually started two weeks later.
                services.correct_spell(
                    spell,
                    status="self_supporting_business",
                    start=start + dt.timedelta(days=14),
                    end=None,
                    source="CVR-registret",
                    why="CVR-nummeret blev først aktivt to uger efter forløbet.",
                    acting_user=user,
                )
                add(citizen, "public_support", start, start + dt.timedelta(days=13))
                corrected_one = True
        elif roll < 0.65:
            switch = add_months(start, rng.randint(8, 30))
            add(citizen, "self_supporting_business", start, switch - dt.timedelta(days=1))
            add(citizen, "self_supporting_job", switch, source="eIndkomst")
        elif roll < 0.75:
            switch = add_months(start, rng.randint(3, 12))
            add(citizen, "self_supporting_business", start, switch - dt.timedelta(days=1))
            add(citizen, "self_supporting_education", switch, source="Borgeren")
        else:
            # Back on public support: the business closed and its assets were sold.
            switch = add_months(start, rng.randint(4, 20))
            add(citizen, "self_supporting_business", start, switch - dt.timedelta(days=1))
            add(citizen, "public_support", switch, source="Ydelsessystemet")

    # Participants who completed without a loan, and those who left for a job, an education,
    # a business without a loan or back to public support (as their dropout recorded it).
    dropouts = {
        e["case_id"]: e
        for e in CaseEvent.objects.filter(kind=KIND_DROPOUT)
        .order_by("occurred_on", "pk")
        .values("case_id", "pk")
    }
    for dropout in CaseEvent.objects.filter(
        pk__in=[e["pk"] for e in dropouts.values()]
    ).select_related("case__citizen"):
        citizen = dropout.case.citizen
        if citizen.pk in has_spells or citizen.pk in done:
            continue
        done.add(citizen.pk)
        destination = (dropout.data or {}).get(DROPOUT_DESTINATION_KEY)
        status = DESTINATION_STATUS.get(destination, "public_support")
        add(citizen, status, dropout.occurred_on + dt.timedelta(days=1), source="Borgeren")
    for p in (
        Participation.objects.filter(status=ParticipationStatus.COMPLETED)
        .select_related("case__citizen", "cohort")
        .order_by("pk")
    ):
        citizen = p.case.citizen
        if citizen.pk in has_spells or citizen.pk in done:
            continue
        done.add(citizen.pk)
        status = rng.choice(["self_supporting_job", "self_supporting_education", "public_support"])
        add(citizen, status, p.course_end + dt.timedelta(days=1))
