"""The database keeps append-only records append-only, on PostgreSQL and on SQLite.

Every model whose default manager is an ``AppendOnlyQuerySet`` (every ``AppendOnlyModel``,
and the audit log) gets row triggers that refuse UPDATE and DELETE unless an erasure permit
is held (``mikrolaan.audit.erasure``). The triggers are (re)created after every ``migrate``
by a ``post_migrate`` handler, so a later migration that rebuilds a table (SQLite does that
for most ``AlterField``s, dropping the table's triggers) cannot lose them; the handler then
checks that every trigger is there and fails loudly when one is not.
"""

from django.apps import apps
from django.db import connections

from mikrolaan.core.models import AppendOnlyQuerySet

PERMIT_TABLE = "core_erasurepermit"

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION mikrolaan_append_only() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM core_erasurepermit) THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql
"""


class AppendOnlyTriggersMissing(RuntimeError):
    """An append-only table lacks its UPDATE or DELETE trigger after migrate."""


def append_only_models() -> list:
    """Every concrete model whose rows may only be added, found from the code."""
    found = []
    for model in apps.get_models():
        manager = model._default_manager
        queryset_class = getattr(manager, "_queryset_class", None)
        if queryset_class is not None and issubclass(queryset_class, AppendOnlyQuerySet):
            found.append(model)
    return sorted(found, key=lambda m: m._meta.db_table)


def trigger_names(table: str, vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"{table}_append_only", f"{table}_append_only_delete"]
    return [f"{table}_append_only"]


def _statements(table: str, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mikrolaan_append_only()",
        ]
    statements = []
    for name, op in zip(trigger_names(table, vendor), ("UPDATE", "DELETE"), strict=True):
        # Table names come from the models, never from input.
        permit = f"SELECT 1 FROM {PERMIT_TABLE}"  # noqa: S608
        refuse = f"SELECT RAISE(ABORT, 'append-only table {table}: {op} refused')"  # noqa: S608
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} BEFORE {op} ON {table} WHEN NOT EXISTS ({permit}) "
            f"BEGIN {refuse}; END",
        ]
    return statements


def existing_triggers(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def missing_triggers(connection) -> list[str]:
    """The append-only triggers a migrated table lacks (tables not yet created are skipped)."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return []
    tables = set(connection.introspection.table_names())
    have = existing_triggers(connection)
    return [
        name
        for model in append_only_models()
        if model._meta.db_table in tables
        for name in trigger_names(model._meta.db_table, connection.vendor)
        if name not in have
    ]


def install_triggers(connection) -> None:
    """Create or re-create the triggers of every append-only table; idempotent."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    tables = set(connection.introspection.table_names())
    if PERMIT_TABLE not in tables:
        return  # core is not migrated yet: the next migrate installs them
    statements = [_PG_FUNCTION] if connection.vendor == "postgresql" else []
    for model in append_only_models():
        if model._meta.db_table in tables:
            statements += _statements(model._meta.db_table, connection.vendor)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    missing = missing_triggers(connection)
    if missing:
        raise AppendOnlyTriggersMissing(f"append-only triggers missing: {', '.join(missing)}")


def install_after_migrate(sender, using="default", **kwargs) -> None:
    install_triggers(connections[using])
