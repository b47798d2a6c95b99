import json

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from mikrolaan.audit.models import AuditRecord
from mikrolaan.privacy import insight, writers

pytestmark = pytest.mark.django_db


def test_the_insight_holds_everything_on_a_citizen_with_a_full_history(
    history, django_assert_max_num_queries
):
    citizen, loan = history
    # One query per part, whatever the number of rows (names and staff are joined).
    with django_assert_max_num_queries(len(insight.SECTIONS) + 3):
        data = insight.collect(citizen)

    assert data["format"] == "mikrolaan-citizen-insight/1"
    assert data["citizen"]["cpr"] == citizen.cpr
    assert data["citizen"]["last_name"] == citizen.last_name
    (case,) = data["cases"]
    kinds = [e["kind"] for e in data["case_events"]]
    assert kinds[0] == "referral"
    assert data["case_events"][0]["kind_label"] == "Henvisning"
    assert {"first_screening", "final_screening", "decision", "loan_paid_out"} <= set(kinds)
    assert {"loan_deferral", "conversation"} <= set(kinds)
    assert all(e["case_id"] == case["id"] for e in data["case_events"])
    assert data["referrals"][0]["idea"] == "Værksted for reparation af cykler"
    assert len(data["screenings"]) == 3
    assert data["participations"][0]["cohort"]
    assert len(data["planned_activities"]) == 2
    assert data["conversations"][0]["place"] == "Café Kaffekilden"
    assert data["budget_versions"][0]["case_id"] == case["id"]
    assert any(line["label"] == "Værktøj og udstyr" for line in data["budget_lines"])
    assert data["liquidity_months"]
    (decision,) = data["decisions"]
    assert (decision["colour"], decision["colour_label"]) == ("green", "Grøn")
    assert decision["proposed_amount"] == "8400.00"
    assert {a["role"] for a in data["grant_approvals"]} == {
        "project_leader",
        "benefits_caseworker",
    }
    assert data["main_course_starts"][0]["cvr"] == "39475146"
    assert data["fit_for_work"]

    (loan_row,) = data["loans"]
    assert loan_row["loan_ref"] == loan.loan_ref
    assert loan_row["principal"] == "8400.00"
    assert loan_row["decision_id"] == decision["id"]
    assert loan_row["disbursed_on"] == "2026-06-01"
    assert sum(s["instalments"] for s in data["repayment_plan"]) == 84
    assert {s["amount"] for s in data["repayment_plan"]} >= {"100.00"}
    ledger = {(e["kind"], e["amount"]) for e in data["ledger_entries"]}
    assert ("disbursement", "8400.00") in ledger and ("repayment", "100.00") in ledger
    assert data["deferrals"][0]["months"] == 2
    assert data["overpayments"][0]["amount"] == "100.00"  # 8,400 paid on 8,300 owed
    (bank_entry,) = data["bank_entries"]
    assert bank_entry["amount"] == "100.00"
    assert data["bank_entry_handlings"][0]["entry_id"] == bank_entry["id"]
    (reminder,) = data["reminders"]
    assert (reminder["number"], reminder["arrears"]) == (1, "100.00")
    assert data["reminder_cycles"][0]["id"] == reminder["cycle_id"]
    assert data["tasks"][0]["reason"] == "paper"
    assert data["task_events"][0]["task_id"] == data["tasks"][0]["id"]
    (letter,) = data["letters"]
    assert letter["kind"] == "reminder" and letter["id"] == reminder["letter_id"]
    assert letter["pdf_path"].endswith(".pdf") and "/" not in letter["pdf_path"]
    assert data["support_spells"][0]["status"] == "self_supporting_business"
    assert data["claims"] == [] and data["dropouts"] == []

    # Every value is plain JSON: dates ISO, money strings with two decimals.
    json.dumps(data)
    assert data["ledger_entries"][0]["value_date"] == "2026-06-01"


