"""``mikrolaan economics --as-of D --format json``: the economic gain with its assumptions."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.core.formatting import money, number, short_date
from mikrolaan.outcomes.economics import (
    MONEY_FIELDS,
    as_json,
    compute_economics,
    suppress_economics,
)
from mikrolaan.outcomes.management.commands.funnel import parse_date
from mikrolaan.outcomes.views import ECONOMICS_LINES


class Command(BaseCommand):
    help = gettext_lazy(
        "Public support saved by self-supporting days against programme cost and losses."
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
        result = as_json(compute_economics(day))
        if suppress:
            if format != "json":
                raise CommandError(_("--suppress needs --format json."))
            result = suppress_economics(result)
        if format == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        labels = {key: str(label) for label, key, _money, _strong in ECONOMICS_LINES}
        self.stdout.write(
            _("Economic gain as of %(date)s (kroner)") % {"date": short_date(result["as_of"])}
        )
        for row in [*result["cohorts"], {"cohort": _("TOTAL"), **result["totals"]}]:
            self.stdout.write(
                "\n"
                + _(
                    "%(cohort)s: %(participants)s participants, %(borrowers)s borrowers, "
                    "%(days)s self-supporting days"
                )
                % {
                    "cohort": row["cohort"] or "-",
                    "participants": number(row["participants"]),
                    "borrowers": number(row["borrowers"]),
                    "days": number(row["self_supporting_days"]),
                }
            )
            for key in MONEY_FIELDS:
                self.stdout.write(f"  {labels.get(key, key):<44}{number(row[key], 2):>16}")
        a = result["assumptions"]
        self.stdout.write("\n" + _("ASSUMPTIONS:") + " " + a["statement"])
        for line in a["method"]:
            self.stdout.write("  - " + line)
        for s in a["programme_cost_settings"]:
            self.stdout.write(
                "  "
                + _("costs from %(date)s: %(setting)s")
                % {"date": short_date(s["valid_from"]), "setting": s}
            )
        for r in a["public_support_rates"]:
            self.stdout.write(
                "  "
                + _("rate %(category)s from %(date)s: %(rate)s per day")
                % {
                    "category": r["category"] or _("default"),
                    "date": short_date(r["valid_from"]),
                    "rate": money(r["daily_rate"]),
                }
            )
