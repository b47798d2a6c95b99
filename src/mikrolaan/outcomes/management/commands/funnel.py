"""``mikrolaan funnel --as-of D --format json``: the funnel from referral to loan."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.core.formatting import short_date
from mikrolaan.outcomes.funnel import STEPS, compute_funnel, step_labels, suppress_funnel


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("--as-of: %(value)r is not a date (YYYY-MM-DD)") % {"value": value}
        ) from exc


class Command(BaseCommand):
    help = gettext_lazy(
        "The funnel referred → screened → admitted → decision → borrower, with dropouts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", metavar=_("DATE"), help=_("date YYYY-MM-DD (default: today)")
        )
        parser.add_argument(
            "--format", choices=["json", "text"], default="json", help=_("Output format.")
        )
        parser.add_argument(
            "--suppress",
            action="store_true",
            help=_("hide small numbers as for roles without case access (json only)"),
        )

    def handle(self, *args, as_of=None, format="json", suppress=False, **options):
        day = parse_date(as_of) if as_of else timezone.localdate()
        result = compute_funnel(day)
        if suppress:
            if format != "json":
                raise CommandError(_("--suppress needs --format json."))
            result = suppress_funnel(result)
        if format == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_("The funnel as of %(date)s") % {"date": short_date(result["as_of"])})
        labels = step_labels()
        conversion = _("conversion") + " %"
        width = max(10, *(len(str(labels[s])) + 2 for s in STEPS))
        header = (
            f"{'':<24}"
            + "".join(f"{str(labels[s]):>{width}}" for s in STEPS)
            + f" {conversion:>15}"
        )
        self.stdout.write(header)
        for row in [{"cohort": _("total"), **result["totals"]}, *result["cohorts"]]:
            pct = row["conversion_pct"]
            self.stdout.write(
                f"{row['cohort'] or '-':<24}"
                + "".join(f"{row[s]:>{width}}" for s in STEPS)
                + f" {'' if pct is None else str(pct).replace('.', ','):>15}"
            )
