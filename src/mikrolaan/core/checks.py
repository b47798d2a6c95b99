"""`mikrolaan check --database default` reports an append-only table without its triggers."""

from django.core import checks
from django.db import connections


@checks.register(checks.Tags.database)
def append_only_triggers(app_configs=None, databases=None, **kwargs):
    from mikrolaan.core.append_only import missing_triggers

    errors = []
    for alias in databases or []:
        for name in missing_triggers(connections[alias]):
            errors.append(
                checks.Error(
                    f"append-only trigger {name} is missing in database {alias!r}",
                    hint="Run `mikrolaan migrate`: it re-creates the triggers.",
                    id="mikrolaan.E001",
                )
            )
    return errors
