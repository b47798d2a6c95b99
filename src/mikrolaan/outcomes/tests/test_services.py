import datetime as dt

import pytest

from mikrolaan.audit.models import AuditRecord
from mikrolaan.cases.models import CaseEvent
from mikrolaan.core.models import AppendOnlyError
from mikrolaan.outcomes import services
from mikrolaan.outcomes.models import SupportSpell

pytestmark = pytest.mark.django_db
D = dt.date
NEW_YEAR = dt.date(2026, 1, 1)


def record(case, user, status="self_supporting_business", start=NEW_YEAR, end=None):
    return services.record_spell(
        case.citizen, status=status, start=start, end=end, source="Borgeren", acting_user=user
    )


def test_a_spell_is_recorded_with_source_who_and_an_event_on_the_case(a_case, project_leader):
    spell = record(a_case, project_leader, end=D(2026, 3, 31))
    assert spell.recorded_by == project_leader and spell.source == "Borgeren"
    event = CaseEvent.objects.get(case=a_case, kind="support_spell")
    assert event.data["spell"] == spell.pk
    assert event.occurred_on == D(2026, 1, 1)
    assert event.recorded_by == project_leader
    assert "Selvforsørgende gennem virksomheden" in event.summary
    assert AuditRecord.objects.filter(
        citizen=a_case.citizen, object_type="cases.CaseEvent"
    ).exists()


def test_adjacent_spells_are_allowed(a_case, project_leader):
    record(a_case, project_leader, start=D(2026, 1, 1), end=D(2026, 3, 31))
    record(a_case, project_leader, "public_support", start=D(2026, 4, 1))
    assert services.effective_spells(a_case.citizen).count() == 2


def test_an_overlapping_spell_is_refused_naming_the_spell_it_overlaps(a_case, project_leader):
    record(a_case, project_leader, start=D(2026, 1, 1), end=D(2026, 3, 31))
    with pytest.raises(services.SpellError) as caught:
        record(a_case, project_leader, "public_support", start=D(2026, 3, 31))
    message = caught.value.text
    assert "overlapper" in message
    assert "»Selvforsørgende gennem virksomheden« 01.01.2026 – 31.03.2026" in message
    assert caught.value.field == "start"
    assert SupportSpell.objects.count() == 1
    assert CaseEvent.objects.filter(kind="support_spell").count() == 1


def test_a_running_spell_blocks_any_later_start(a_case, project_leader):
    record(a_case, project_leader, start=D(2026, 1, 1))
    with pytest.raises(services.SpellError, match="stadig løbende"):
        record(
            a_case, project_leader, "self_supporting_job", start=D(2030, 1, 1), end=D(2030, 2, 1)
        )


def test_spells_of_different_people_may_overlap(a_case, unit, project_leader):
    from mikrolaan.outcomes.tests import factories as f

    other = f.case(unit)
    record(a_case, project_leader)
    record(other, project_leader)
    assert SupportSpell.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end": D(2025, 12, 31)}, "end"),
        ({"source": "  "}, "source"),
        ({"status": "rich"}, "status"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(a_case, project_leader, fields, field):
    values = {"status": "public_support", "start": D(2026, 1, 1), "end": None, "source": "CVR"}
    values.update(fields)
    with pytest.raises(services.SpellError) as caught:
        services.record_spell(a_case.citizen, acting_user=project_leader, **values)
    assert caught.value.field == field
    assert not SupportSpell.objects.exists()


def test_a_correction_is_a_new_spell_pointing_at_the_old_one(a_case, project_leader):
    old = record(a_case, project_leader, start=D(2026, 1, 1), end=D(2026, 6, 30))
    after = record(a_case, project_leader, "public_support", start=D(2026, 7, 1))
    new = services.correct_spell(
        old,
        status="self_supporting_job",
        start=D(2026, 2, 1),
        end=D(2026, 6, 30),
        source="eIndkomst",
        why="Job, ikke virksomhed",
        acting_user=project_leader,
    )
    assert new.corrects == old
    old.refresh_from_db()
    assert old.status == "self_supporting_business"  # unchanged: append-only
    assert list(services.effective_spells(a_case.citizen)) == [new, after]
    kinds = list(CaseEvent.objects.filter(kind="support_spell").values_list("summary", flat=True))
    assert any(s.startswith("Rettet:") for s in kinds)


def test_a_correction_may_not_overlap_the_other_spells(a_case, project_leader):
    old = record(a_case, project_leader, start=D(2026, 1, 1), end=D(2026, 6, 30))
    record(a_case, project_leader, "public_support", start=D(2026, 7, 1), end=D(2026, 7, 31))
    with pytest.raises(services.SpellError, match="overlapper"):
        services.correct_spell(
            old,
            status="self_supporting_business",
            start=D(2026, 1, 1),
            end=D(2026, 7, 1),
            source="CVR",
            why="forlænget",
            acting_user=project_leader,
        )
    # ... but may overlap the spell it replaces
    services.correct_spell(
        old,
        status="self_supporting_business",
        start=D(2026, 1, 15),
        end=D(2026, 6, 30),
        source="CVR",
        why="startede senere",
        acting_user=project_leader,
    )


def test_a_withdrawal_removes_a_spell_and_frees_its_period(a_case, project_leader):
    wrong = record(a_case, project_leader, start=D(2026, 1, 1))
    removal = services.withdraw_spell(wrong, why="Forkert borger", acting_user=project_leader)
    assert removal.withdrawn and removal.corrects == wrong
    assert not services.effective_spells(a_case.citizen).exists()
    record(a_case, project_leader, "public_support", start=D(2026, 1, 1))
    assert SupportSpell.objects.count() == 3


def test_a_corrected_spell_cannot_be_corrected_again(a_case, project_leader):
    wrong = record(a_case, project_leader)
    services.withdraw_spell(wrong, why="fejl", acting_user=project_leader)
    with pytest.raises(services.SpellError):
        services.withdraw_spell(wrong, why="igen", acting_user=project_leader)


def test_correction_and_withdrawal_need_a_reason(a_case, project_leader):
    spell = record(a_case, project_leader)
    with pytest.raises(services.SpellError) as caught:
        services.withdraw_spell(spell, why=" ", acting_user=project_leader)
    assert caught.value.field == "why"


def test_spells_are_append_only(a_case, project_leader):
    spell = record(a_case, project_leader)
    spell.status = "public_support"
    with pytest.raises(AppendOnlyError):
        spell.save()
    with pytest.raises(AppendOnlyError):
        SupportSpell.objects.filter(pk=spell.pk).update(status="public_support")


def test_a_citizen_without_a_case_gets_an_audit_record_instead(unit, project_leader):
    from mikrolaan.people.tests.factories import CitizenFactory

    citizen = CitizenFactory(unit=unit)
    spell = services.record_spell(
        citizen,
        status="public_support",
        start=D(2026, 1, 1),
        source="x",
        acting_user=project_leader,
    )
    assert AuditRecord.objects.filter(citizen=citizen, object_id=str(spell.pk)).exists()
