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


class _Dots:
    """Progress of a large file in the terminal: the step, then a dot per batch."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.started = False

    def stage(self, step: str, *, total: int = 0) -> None:
        self.end()
        self.started = True
        self.out.write(f"{step} " + (f"({total:,}) ".replace(",", ".") if total else ""), ending="")

    def end(self) -> None:
        if self.started:
            self.out.write("")
        self.started = False

    def advance(self, n: int = 1, **kwargs: Any) -> None:
        if n > 1:
            self.out.write(".", ending="")
            self.out.flush()


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
        imp.add_argument(
            "--background",
            action="store_true",
            help=_("Queue the import for the worker (mikrolaan worker) instead of waiting for it."),
        )

    def handle(
        self,
        *args: Any,
        action: str,
        files: list[str],
        account: str,
        background: bool,
        **options: Any,
    ) -> None:
        if background:
            self.queue(files, account)
            return
        rejected = 0
        dots = _Dots(self.stderr) if self.stderr.isatty() else None
        totals = {"posted": 0, "queued": 0, "skipped": 0, "already": 0}
        for name in files:
            path = Path(name)
            try:
                with path.open("rb") as content:  # read as a stream, never whole
                    result = import_statement_file(
                        path.name, content, account=account, progress=dots
                    )
                if dots:
                    dots.end()
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

    def queue(self, files: list[str], account: str) -> None:
        """Queue each file's import for the worker; the files are kept until it has run."""
        from mikrolaan.banking.jobs import enqueue_import

        for name in files:
            path = Path(name)
            try:
                with path.open("rb") as content:
                    job = enqueue_import(path.name, content, account=account)
            except OSError as exc:
                raise CommandError(
                    _("%(name)s: cannot read the file (%(error)s)")
                    % {"name": name, "error": exc.strerror}
                ) from exc
            self.stdout.write(
                _("%(name)s: queued as job %(job)s; 'mikrolaan worker' imports it.")
                % {"name": name, "job": job.pk}
            )
