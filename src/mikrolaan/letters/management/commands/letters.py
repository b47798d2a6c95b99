"""``mikrolaan letters send``: hand queued letters to the transport (after a crash, say)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mikrolaan.letters.services import dispatch_queued


class Command(BaseCommand):
    help = gettext_lazy("The letters outbox.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("send", help=_("Send the letters still waiting in the outbox."))

    def handle(self, *args, subcommand, **options):
        sent = dispatch_queued()
        self.stdout.write(ngettext("%(n)s letter sent", "%(n)s letters sent", sent) % {"n": sent})
