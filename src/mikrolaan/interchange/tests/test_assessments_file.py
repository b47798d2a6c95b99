"""The bundle file assessments.csv: import, export, round trip, refusals, older bundles."""

import datetime as dt

import pytest
from django.db import transaction

from mikrolaan.cases.models import CaseEvent
from mikrolaan.interchange.services import BundleError, export_bundle, import_bundle
from mikrolaan.interchange.tests import assessment_bundle
from mikrolaan.interchange.tests.conftest import GOOD, write_files
from mikrolaan.people.models import Citizen
from mikrolaan.progression.models import Answer, Assessment, Questionnaire
from mikrolaan.progression.services import effective_assessments
from mikrolaan.reports.services import build_report

pytestmark = pytest.mark.django_db
DAYS = [dt.date(2014, 12, 31), dt.date(2016, 12, 31)]
HEADER = "person_ref,point,correction,answered_on,channel,questionnaire,item,score,why\n"


class _Rollback(Exception):
    pass


@pytest.fixture
def codes():
    return list(
        Questionnaire.in_force(dt.date(2014, 1, 1)).statements.values_list("code", flat=True)
    )


@pytest.fixture
def generated(tmp_path, codes):
    folder = tmp_path / "generated"
    return folder, assessment_bundle.write(folder, codes)


