"""``mikrolaan fund [--as-of D] [--format json|text]``: the revolving fund on a date."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.loans.fund import fund_json, fund_on
from mikrolaan.loans.fund_text import fund_lines
from mikrolaan.loans.management.commands.loans import parse_date


class Command(BaseCommand):
    help = gettext_lazy(
        "The revolving fund: paid out, repaid, outstanding, in collection, arrears ageing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", metavar=_("DATE"), help=_("Date YYYY-MM-DD (default: today).")
        )
        parser.add_argument(
            "--format", choices=["json", "text"], default="text", help=_("Output format.")
        )

    def handle(self, *args: Any, as_of: str | None, format: str, **options: Any) -> None:
        day = parse_date(as_of) if as_of else timezone.localdate()
        fund = fund_on(day)
        if format == "json":
            self.stdout.write(json.dumps(fund_json(fund), ensure_ascii=False, indent=2))
            return
        self.stdout.write("\n".join(fund_lines(fund)))
