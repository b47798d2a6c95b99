"""The report as a PDF a municipality can send to its council (WeasyPrint)."""

import datetime as dt
import logging

from django.template.loader import render_to_string
from django.utils import timezone

from mikrolaan.core.suppression import HIDDEN, is_hidden, marked, suppression_note
from mikrolaan.reports.charts import all_charts
from mikrolaan.reports.tables import build_tables, display_rows, thousands


def context(report: dict) -> dict:
    tables = [display_rows(t) for t in build_tables(report)]
    note = suppression_note(report)
    report = marked(report)
    totals = report["totals"]
    borrowers, self_supporting = report["borrowers"], totals["self_supporting"]
    return {
        "report": report,
        "as_of": dt.date.fromisoformat(report["as_of"]),
        "tables": {t["number"]: t for t in tables},
        "table_list": tables,
        "charts": all_charts(report),
        "cohort_codes": [c["cohort"] for c in report["cohorts"]],
        "suppression_note": note,
        "key": {
            "borrowers": borrowers,
            "self_supporting": self_supporting,
            "self_supporting_pct": (
                HIDDEN
                if is_hidden(borrowers) or is_hidden(self_supporting)
                else round(100 * self_supporting / borrowers)
                if borrowers
                else None
            ),
            "days": thousands(totals["self_supporting_days"]),
            "days_mean": thousands(totals["self_supporting_days_mean"]),
            "original": _kroner(totals["original_debt"]),
            "current": _kroner(totals["current_debt"]),
            "repaid_pct": totals["repaid_pct"],
            "fully_repaid": totals["fully_repaid"],
            "collection": totals["transferred_to_collection"],
            "open": report["open_loan_sizes"]["count"],
        },
        "generated": timezone.localdate(),
    }


def _kroner(value) -> str:
    return thousands(value) if is_hidden(value) else thousands(int(float(value)))


def render_html(report: dict) -> str:
    return render_to_string("reports/pdf.html", context(report))


def render_pdf(report: dict) -> bytes:
    # WeasyPrint reports each step (even its own stylesheets, parsed on import) at INFO
    # level; a command's output is not the place.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    return HTML(string=render_html(report)).write_pdf()