def test_progression_of_a_generated_bundle_is_right_and_survives_a_round_trip(
    generated, codes, tmp_path
):
    folder, truth = generated
    out = tmp_path / "exported"
    try:
        with transaction.atomic():
            result = import_bundle(folder)
            before = [build_report(day) for day in DAYS]
            export_bundle(out)
            raise _Rollback  # leave the database empty again
    except _Rollback:
        pass
    assert Citizen.objects.count() == 0 and Assessment.objects.count() == 0

    # Against the computation of the generator (every answer is before the later day).
    section = before[1]["progression"]
    assert [c["cohort"] for c in section["cohorts"]] == list(assessment_bundle.COHORTS)
    for entry in section["cohorts"]:
        expected = assessment_bundle.expected_group(truth[entry["cohort"]], codes)
        assert {k: entry[k] for k in ("people", "changes")} == expected
    everyone = {ref: p for people in truth.values() for ref, p in people.items()}
    assert section["total"] == assessment_bundle.expected_group(everyone, codes)
    records = sum(1 for people in truth.values() for p in people.values() for _ in p)
    assert result.created["assessments"] > records  # corrections are records of their own

    import_bundle(out)
    assert [build_report(day) for day in DAYS] == before
    again = tmp_path / "again"
    export_bundle(again)
    for name in ("assessments.csv", "people.csv", "participations.csv", "cohorts.csv"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    assert not import_bundle(out).changed


def test_corrections_keep_their_chain_and_reason(generated):
    folder, _truth = generated
    import_bundle(folder)
    corrections = Assessment.objects.filter(corrects__isnull=False)
    assert corrections.exists()
    for a in corrections:
        assert a.corrects.case_id == a.case_id and a.corrects.point == a.point and a.why
    # Each point has one effective record, and the events say what happened.
    case = corrections.first().case
    points = list(effective_assessments(case).values_list("point", flat=True))
    assert len(points) == len(set(points))
    events = CaseEvent.objects.filter(case=case, kind="assessment")
    assert events.count() == Assessment.objects.filter(case=case).count()
    assert any(e.data["corrects"] for e in events)


def test_a_new_correction_in_a_later_bundle_is_appended(tmp_path, codes):
    first = (
        f"P1,referral,0,2013-01-15,caseworker,,{codes[0]},2,\n"
        f"P1,referral,0,2013-01-15,caseworker,,{codes[1]},3,\n"
    )
    base = {**GOOD, "assessments.csv": HEADER + first}
    import_bundle(write_files(tmp_path / "a", base))
    assert Assessment.objects.count() == 1 and Answer.objects.count() == 2
    # The case opens on the first answer, which is before the pre-course.
    assert Assessment.objects.get().case.opened_on == dt.date(2013, 1, 15)
    fix = f'P1,referral,1,2013-01-15,citizen,,{codes[0]},4,"Rettet, efter samtale"\n'
    later = {**base, "assessments.csv": HEADER + first + fix}
    result = import_bundle(write_files(tmp_path / "b", later))
    assert result.created["assessments"] == 1
    new = Assessment.objects.get(corrects__isnull=False)
    assert new.why == "Rettet, efter samtale" and new.channel == "citizen"
    assert dict(new.answers.values_list("statement__code", "score")) == {codes[0]: 4}
    assert not import_bundle(write_files(tmp_path / "b", later)).changed
    # The first record cannot be changed by a bundle.
    changed = later["assessments.csv"].replace(f"{codes[1]},3,", f"{codes[1]},5,")
    changed += f"P1,pre_course_end,0,2013-01-10,citizen,,{codes[0]},4,\n"
    with pytest.raises(BundleError) as caught:
        import_bundle(write_files(tmp_path / "c", {**later, "assessments.csv": changed}))
    assert [str(p) for p in caught.value.problems] == [
        "assessments.csv:2: correction: personens selvvurdering ved referral (optegnelse 0) "
        "findes i databasen med andre svar; en import kan ikke ændre den (tilføj en rettelse)",
        "assessments.csv:5: answered_on: er før personens sag blev oprettet (2013-01-15)",
    ]


def test_bad_rows_are_refused_with_every_error_and_nothing_is_written(tmp_path, codes):
    c0, c1 = codes[0], codes[1]
    rows = HEADER + "".join(
        [
            f"P1,referral,0,2013-01-15,caseworker,,{c0},2,\n",  # 2: fine
            f"P1,referral,0,2013-01-16,caseworker,,{c1},6,\n",  # 3: other date, score 6
            f"P1,referral,0,2013-01-15,caseworker,,{c0},3,\n",  # 4: item twice
            "P1,start,0,2013-01-15,phone,,no_such_item,0,\n",  # 5: point, channel, score
            f"P9,pre_course_end,0,2099-01-01,citizen,,{c0},3,\n",  # 6: person, future
            f"P2,main_course_end,2,2013-12-01,citizen,2013-02-01,{c0},3,\n",  # 7
            f"P2,after_6_months,0,2012-06-01,citizen,,{c0},=1,\n",  # 8: before every version
            "P2,after_12_months,0,2014-06-01,caseworker,,nope,4,\n",  # 9: not a statement
        ]
    )
    folder = write_files(tmp_path / "bad", {**GOOD, "assessments.csv": rows})
    with pytest.raises(BundleError) as caught:
        import_bundle(folder)
    assert [str(p) for p in caught.value.problems if p.file == "assessments.csv"] == [
        "assessments.csv:3: answered_on: er forskellig fra linje 2 i samme selvvurdering",
        "assessments.csv:3: score: skal være et helt tal fra 1 til 5",
        f"assessments.csv:4: item: '{c0}' står allerede på linje 2 i samme selvvurdering",
        "assessments.csv:5: channel: 'phone' er ikke en af citizen, caseworker, system",
        "assessments.csv:5: point: 'start' er ikke en af referral, pre_course_end, "
        "main_course_end, after_6_months, after_12_months",
        "assessments.csv:5: score: skal være mindst 1",
        "assessments.csv:6: answered_on: ligger i fremtiden",
        "assessments.csv:6: person_ref: 'P9' findes ikke i people.csv",
        "assessments.csv:7: correction: 2 har ingen optegnelse 1 før sig (0 er det første svar)",
        "assessments.csv:7: questionnaire: spørgeskemaet i kraft den 2013-12-01 er versionen "
        "fra 2013-01-01",
        "assessments.csv:8: answered_on: intet spørgeskema var i kraft på den dato",
        "assessments.csv:8: score: '=1' er ikke et helt tal",
        "assessments.csv:9: item: 'nope' er ikke et udsagn i spørgeskemaet fra 2013-01-01",
    ]
    assert Citizen.objects.count() == 0 and Assessment.objects.count() == 0


def test_an_older_bundle_without_the_file_imports_and_exports_without_it(good_bundle, tmp_path):
    assert not (good_bundle / "assessments.csv").exists()
    result = import_bundle(good_bundle)
    assert result.created["people"] == 2 and not result.created["assessments"]
    counts = export_bundle(tmp_path / "out")
    assert "assessments.csv" not in counts
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(GOOD)
