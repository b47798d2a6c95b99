"""Retention anonymises what is due and leaves every figure of the chapter-7 report as it was."""

import csv
import datetime as dt
import importlib.util
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Q

from mikrolaan.audit.erasure import erase_fields, erasure_permit
from mikrolaan.audit.models import AuditRecord
from mikrolaan.cases.models import Case, CaseEvent
from mikrolaan.core.models import ErasurePermit
from mikrolaan.decisions.models import MainCourseStart
from mikrolaan.interchange.services import import_bundle
from mikrolaan.letters.models import Letter
from mikrolaan.loans.models import LedgerEntry, Loan, LoanStatus
from mikrolaan.people.models import Citizen
from mikrolaan.reports.services import build_report
from mikrolaan.retention import services
from mikrolaan.retention.models import RetentionRun

pytestmark = pytest.mark.django_db

LATER = dt.date(2045, 1, 1)  # every closed case of the demo and the bundle is due by then
BENCHMARKS = Path(__file__).resolve().parents[4] / "benchmarks" / "interchange_import.py"


def report_json(as_of, cohorts=None) -> str:
    return json.dumps(build_report(as_of, cohorts), sort_keys=True, default=str)


def snapshot() -> dict:
    """Everything retention must not change in a dry run."""
    return {
        "citizens": list(Citizen.objects.order_by("pk").values()),
        "events": list(CaseEvent.objects.order_by("pk").values("pk", "summary", "why", "data")),
        "ledger": list(LedgerEntry.objects.order_by("pk").values("pk", "why", "amount")),
        "audit": AuditRecord.objects.count(),
        "runs": RetentionRun.objects.count(),
    }


def identifying_values(citizen_ids) -> list:
    rows = Citizen.objects.filter(pk__in=citizen_ids).values_list(
        "first_name", "last_name", "cpr", "person_ref", "birth_date", "phone", "email", "address"
    )
    return [value for row in rows for value in row if value]


def check_retention_keeps_the_report(as_of, cohorts=None, *, on_commit):
    before = report_json(as_of, cohorts)
    people = {c.pk: (c.full_name, c.cpr) for c in Citizen.objects.all()}

    dry = StringIO()
    state = snapshot()
    call_command("retention", "run", "--date", LATER.isoformat(), "--dry-run", stdout=dry)
    assert snapshot() == state, "the dry run changed something"
    planned = services.plan(LATER)
    assert planned.citizens, "nothing is due: the test would prove nothing"
    assert "Tørkørsel" in dry.getvalue() or "Dry run" in dry.getvalue()
    some_case = Case.objects.filter(citizen_id__in=planned.citizens).first()
    assert some_case is None or f" {some_case.pk}: " in dry.getvalue()

    with on_commit(execute=True):
        outcome = services.run(LATER)

    assert outcome.counts == planned.counts
    assert report_json(as_of, cohorts) == before
    anonymised = Citizen.objects.filter(pk__in=planned.citizens)
    assert anonymised.count() == len(planned.citizens)
    assert not anonymised.filter(anonymised_on__isnull=True).exists()
    assert identifying_values(planned.citizens) == []
    # No longer findable by name or CPR number.
    for pk in planned.citizens:
        name, cpr = people[pk]
        last = name.split()[-1] if name.split() else ""
        if cpr:
            assert not Citizen.objects.filter(cpr=cpr).exists()
        if last:
            assert not Citizen.objects.filter(pk=pk, last_name__icontains=last).exists()
    shown = anonymised.first()
    assert shown.cpr_display == shown.full_name == "anonymiseret"
    assert (
        not CaseEvent.objects.filter(case__citizen__in=anonymised)
        .filter(~Q(summary="") | ~Q(why=""))
        .exists()
    )
    assert not ErasurePermit.objects.exists()

    run = RetentionRun.objects.get()
    assert run.citizens == len(planned.citizens) and run.counts == outcome.counts
    assert AuditRecord.objects.filter(object_type="retention.RetentionRun").count() == 1

    # Idempotent: a second run finds nothing and changes nothing.
    state = snapshot()
    again = services.run(LATER)
    assert again.total == 0
    after = snapshot()
    assert after["citizens"] == state["citizens"] and after["events"] == state["events"]
    assert after["ledger"] == state["ledger"]
    assert report_json(as_of, cohorts) == before
    return outcome


@pytest.mark.changes_demo_files  # removes the anonymised citizens' letters
def test_retention_on_the_demo_keeps_the_chapter_7_report(
    demo_programme, django_capture_on_commit_callbacks
):
    outcome = check_retention_keeps_the_report(
        dt.date(2026, 6, 30), on_commit=django_capture_on_commit_callbacks
    )

    assert outcome.counts["case_events"] > 0 and outcome.counts["referrals"] > 0
    # The CVR number goes from the main-course start and from its event.
    starts = MainCourseStart.objects.filter(case__citizen_id__in=outcome.citizens)
    assert starts.exists() and not starts.exclude(cvr="").exists()
    assert outcome.counts["event_data"] >= starts.count()
    assert not CaseEvent.objects.filter(pk__in=starts.values("event_id")).exclude(data={}).exists()
    # Borrowers who repaid are among the anonymised (their loans count in the report).
    assert Loan.objects.filter(citizen_id__in=outcome.citizens, status=LoanStatus.REPAID).exists()


