"""Importing bundles: all or nothing, every error listed, merging by the bundle's keys."""

import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from mikrolaan.audit.models import AuditRecord
from mikrolaan.cases.models import Case, CaseEvent
from mikrolaan.courses.models import Cohort, Participation
from mikrolaan.interchange.services import BundleError, import_bundle
from mikrolaan.interchange.tests.conftest import GOOD, write_files
from mikrolaan.loans.models import EntrySource, LedgerEntry, Loan, LoanStatus
from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.people.models import Citizen

pytestmark = pytest.mark.django_db

MODELS = [Cohort, Citizen, Case, CaseEvent, Participation, Loan, LedgerEntry, SupportSpell]


def snapshot():
    return {m.__name__: m.objects.count() for m in MODELS}


def problems_of(folder):
    with pytest.raises(BundleError) as caught:
        import_bundle(folder)
    return [str(p) for p in caught.value.problems]


def test_good_bundle_imports_people_cases_loans_payments_and_spells(good_bundle):
    result = import_bundle(good_bundle)

    assert result.changed
    jens = Citizen.objects.get(person_ref="P1")
    assert jens.cpr == "0101801001"
    assert jens.gender == "M"  # taken from the CPR's odd last digit
    assert jens.support_before.label == "Kontanthjælp, Passiv"
    assert jens.unit.name == "Job og sundhed"
    case = Case.objects.get(citizen=jens)
    assert case.stage == "completed" and case.cohort.code == "M3"
    assert case.unit == jens.unit
    anne_case = Case.objects.get(citizen__person_ref="P2")
    assert anne_case.stage == "dropped_out"
    dropout = CaseEvent.objects.get(case=anne_case, kind="dropout")
    assert dropout.data["reason"] == "illness"
    assert dropout.data["destination"] == "public_support"
    assert str(dropout.occurred_on) == "2013-07-01"
    loan = Loan.objects.get(loan_ref="L1")
    assert loan.principal == Decimal("20000.00") and loan.term_months == 84
    assert loan.status == LoanStatus.ACTIVE
    payments = LedgerEntry.objects.filter(loan=loan, kind="repayment").order_by("external_id")
    assert [(p.external_id, p.amount, p.source) for p in payments] == [
        ("ref:R1", Decimal("1000.00"), EntrySource.IMPORT),
        ("row:2014-02-01:500.00:1", Decimal("500.00"), EntrySource.IMPORT),
        ("row:2014-02-01:500.00:2", Decimal("500.00"), EntrySource.IMPORT),
    ]
    assert SupportSpell.objects.get(citizen=jens).status == "self_supporting_business"


def test_the_same_bundle_twice_changes_nothing(good_bundle, capsys):
    call_command("import", str(good_bundle))
    before = snapshot()
    audit_before = AuditRecord.objects.count()

    call_command("import", str(good_bundle))

    assert snapshot() == before
    assert AuditRecord.objects.count() == audit_before
    assert "Intet ændret" in capsys.readouterr().out


def test_review_bundle_twice_changes_nothing(review_bundle):
    import_bundle(review_bundle)
    before = snapshot()
    result = import_bundle(review_bundle)
    assert not result.changed
    assert snapshot() == before


def test_loan_policy_is_not_applied_to_imported_loans(review_bundle):
    import_bundle(review_bundle)
    assert Loan.objects.filter(principal=Decimal("51000.00")).count() == 1


