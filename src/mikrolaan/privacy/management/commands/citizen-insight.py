"""``mikrolaan citizen-insight CPR -o DIR``: the citizen's right of access (GDPR art. 15).

Writes one PDF and one JSON file with everything the system holds on the citizen into DIR
(created with mode 0700; the files are 0600: they hold personal data) and records the
extract in the audit log.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.privacy import services, writers


class Command(BaseCommand):
    help = gettext_lazy(
        "Write everything the system holds on a citizen into a folder (PDF and JSON)."
    )

    def add_arguments(self, parser):
        parser.add_argument("cpr", metavar="CPR", help=_("The citizen's CPR number (DDMMYY-SSSS)."))
        parser.add_argument(
            "-o",
            "--output",
            required=True,
            metavar=_("FOLDER"),
            help=_("Folder for the files; created, readable by you only, if it does not exist."),
        )

    def handle(self, *args, cpr, output, **options):
        directory = Path(output)
        if directory.exists() and not directory.is_dir():
            raise CommandError(_("%(path)s exists and is not a folder.") % {"path": directory})
        try:
            citizen = services.find_citizen(cpr)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        files = services.insight_files(citizen)
        # One transaction: if the files cannot be written, no extract is recorded.
        with transaction.atomic():
            services.record_extract(citizen, acting_user=None, channel="command")
            try:
                paths = writers.write(files, directory)
            except OSError as exc:
                raise CommandError(
                    _("The files could not be written to %(dir)s: %(error)s")
                    % {"dir": directory, "error": exc.strerror or exc}
                ) from None
        self.stdout.write(
            _("The insight for %(name)s is written to %(dir)s:")
            % {"name": citizen.full_name or citizen.cpr_display, "dir": directory}
        )
        for path in paths:
            self.stdout.write(f"  {path.name}")
