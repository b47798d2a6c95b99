"""``mikrolaan fund [--as-of D] [--format json|text]``: the revolving fund on a date.

``mikrolaan fund forecast [--as-of D] [-o FILE] [--backtest D [--until D]]``: the fund
forecast (``loans.forecast``) as JSON; with ``--backtest`` the forecast from that date beside
what the ledger shows happened afterwards (``docs/fund-forecast.md``).
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.loans import forecast
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
        sub = parser.add_subparsers(dest="subcommand")
        fc = sub.add_parser(
            "forecast",
            help=_(
                "Forecast the fund's inflows month by month with a range, and what it can lend "
                "next year (JSON)."
            ),
        )
        fc.add_argument(
            "--as-of",
            metavar=_("DATE"),
            help=_("Forecast from this date, YYYY-MM-DD (default: today)."),
        )
        fc.add_argument("-o", "--output", metavar=_("FILE"), help=_("Write the JSON to this file."))
        fc.add_argument(
            "--backtest",
            default=None,
            metavar=_("DATE"),
            help=_("Forecast from date D and compare with what the ledger shows afterwards."),
        )
        fc.add_argument(
            "--until",
            metavar=_("DATE"),
            help=_("Backtest: compare the months that ended by this date (default: today)."),
        )
        fc.add_argument(
            "--window",
            type=int,
            default=forecast.WINDOW,
            metavar=_("NUMBER"),
            help=_("Months of history the roll rates are estimated from (default %(d)s).")
            % {"d": forecast.WINDOW},
        )
        fc.add_argument(
            "--months",
            type=int,
            default=forecast.HORIZON,
            metavar=_("NUMBER"),
            help=_("Months to forecast (default %(d)s).") % {"d": forecast.HORIZON},
        )

    def handle(
        self, *args: Any, subcommand: str | None = None, as_of: str | None = None, **options: Any
    ) -> None:
        if subcommand == "forecast":
            self.handle_forecast(as_of=as_of, **options)
            return
        day = parse_date(as_of) if as_of else timezone.localdate()
        fund = fund_on(day)
        if options["format"] == "json":
            self.stdout.write(json.dumps(fund_json(fund), ensure_ascii=False, indent=2))
            return
        self.stdout.write("\n".join(fund_lines(fund)))

    def handle_forecast(
        self,
        *,
        as_of: str | None,
        output: str | None,
        backtest: str | None,
        until: str | None,
        window: int,
        months: int,
        **_o: Any,
    ) -> None:
        options = {"window": window, "horizon": months}
        if backtest:
            until_day = parse_date(until) if until else timezone.localdate()
            data = forecast.backtest(parse_date(backtest), until=until_day, **options)
        else:
            day = parse_date(as_of) if as_of else timezone.localdate()
            data = forecast.forecast_json(forecast.fund_forecast(day, **options))
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
