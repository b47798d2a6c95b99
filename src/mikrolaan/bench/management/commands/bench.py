"""``mikrolaan bench NAME …``: benchmarks on generated data, in a separate database, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mikrolaan_bench mikrolaan migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mikrolaan_bench \\
        mikrolaan bench arrears --loans 1000000

The subcommands are the modules of ``mikrolaan.bench.subcommands``.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

from mikrolaan.bench.subcommands import all_subcommands


class Command(BaseCommand):
    help = gettext_lazy("Benchmarks on a synthetic portfolio (use a separate database).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, module in all_subcommands().items():
            module.add_arguments(sub.add_parser(name, help=module.HELP))

    def handle(self, *args, subcommand, **options):
        return all_subcommands()[subcommand].handle(self, **options)
