"""``mikrolaan servicing run --date D`` — the daily servicing run (arrears, reminders, tasks,
letters). For the scheduler: ``mikrolaan servicing run --if-bank-day`` runs for today, and
only on Danish bank days; run it every day from cron or a systemd timer (docs/servicing.md).

``mikrolaan servicing letters`` issues reminders still waiting for their letter (the run does
this itself; useful after a transport failure). ``mikrolaan servicing receipts FILE`` records
what the letter transport reported later (CSV ``letter_id,status,date,detail``; status
``delivered`` or ``failed``).
"""

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.core import snapshots
from mikrolaan.core.formatting import short_date
from mikrolaan.servicing import receipts, run
from mikrolaan.servicing.reminders import issue_pending


def parse_date(value: str, option: str = "--date") -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("%(option)s: %(value)r is not a date (YYYY-MM-DD)")
            % {"option": option, "value": value}
        ) from exc


class Command(BaseCommand):
    help = gettext_lazy("The daily servicing run: arrears, reminders, tasks, letters.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        r = sub.add_parser("run", help=_("Run the servicing for a date."))
        when = r.add_mutually_exclusive_group(required=True)
        when.add_argument("--date", metavar=_("DATE"), help=_("Date YYYY-MM-DD."))
        when.add_argument(
            "--if-bank-day",
            action="store_true",
            help=_("For the scheduler: run for today, only if today is a Danish bank day."),
        )
        r.add_argument(
            "--no-letters",
            action="store_true",
            help=_("Decide reminders and tasks but leave the letters for `servicing letters`."),
        )
        r.add_argument(
            "--batch-size",
            type=int,
            default=100,
            metavar=_("NUMBER"),
            help=_("Loans per transaction (default 100)."),
        )
        r.add_argument(
            "--letters-in-background",
            type=int,
            default=0,
            metavar=_("NUMBER"),
            help=_(
                "Leave the letters to this many parallel background jobs (mikrolaan worker) "
                "instead of issuing them in the run."
            ),
        )
        sub.add_parser("letters", help=_("Issue reminders that have no letter yet."))
        rc = sub.add_parser("receipts", help=_("Record delivered/failed reports from a CSV file."))
        rc.add_argument("file", metavar=_("FILE"), help=_("CSV file"))

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        getattr(self, f"do_{subcommand}")(**options)

    def do_run(
        self,
        *,
        date: str | None,
        if_bank_day: bool,
        no_letters: bool,
        batch_size: int,
        letters_in_background: int = 0,
        **options: Any,
    ) -> None:
        if if_bank_day:
            day = timezone.localdate()
            if not run.should_run_today(day):
                # The pages still read the day's kept figures (``core.snapshots``).
                snapshots.refresh(day)
                self.stdout.write(
                    _("%(date)s is not a Danish bank day; only the day's figures were counted.")
                    % {"date": short_date(day)}
                )
                return
        else:
            assert date is not None  # --date and --if-bank-day: one is required
            day = parse_date(date)
        try:
            result = run.run(
                day,
                issue_letters=not (no_letters or letters_in_background),
                batch_size=batch_size,
            )
        except run.RunError as exc:
            raise CommandError(str(exc)) from exc
        if letters_in_background and not no_letters:
            from mikrolaan.servicing.letter_jobs import enqueue_letters

            jobs = enqueue_letters(parts=letters_in_background)
            self.stdout.write(
                _("letters queued for %(n)s background jobs (mikrolaan worker)") % {"n": len(jobs)}
            )
        c = result.counts
        self.stdout.write(
            _(
                "servicing run %(date)s (attempt %(attempt)s): loans in arrears %(arrears)s, "
                "reminder cycles opened %(opened)s, closed %(closed)s, reminders %(reminders)s, "
                "tasks %(tasks)s, letters %(letters)s; set-based part %(seconds)s s"
            )
            % {
                "date": short_date(day),
                "attempt": result.run.attempts,
                "arrears": c.get("in_arrears", 0),
                "opened": c.get("cycles_opened", 0),
                "closed": c.get("cycles_closed", 0),
                "reminders": c.get("reminders", 0),
                "tasks": c.get("tasks", 0),
                "letters": c.get("letters", 0),
                "seconds": f"{result.seconds.get('set_based', 0):.2f}".replace(".", ","),
            }
        )

    def do_letters(self, **options: Any) -> None:
        self.stdout.write(_("%(n)s reminder letters issued") % {"n": issue_pending()})

    def do_receipts(self, *, file: str, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        try:
            result = receipts.import_letter_receipts(path.read_text(encoding="utf-8"))
        except receipts.ReceiptError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("%(recorded)s receipts recorded, %(unchanged)s unchanged")
            % {"recorded": result.recorded, "unchanged": result.unchanged}
        )
