"""``mikrolaan export PATH``: write everything as an interchange bundle."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from mikrolaan.interchange.services import export_bundle


class Command(BaseCommand):
    help = "Export the programme's data as an interchange bundle (a folder, or PATH.zip)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a folder, or a file name ending in .zip")

    def handle(self, *args, path, **options):
        counts = export_bundle(path)
        summary = ", ".join(f"{name} {n}" for name, n in counts.items())
        self.stdout.write(
            _("Bundle written to %(path)s (%(summary)s).") % {"path": path, "summary": summary}
        )