def _generate(folder: Path, people: int) -> None:
    """The benchmark's bundle generator, with every second loan repaid in full."""
    spec = importlib.util.spec_from_file_location("interchange_import", BENCHMARKS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(folder, people)
    with open(folder / "payments.csv", encoding="utf-8") as fh:
        payments = list(csv.DictReader(fh))
    paid: dict[str, Decimal] = {}
    last: dict[str, dt.date] = {}
    for row in payments:
        paid[row["loan_ref"]] = paid.get(row["loan_ref"], Decimal(0)) + Decimal(row["amount"])
        last[row["loan_ref"]] = max(last.get(row["loan_ref"], dt.date.min),
                                    dt.date.fromisoformat(row["paid_on"]))  # fmt: skip
    with open(folder / "loans.csv", encoding="utf-8") as fh:
        loans = list(csv.DictReader(fh))
    with open(folder / "payments.csv", "a", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        for n, loan in enumerate(loans):
            if n % 2 == 0:
                ref = loan["loan_ref"]
                rest = Decimal(loan["principal"]) - paid[ref]
                w.writerow([ref, last[ref] + dt.timedelta(days=60), f"{rest:.2f}", f"END{n}"])


def test_retention_on_a_generated_bundle_keeps_the_chapter_7_report(
    tmp_path, django_capture_on_commit_callbacks
):
    _generate(tmp_path / "bundle", 40)
    import_bundle(tmp_path / "bundle")
    assert Loan.objects.filter(status=LoanStatus.REPAID).count() == 20
    outcome = check_retention_keeps_the_report(
        dt.date(2003, 12, 31), on_commit=django_capture_on_commit_callbacks
    )
    assert len(outcome.citizens) == 20
    assert not Loan.objects.filter(
        citizen_id__in=outcome.citizens, status=LoanStatus.ACTIVE
    ).exists()


def test_an_open_case_is_never_due(project_leader):
    from mikrolaan.cases.tests.factories import CaseFactory

    case = CaseFactory()
    assert case.is_open
    assert case.citizen_id not in services.due_citizens(LATER, services.Rules(5, 5, 5))


def test_case_data_waits_for_its_years_and_accounting_text_for_the_bookkeeping_period():
    rules = services.Rules(case_years=5, accounting_years=5, audit_years=3)
    assert rules.case_ended_by(dt.date(2030, 3, 1)) == dt.date(2025, 3, 1)
    # A record of 2024 is kept to the end of 2029, so it may go from 1 January 2030.
    assert rules.accounting_before(dt.date(2030, 1, 1)) == dt.date(2025, 1, 1)


def test_old_audit_records_are_deleted_and_young_ones_kept(project_leader):
    from mikrolaan.audit.services import log

    old = log(project_leader, "read", what="old")
    with erasure_permit("test: backdate an audit record"):  # nothing else may change it
        erase_fields(
            AuditRecord.objects.filter(pk=old.pk), at=dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
        )
    young = log(project_leader, "read", what="young")
    outcome = services.run(dt.date(2026, 1, 1), rules=services.Rules(5, 5, 5))
    assert outcome.counts["audit_records"] == 1
    assert not AuditRecord.objects.filter(pk=old.pk).exists()
    assert AuditRecord.objects.filter(pk=young.pk).exists()


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("retention", "run", "--date", "1/1/2045")
    assert not RetentionRun.objects.exists()


def test_the_archived_letter_of_an_anonymised_citizen_goes_after_commit(
    project_leader, django_capture_on_commit_callbacks
):
    from mikrolaan.cases.tests.factories import CaseFactory
    from mikrolaan.letters.services import send_letter

    old = CaseFactory(stage="closed", opened_on=dt.date(2012, 3, 1))
    young = CaseFactory(stage="closed", opened_on=dt.date(2029, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        letters = [
            send_letter(case.citizen, kind="notice", subject="Varsel", pdf=b"%PDF-1.7 test",
                        acting_user=project_leader, case=case)
            for case in (old, young)
        ]  # fmt: skip
    paths = [Path(letter.pdf_path) for letter in letters]
    assert all(path.exists() for path in paths)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.run(dt.date(2030, 1, 1), rules=services.Rules(5, 5, 5))

    assert outcome.citizens == [old.citizen_id] and outcome.counts["letters"] == 1
    assert not paths[0].exists() and paths[1].exists()
    assert Letter.objects.get(pk=letters[0].pk).pdf_path == ""