def test_the_access_log_shows_role_and_time_not_names_by_default(history, settings):
    citizen, _loan = history
    data = insight.collect(citizen)
    log = data["access_log"]
    assert len(log) == AuditRecord.objects.filter(citizen=citizen).count() > 5
    read = next(r for r in log if r["why"] == "opfølgning på betaling")
    assert read["by"] == {
        "role": "finance_clerk",
        "role_label": "Debitorsagsbehandler",
        "name": None,
    }
    assert (read["action"], read["action_label"]) == ("read", "Læst")
    assert read["at"].startswith("20")
    assert "Finn" not in json.dumps(data, ensure_ascii=False)
    text = json.dumps(data, ensure_ascii=False)
    assert "Pia" not in text  # also not where a summary named the approver
    assert "godkendt af projektleder [Projektleder]" in text
    assert data["staff_names"] == "role"


def test_staff_names_are_shown_when_the_municipality_says_so(history, settings):
    citizen, _loan = history
    settings.INSIGHT_STAFF_NAMES = "name"
    data = insight.collect(citizen)
    read = next(r for r in data["access_log"] if r["why"] == "opfølgning på betaling")
    assert read["by"]["name"] == "Finn Bogholder"
    assert data["decisions"][0]["recorded_by"]["name"] == "Pia Projektleder"
    summaries = [e["summary"] for e in data["case_events"]]
    assert "Lånebevilling godkendt af projektleder Pia Projektleder" in summaries
    assert data["staff_names"] == "name"


def test_an_unknown_staff_name_policy_is_refused(settings):
    from mikrolaan.people.tests.factories import CitizenFactory

    citizen = CitizenFactory()
    settings.INSIGHT_STAFF_NAMES = "initials"
    with pytest.raises(ImproperlyConfigured, match="MIKROLAAN_INSIGHT_STAFF_NAMES"):
        insight.collect(citizen)
    (error,) = insight.check_staff_name_policy()
    assert error.id == "privacy.E001" and "'initials'" in error.msg
    settings.INSIGHT_STAFF_NAMES = "name"
    assert insight.check_staff_name_policy() == []


def test_every_model_pointing_at_a_citizen_case_or_loan_is_in_the_insight():
    """A new model holding data on a citizen must be added to ``insight.SECTIONS`` (or to
    ``NOT_INCLUDED`` with the reason), else the citizen's insight would be incomplete."""
    targets = {"people.Citizen", "cases.Case", "loans.Loan"}
    missing = set()
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            points_at_citizen = f.is_relation and f.related_model._meta.label in targets
            if points_at_citizen and model._meta.label not in insight.COVERED:
                missing.add(model._meta.label)
    assert not missing, f"add to privacy.insight.SECTIONS: {sorted(missing)}"
    assert {"loans.LedgerEntry", "servicing.Claim", "letters.Letter"} <= insight.COVERED


def test_each_section_reaches_the_citizen_through_its_lookup():
    """A lookup path that no longer leads to the citizen would silently drop rows."""
    from mikrolaan.people.models import Citizen

    for section in insight.SECTIONS:
        model = section.model
        for part in section.lookup.split("__"):
            model = model._meta.get_field(part).related_model
        assert model is Citizen, section.key


def test_the_pdf_is_readable_danish(history):
    citizen, loan = history
    data = insight.collect(citizen)
    context = writers.pdf_context(data)
    titles = [p["title"] for p in context["parts"]]
    assert "Lån" in titles and "Breve sendt" in titles
    assert context["access"]["headers"] == [
        "Tidspunkt",
        "Hvem (rolle)",
        "Type af adgang",
        "Hvad",
        "Hvorfor",
    ]
    (ledger,) = [p for p in context["parts"] if p["key"] == "ledger_entries"]
    assert ledger["rows"][0][1:4] == ["01.06.2026", "Udbetaling", "8.400,00\u00a0kr."]
    pdf = writers.to_pdf(data)
    assert pdf.startswith(b"%PDF")


def test_server_paths_are_cut_to_file_names():
    from mikrolaan.servicing.models import Claim

    claim = Claim(export_file="/srv/mikrolaan/var/exports/gaeld/fordringer-2026-11-02.csv")
    row = insight._claim({"export_file": claim.export_file}, claim)
    assert row["export_file"] == "fordringer-2026-11-02.csv"
