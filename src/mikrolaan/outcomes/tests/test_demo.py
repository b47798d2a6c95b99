import datetime as dt

import pytest

from mikrolaan.core.demo import DemoContext
from mikrolaan.outcomes import demo, rules
from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.outcomes.services import effective_spells
from mikrolaan.outcomes.tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_demo_does_nothing_without_loans(db):
    demo.populate(DemoContext(today=dt.date(2026, 11, 26)))
    assert not SupportSpell.objects.exists()


def test_the_demo_gives_borrowers_spells_that_never_overlap(unit, project_leader):
    m3 = f.cohort("M3", dt.date(2013, 6, 1), dt.date(2013, 11, 30))
    m9 = f.cohort("M9", dt.date(2026, 9, 1), dt.date(2027, 2, 28))
    cases = [f.case(unit, opened_on=dt.date(2013, 1, 7)) for _ in range(12)]
    for c in cases[:11]:
        f.admit(c, m3, dt.date(2013, 2, 1))
        f.loan(c, m3, dt.date(2013, 7, 1))
    f.admit(cases[11], m9, dt.date(2026, 6, 1))
    f.loan(cases[11], m9, dt.date(2026, 10, 1))
    ctx = DemoContext(today=dt.date(2026, 11, 26))
    ctx.users[project_leader.username] = project_leader
    demo.populate(ctx)
    with_spells = {s.citizen_id for s in SupportSpell.objects.all()}
    assert 5 <= len(with_spells) <= 11
    assert cases[11].citizen_id not in with_spells  # the course has not ended
    for c in cases:
        assert rules.find_overlaps(effective_spells(c.citizen)) == []
    before = SupportSpell.objects.filter(citizen_id__in=with_spells).count()
    demo.populate(ctx)  # a second run adds nothing for people who already have spells
    assert SupportSpell.objects.filter(citizen_id__in=with_spells).count() == before


def test_the_demo_follows_a_dropout_to_where_they_went(unit):
    from mikrolaan.courses.models import ParticipationStatus
    from mikrolaan.outcomes.funnel import KIND_DROPOUT

    m3 = f.cohort("M3", dt.date(2013, 6, 1), dt.date(2013, 11, 30))
    c = f.case(unit, opened_on=dt.date(2013, 1, 7))
    f.admit(c, m3, dt.date(2013, 2, 1), status=ParticipationStatus.DROPPED_OUT)
    f.event(c, KIND_DROPOUT, dt.date(2013, 4, 2), reason="ordinary_job", destination="job")
    demo.populate(DemoContext(today=dt.date(2026, 11, 26)))
    (spell,) = SupportSpell.objects.filter(citizen=c.citizen)
    assert (spell.status, spell.start) == ("self_supporting_job", dt.date(2013, 4, 3))
