"""The ``mikrolaan bench`` subcommands: one module each, found by the command on its own.

A subcommand module holds

- ``HELP``: one line for ``mikrolaan bench --help``;
- ``add_arguments(parser)``: its options, on an ``argparse`` subparser;
- ``handle(command, **options)``: the run; ``command`` is the management command (its
  ``stdout``/``stderr`` for output). Raise ``CommandError`` for bad input.

The subcommand's name is the module's name with ``_`` written as ``-``.
"""

import importlib
import pkgutil
from types import ModuleType


def all_subcommands() -> dict[str, ModuleType]:
    """Every subcommand module in this package, by subcommand name, sorted."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        found[info.name.replace("_", "-")] = importlib.import_module(f"{__name__}.{info.name}")
    return found
