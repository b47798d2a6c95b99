"""``mikrolaan letters send``: hand queued letters to the transport (after a crash, say)."""

from django.core.management.base import BaseCommand

from mikrolaan.letters.services import dispatch_queued


class Command(BaseCommand):
    help = "The letters outbox."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("send", help="Send the letters still waiting in the outbox.")

    def handle(self, *args, subcommand, **options):
        self.stdout.write(f"{dispatch_queued()} letters sent")
