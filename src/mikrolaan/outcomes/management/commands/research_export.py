"""``mikrolaan research_export PATH --key-file F``: the pseudonymised bundle for evaluators."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.outcomes.management.commands.funnel import parse_date
from mikrolaan.outcomes.research_export import (
    MIN_KEY_BYTES,
    ExportKeyError,
    write_pseudonymised_bundle,
)


class Command(BaseCommand):
    help = gettext_lazy(
        "Write a pseudonymised bundle (no CPR, no names, birth year and gender only) with "
        "aggregate tables where small counts are suppressed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", metavar=_("FOLDER"), help=_("folder to write (created if missing)")
        )
        parser.add_argument(
            "--key-file",
            required=True,
            metavar=_("FILE"),
            help=_(
                "file holding the export key (at least %(bytes)s bytes); keep it to "
                "make later exports linkable, use a new one to make them unlinkable"
            )
            % {"bytes": MIN_KEY_BYTES},
        )
        parser.add_argument(
            "--min-count",
            type=int,
            default=None,
            metavar=_("NUMBER"),
            help=_("smallest count shown (default: MIKROLAAN_SUPPRESSION_THRESHOLD, 3)"),
        )
        parser.add_argument(
            "--as-of",
            metavar=_("DATE"),
            help=_("date for the aggregate tables (default: today)"),
        )

    def handle(self, *args, path, key_file, min_count, as_of=None, **options):
        try:
            key = Path(key_file).read_bytes().strip()
        except OSError as exc:
            raise CommandError(f"--key-file: cannot read {key_file}: {exc.strerror}") from exc
        if min_count is not None and min_count < 1:
            raise CommandError("--min-count must be at least 1")
        try:
            written = write_pseudonymised_bundle(
                path,
                key=key,
                min_count=min_count,
                as_of=parse_date(as_of) if as_of else None,
            )
        except ExportKeyError as exc:
            raise CommandError(f"--key-file: {exc}") from exc
        for name, rows in written.items():
            self.stdout.write(f"{name}: {rows} rows")
        self.stdout.write(self.style.SUCCESS(f"Pseudonymised bundle written to {path}"))