def test_a_bundle_with_errors_in_several_files_lists_every_error_and_writes_nothing(tmp_path):
    files = dict(GOOD)
    files["cohorts.csv"] += "M4,,2014-03-01,2014-02-31\nM3,,2015-01-01,2015-06-30\n"
    files["people.csv"] += (
        '"P3",3102801234,"Jens\nPeter",Hansen,,,,,\n'  # a record over two lines (4–5)
        "P4,010180-1002,Ole,Olsen,,,M,,\n"
    )
    files["participations.csv"] += "P9,M3,completed,,,,\nP4,M3,dropped_out,,,illness,\n"
    files["loans.csv"] += (
        "L2,P1,M3,1000,2013-06-20,2014-01-01\nL3,P2,M3,12.345,2013-06-20,2014-01-01\n"
    )
    files["payments.csv"] += "L1,2013-06-01,100.00,\nL1,2015-01-01,19000.00,\n"
    files["support_spells.csv"] += (
        "P1,public_support,2014-06-01,2014-05-01\nP1,public_support,2016-01-01,\n"
    )
    files["notes.txt"] = "hello"
    folder = write_files(tmp_path / "bad", files)

    with pytest.raises(CommandError) as caught:
        call_command("import", str(folder), stderr=(err := __import__("io").StringIO()))

    assert err.getvalue().splitlines() == [
        "cohorts.csv:3: main_course_end: '2014-02-31' er ikke en dato (ÅÅÅÅ-MM-DD)",
        "cohorts.csv:4: code: 'M3' står allerede på linje 2",
        "people.csv:4: cpr: 310280-1234 er ikke et gyldigt CPR-nummer: datoen 31.02.80 findes "
        "ikke.",
        "people.csv:6: gender: stemmer ikke med CPR-nummeret (ulige sidste ciffer = M)",
        "participations.csv:4: person_ref: 'P9' findes ikke i people.csv",
        "participations.csv:5: dropout_date: skal udfyldes, når status er dropped_out",
        "participations.csv:5: dropout_destination: skal udfyldes, når status er dropped_out",
        "loans.csv:3: person_ref: 'P1' har allerede lånet 'L1' på linje 2; en person har højst "
        "ét lån",
        "loans.csv:4: principal: '12.345' er ikke et beløb i kroner (cifre, højst to decimaler "
        "efter '.')",
        "payments.csv:5: paid_on: er før lånet blev udbetalt (2013-06-20)",
        "payments.csv:6: amount: bringer det indbetalte på lån 'L1' op på 21100.00, over "
        "hovedstolen 20000.00",
        "support_spells.csv:3: end: er før start",
        "support_spells.csv:4: start: overlapper perioden 2013-12-01 – løbende på linje 2",
        "notes.txt: ukendt fil; en pakke indeholder kun cohorts.csv, people.csv, "
        "participations.csv, loans.csv, payments.csv, support_spells.csv, assessments.csv",
    ]
    assert "14 fejl" in str(caught.value)
    assert snapshot() == {m.__name__: 0 for m in MODELS}


def test_header_problems_and_missing_required_file(tmp_path):
    files = {
        "people.csv": " person_ref , CPR ,first_name\nP1,,Jens\n",
        "loans.csv": "loan_ref,person_ref,cohort_code,principal,disbursed_on\n",
        "payments.csv": "",
    }
    assert problems_of(write_files(tmp_path / "b", files)) == [
        "cohorts.csv: påkrævet fil mangler",
        "people.csv:1: CPR: ukendt kolonne",
        "loans.csv:1: repayment_start: påkrævet kolonne mangler",
        "payments.csv: er tom; den skal have en overskriftslinje",
    ]


def test_bom_spaces_in_header_and_zip_with_one_folder(tmp_path):
    files = dict(GOOD)
    files["cohorts.csv"] = (
        "\ufeff code , pre_course_start,main_course_start,main_course_end\r\n"
        "M3,2013-02-01,2013-06-01,2013-11-30\r\n"
    )
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, text in files.items():
            z.writestr(f"eksport-2016/{name}", text.encode("utf-8"))
    import_bundle(archive)
    assert Cohort.objects.get().code == "M3"
    assert Citizen.objects.count() == 2


def test_field_count_not_utf8_and_bad_cells(tmp_path):
    files = dict(GOOD)
    files["people.csv"] = GOOD["people.csv"] + "P3,,Ib\n"
    files["cohorts.csv"] = GOOD["cohorts.csv"].encode() + b"M4,,2014-03-01,2014-08-31,x\n"
    files["support_spells.csv"] = b"person_ref,status,start,end\nP1,\xff,2013-12-01,\n"
    files["loans.csv"] = GOOD["loans.csv"].replace("20000.00", '"20.000,00"')
    assert problems_of(write_files(tmp_path / "b", files)) == [
        "cohorts.csv:3: har 5 felter, overskriften har 4",
        "people.csv:4: har 3 felter, overskriften har 9",
        "loans.csv:2: principal: '20.000,00' er ikke et beløb i kroner (cifre, højst to "
        "decimaler efter '.')",
        "support_spells.csv:2: er ikke UTF-8-tekst",
    ]


def test_cpr_must_agree_with_birth_date_and_year_and_be_unique(tmp_path):
    files = dict(GOOD)
    files["people.csv"] = (
        "person_ref,cpr,birth_date,birth_year,gender\n"
        "P1,0101801001,1980-01-02,1981,M\n"
        "P2,010180-1001,,,\n"
        "P3,0101011001,,,\n"  # 7th digit 1, year 01: 1901 by the century rule
    )
    files = {k: v for k, v in files.items() if k in ("cohorts.csv", "people.csv")}
    assert problems_of(write_files(tmp_path / "b", files)) == [
        "people.csv:2: birth_date: stemmer ikke med CPR-nummeret (1980-01-01)",
        "people.csv:2: birth_year: stemmer ikke med CPR-nummeret (1980-01-01)",
        "people.csv:2: birth_year: stemmer ikke med birth_date",
        "people.csv:3: cpr: samme CPR-nummer står på linje 2",
    ]


