"""``mikrolaan economics --as-of D --format json``: the economic gain with its assumptions."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.outcomes.economics import (
    MONEY_FIELDS,
    as_json,
    compute_economics,
    suppress_economics,
)
from mikrolaan.outcomes.management.commands.funnel import parse_date


class Command(BaseCommand):
    help = "Public support saved by self-supporting days against programme cost and losses."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="date YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument(
            "--suppress",
            action="store_true",
            help="hide small numbers as for roles without case access (json only)",
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
        self.stdout.write(f"Economic gain as of {result['as_of']} (kroner)")
        for row in [*result["cohorts"], {"cohort": "TOTAL", **result["totals"]}]:
            self.stdout.write(
                f"\n{row['cohort'] or '-'}: {row['participants']} participants, "
                f"{row['borrowers']} borrowers, "
                f"{row['self_supporting_days']} self-supporting days"
            )
            for key in MONEY_FIELDS:
                self.stdout.write(f"  {key:<32}{row[key]:>16}")
        a = result["assumptions"]
        self.stdout.write("\nASSUMPTIONS: " + a["statement"])
        for line in a["method"]:
            self.stdout.write("  - " + line)
        for s in a["programme_cost_settings"]:
            self.stdout.write(f"  costs from {s['valid_from']}: {s}")
        for r in a["public_support_rates"]:
            self.stdout.write(
                f"  rate {r['category'] or 'default'} from {r['valid_from']}: {r['daily_rate']}/day"
            )
