"""``mikrolaan bank import FILE [FILE …]``: import bank statements (camt.053 or CSV).

Prints what happened to each file (posted, queued with reasons, skipped, already imported)
and exits non-zero when a file was rejected; the other files are still imported.
"""

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mikrolaan.banking.matching import REASON_LABELS
from mikrolaan.banking.services import ImportStatus, import_statement_file


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{REASON_LABELS.get(r, r)}: {n}" for r, n in sorted(counter.items()))


class Command(BaseCommand):
    help = gettext_lazy(
        "Bank statements: import camt.053 or CSV files and post repayments by +71 payment ID."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help=_("Import statement files."))
        imp.add_argument("files", nargs="+", metavar=_("FILE"), help=_("camt.053 or CSV files"))
        imp.add_argument(
            "--account",
            default="",
            metavar=_("ACCOUNT"),
            help=_("The account of CSV files (CSV does not name it)."),
        )

    def handle(
        self, *args: Any, action: str, files: list[str], account: str, **options: Any
    ) -> None:
        rejected = 0
        totals = {"posted": 0, "queued": 0, "skipped": 0, "already": 0}
        for name in files:
            path = Path(name)
            try:
                with path.open("rb") as content:  # read as a stream, never whole
                    result = import_statement_file(path.name, content, account=account)
            except OSError as exc:
                self.stderr.write(
                    _("%(name)s: rejected: cannot read the file (%(error)s)")
                    % {"name": name, "error": exc.strerror}
                )
                rejected += 1
                continue
            if result.status == ImportStatus.REJECTED:
                rejected += 1
                self.stderr.write(
                    _("%(name)s: rejected, nothing imported: %(error)s")
                    % {"name": name, "error": result.error}
                )
                continue
            if result.status == ImportStatus.ALREADY_IMPORTED:
                totals["already"] += 1
                self.stdout.write(_("%(name)s: already imported, nothing changed") % {"name": name})
                continue
            totals["posted"] += result.posted
            totals["queued"] += result.queued_total
            totals["skipped"] += result.skipped_total
            line = _("%(name)s: posted %(posted)s, queued %(queued)s") % {
                "name": name,
                "posted": result.posted,
                "queued": result.queued_total,
            }
            if result.queued:
                line += f" ({_counts(result.queued)})"
            line += ", " + _("skipped %(n)s") % {"n": result.skipped_total}
            if result.skipped:
                line += f" ({_counts(result.skipped)})"
            if result.already_imported_statements:
                line += (
                    ", "
                    + _("already imported statements:")
                    + " "
                    + ", ".join(result.already_imported_statements)
                )
            self.stdout.write(line)
        if len(files) > 1:
            self.stdout.write(
                _(
                    "total: posted %(posted)s, queued %(queued)s, skipped %(skipped)s, "
                    "already imported files %(already)s"
                )
                % totals
            )
        if rejected:
            raise CommandError(
                ngettext("%(n)s file rejected", "%(n)s files rejected", rejected) % {"n": rejected}
            )