def test_cpr_failing_modulus_11_is_accepted(tmp_path):
    files = {"cohorts.csv": GOOD["cohorts.csv"], "people.csv": "person_ref,cpr\nP1,0101801234\n"}
    import_bundle(write_files(tmp_path / "b", files))
    assert Citizen.objects.get().cpr == "0101801234"


def test_cpr_already_on_another_person_in_the_database(tmp_path):
    Citizen.objects.create(cpr="0101801001", first_name="Gammel")
    assert problems_of(write_files(tmp_path / "b", GOOD)) == [
        "people.csv:2: cpr: tilhører allerede en anden person i databasen"
    ]
    assert Citizen.objects.count() == 1


def test_payments_over_the_principal_counting_payments_already_in_the_database(
    good_bundle, tmp_path
):
    import_bundle(good_bundle)
    files = dict(GOOD)
    files["payments.csv"] = "loan_ref,paid_on,amount,reference\nL1,2015-01-01,18000.01,R9\n"
    assert problems_of(write_files(tmp_path / "more", files)) == [
        "payments.csv:2: amount: bringer det indbetalte på lån 'L1' op på 20000.01, over "
        "hovedstolen 20000.00"
    ]


def test_merge_adds_new_rows_and_a_closed_spell_becomes_a_correction(good_bundle, tmp_path):
    import_bundle(good_bundle)
    files = dict(GOOD)
    files["payments.csv"] = GOOD["payments.csv"] + "L1,2015-01-01,18000.00,R2\n"
    files["support_spells.csv"] = (
        "person_ref,status,start,end\n"
        "P1,self_supporting_business,2013-12-01,2015-12-31\n"
        "P1,public_support,2016-01-01,\n"
    )
    files["loans.csv"] = (
        GOOD["loans.csv"]
        .replace("repayment_start\n", "repayment_start,collection_transferred_on\n")
        .replace("2014-01-01\n", "2014-01-01,2014-12-01\n")
    )
    result = import_bundle(write_files(tmp_path / "later", files))

    assert result.created["payments"] == 1
    loan = Loan.objects.get(loan_ref="L1")
    assert loan.status == LoanStatus.REPAID  # 1000 + 500 + 500 + 18000
    assert str(loan.collection_transferred_on) == "2014-12-01"
    spells = SupportSpell.objects.filter(citizen__person_ref="P1").order_by("pk")
    first, correction, public = spells
    assert correction.corrects == first and str(correction.end) == "2015-12-31"
    assert public.status == "public_support"


def test_loan_of_another_person_and_a_second_loan_in_the_database(good_bundle, tmp_path):
    import_bundle(good_bundle)
    files = dict(GOOD)
    files["loans.csv"] = (
        "loan_ref,person_ref,cohort_code,principal,disbursed_on,repayment_start\n"
        "L1,P2,M3,20000.00,2013-06-20,2014-01-01\n"
        "L9,P1,M3,5000.00,2013-06-20,2014-01-01\n"
    )
    files.pop("payments.csv")
    assert problems_of(write_files(tmp_path / "b", files)) == [
        "loans.csv:2: loan_ref: 'L1' tilhører en anden person i databasen",
        "loans.csv:3: person_ref: 'P1' har allerede lånet 'L1' i databasen; en person har højst "
        "ét lån",
    ]


def test_dropout_columns_only_with_dropped_out_and_codes_checked(tmp_path):
    files = dict(GOOD)
    files["participations.csv"] = (
        "person_ref,cohort_code,status,dropout_date,dropout_reason,dropout_destination\n"
        "P1,M3,completed,2013-07-01,,\n"
        "P2,M3,dropped_out,2013-07-01,bored,job\n"
        "P2,M3,pre_course,,,\n"
    )
    assert problems_of(write_files(tmp_path / "b", files)) == [
        "participations.csv:2: dropout_date: må kun udfyldes, når status er dropped_out",
        "participations.csv:3: dropout_reason: 'bored' er ikke en af wants_larger_loan, "
        "own_limitations, idea_not_realisable, language, illness, strained_finances, "
        "fear_of_uncertain_income, ordinary_job, education, other",
        "participations.csv:4: cohort_code: 'P2' er allerede i forløb 'M3' på linje 3",
    ]
