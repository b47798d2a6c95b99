"""``mikrolaan report --as-of D --format json|xlsx|pdf [-o FILE] [--cohorts M3,M4] [--suppress]``.

Exact, as the contract says; ``--suppress`` gives the version roles without case access see.
"""

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.reports.services import build_report, suppress_report


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("'%(v)s' is not a date (YYYY-MM-DD)") % {"v": value}) from None


class Command(BaseCommand):
    help = gettext_lazy("The review's chapter-7 tables for an as-of date, as json, xlsx or pdf.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", required=True, metavar=_("DATE"), help=_("The date, YYYY-MM-DD.")
        )
        parser.add_argument(
            "--format", choices=["json", "xlsx", "pdf"], default="json", help=_("Output format.")
        )
        parser.add_argument(
            "-o",
            "--output",
            metavar=_("FILE"),
            help=_("file to write (json: default stdout)"),
        )
        parser.add_argument(
            "--cohorts",
            metavar=_("COHORTS"),
            help=_("comma-separated cohort codes, e.g. M3,M4,M5,M6"),
        )
        parser.add_argument(
            "--suppress",
            action="store_true",
            help=_("hide small numbers as for roles without case access (the aggregate version)"),
        )

    def handle(self, *args, as_of, format, output, cohorts, suppress=False, **options):
        if format != "json" and not output and sys.stdout.isatty():
            # Binary on a terminal is garbage: refuse before building anything.
            raise CommandError(_("Give -o FILE for the %(format)s format.") % {"format": format})
        day = _date(as_of)
        codes = [c.strip() for c in cohorts.split(",") if c.strip()] if cohorts else None
        report = build_report(day, codes)
        if suppress:
            report = suppress_report(report)
        if format == "json":
            text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
            if output:
                with open(output, "w", encoding="utf-8") as fh:
                    fh.write(text)
            else:
                self.stdout.write(text, ending="")
            return
        if format == "xlsx":
            from mikrolaan.reports.xlsx import render_xlsx

            data = render_xlsx(report)
        else:
            from mikrolaan.reports.pdf import render_pdf

            data = render_pdf(report)
        if output:
            with open(output, "wb") as fh:
                fh.write(data)
        else:
            sys.stdout.buffer.write(data)
