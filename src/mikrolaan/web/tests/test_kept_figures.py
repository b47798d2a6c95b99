"""The figures the day's run keeps (``core.snapshots``): the fund, the report and the start
pages' panels read them instead of scanning the portfolio on every visit (issue 12), say when
they were computed, and give way to figures computed now when the reader asks for a date."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from mikrolaan.core import snapshots
from mikrolaan.core.models import Snapshot
from mikrolaan.loans import services as loan_services
from mikrolaan.loans.fund import fund_from_json, fund_on
from mikrolaan.loans.tests.factories import disbursed_loan
from mikrolaan.reports.services import build_report, report_for_page
from mikrolaan.servicing import run as servicing

pytestmark = pytest.mark.django_db

KEPT = 'data-testid="kept-figures"'


@pytest.fixture
def kept_loan():
    """A loan paid out last year, and the day's run over it (which keeps the figures)."""
    today = timezone.localdate()
    loan = disbursed_loan(paid_on=dt.date(today.year - 1, 3, 15), amount=Decimal("8400.00"))
    servicing.run(today)
    return loan, today


def test_the_days_run_keeps_every_registered_figure_exactly_as_computed_then(kept_loan):
    _loan, today = kept_loan
    assert (
        set(Snapshot.objects.filter(on=today).values_list("key", flat=True))
        == set(snapshots.keys())
        >= {"fund", "report", "programme_in_figures", "missing_support_status"}
    )
    assert fund_from_json(snapshots.of_today("fund").data) == fund_on(today)
    assert snapshots.of_today("report").data == build_report(today)


def test_the_fund_page_shows_the_kept_figures_with_their_time_until_asked_for_now(
    kept_loan, client, manager
):
    loan, today = kept_loan
    kept_outstanding = fund_on(today).outstanding
    loan_services.register_payment(
        loan, amount=Decimal("500.00"), paid_on=today, acting_user=loan.decision.recorded_by
    )
    assert fund_on(today).outstanding == kept_outstanding - 500
    client.force_login(manager)

    kept = client.get("/loans/fund/")
    assert KEPT in kept.content.decode()
    assert kept.context["fund"].outstanding == kept_outstanding
    now = client.get("/loans/fund/", {"as_of": today.isoformat()})
    assert KEPT not in now.content.decode()
    assert now.context["fund"].outstanding == kept_outstanding - 500


def test_the_report_page_reads_the_kept_report_and_builds_it_for_a_chosen_date(
    kept_loan, client, project_leader, evaluator
):
    _loan, today = kept_loan
    report, kept = report_for_page(project_leader, today, None, asked=False)
    assert kept is not None and report == build_report(today)
    # A role without case access sees the kept report with small numbers suppressed.
    suppressed, _kept = report_for_page(evaluator, today, None, asked=False)
    assert "suppression" in suppressed and "suppression" not in report
    # Chosen cohorts or a chosen date: built now.
    assert report_for_page(project_leader, today, ["X"], asked=True)[1] is None

    client.force_login(project_leader)
    assert KEPT in client.get("/reports/").content.decode()
    assert KEPT not in client.get("/reports/", {"as_of": today.isoformat()}).content.decode()


def test_the_start_pages_count_from_the_kept_figures(kept_loan, client, project_leader, manager):
    _loan, today = kept_loan
    Snapshot.objects.filter(key="missing_support_status", on=today).update(
        data={"count": 7, "loans": []}
    )
    client.force_login(project_leader)
    page = client.get("/").content.decode()
    assert "(7)" in page and KEPT in page

    Snapshot.objects.filter(key="programme_in_figures", on=today).update(
        data={**snapshots.of_today("programme_in_figures").data, "referred": 4321}
    )
    client.force_login(manager)
    page = client.get("/").content.decode()
    assert "4321" in page and KEPT in page


def test_no_kept_figures_for_another_day_and_a_failing_builder_is_skipped(
    monkeypatch, project_leader, client
):
    today = timezone.localdate()
    disbursed_loan(paid_on=dt.date(today.year - 1, 3, 15))
    servicing.run(today - dt.timedelta(days=1))
    assert not Snapshot.objects.exists()
    client.force_login(project_leader)
    assert KEPT not in client.get("/").content.decode()  # computed now, nothing kept

    def broken(on):
        raise RuntimeError("the report could not be built")

    monkeypatch.setitem(snapshots._BUILDERS, "report", broken)
    seconds = snapshots.refresh(today)
    assert "report" not in seconds and "fund" in seconds
    assert snapshots.of_today("report") is None and snapshots.of_today("fund") is not None


def test_the_funnel_and_economics_pages_read_the_kept_figures_until_asked_for_a_date(
    kept_loan, client, project_leader, evaluator
):
    from mikrolaan.core.suppression import HIDDEN
    from mikrolaan.outcomes import economics, funnel
    from mikrolaan.outcomes.panels import programme_in_figures

    _loan, today = kept_loan
    computed = economics.compute_economics(today)
    assert computed["totals"]["borrowers"] == 1
    # Kept as JSON and read back: every figure as computed, money as Decimal again.
    assert economics.from_json(snapshots.of_today("economics").data) == computed
    assert snapshots.of_today("funnel").data == funnel.compute_funnel(today)

    kept_funnel = snapshots.of_today("funnel").data
    kept_funnel["totals"] = {**kept_funnel["totals"], "referred": 4321}
    Snapshot.objects.filter(key="funnel", on=today).update(data=kept_funnel)
    kept_gain = snapshots.of_today("economics").data
    kept_gain["totals"] = {**kept_gain["totals"], "public_support_saved": "98765.40"}
    Snapshot.objects.filter(key="economics", on=today).update(data=kept_gain)
    # The start page's headline figures are taken from the kept funnel.
    assert programme_in_figures(today)["referred"] == 4321

    client.force_login(project_leader)
    kept = client.get("/outcomes/funnel/")
    assert KEPT in kept.content.decode()
    assert kept.context["funnel"]["totals"]["referred"] == 4321
    now = client.get("/outcomes/funnel/", {"as_of": today.isoformat()})
    assert KEPT not in now.content.decode() and now.context["funnel"]["totals"]["referred"] == 1

    # No case access: small numbers hidden in the kept funnel too.
    Snapshot.objects.filter(key="funnel", on=today).update(data=funnel.compute_funnel(today))
    client.force_login(evaluator)
    hidden = client.get("/outcomes/funnel/")
    assert KEPT in hidden.content.decode()
    assert hidden.context["funnel"]["totals"]["borrower"] is HIDDEN
    client.force_login(project_leader)
    gain = client.get("/outcomes/economics/")
    assert KEPT in gain.content.decode()
    assert gain.context["result"]["totals"]["public_support_saved"] == Decimal("98765.40")
    now = client.get("/outcomes/economics/", {"as_of": today.isoformat()})
    assert now.context["result"]["totals"]["public_support_saved"] != Decimal("98765.40")
    assert KEPT not in now.content.decode()
