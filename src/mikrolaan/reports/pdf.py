"""The report as a PDF a municipality can send to its council (WeasyPrint)."""

import datetime as dt
import logging

from django.template.loader import render_to_string
from django.utils import timezone

from mikrolaan.reports.charts import all_charts
from mikrolaan.reports.tables import build_tables, display_rows, thousands


def context(report: dict) -> dict:
    tables = [display_rows(t) for t in build_tables(report)]
    totals = report["totals"]
    return {
        "report": report,
        "as_of": dt.date.fromisoformat(report["as_of"]),
        "tables": {t["number"]: t for t in tables},
        "table_list": tables,
        "charts": all_charts(report),
        "cohort_codes": [c["cohort"] for c in report["cohorts"]],
        "key": {
            "borrowers": report["borrowers"],
            "self_supporting": totals["self_supporting"],
            "self_supporting_pct": round(100 * totals["self_supporting"] / report["borrowers"])
            if report["borrowers"]
            else None,
            "days": thousands(totals["self_supporting_days"]),
            "days_mean": thousands(totals["self_supporting_days_mean"]),
            "original": thousands(int(float(totals["original_debt"]))),
            "current": thousands(int(float(totals["current_debt"]))),
            "repaid_pct": totals["repaid_pct"],
            "fully_repaid": totals["fully_repaid"],
            "collection": totals["transferred_to_collection"],
            "open": report["open_loan_sizes"]["count"],
        },
        "generated": timezone.localdate(),
    }


def render_html(report: dict) -> str:
    return render_to_string("reports/pdf.html", context(report))


def render_pdf(report: dict) -> bytes:
    # WeasyPrint reports each step (even its own stylesheets, parsed on import) at INFO
    # level; a command's output is not the place.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    return HTML(string=render_html(report)).write_pdf()
