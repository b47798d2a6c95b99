"""Migration operations that make the database itself keep our invariants."""

from django.db import migrations


class AppendOnlyTrigger(migrations.RunSQL):
    """Refuse UPDATE on a table in the database (and DELETE on PostgreSQL).

    Kept for the migrations that use it. The triggers that hold are those of
    ``mikrolaan.core.append_only``: after every ``migrate`` it re-creates, for every
    append-only model found in the code, triggers refusing UPDATE and DELETE on both
    databases unless an erasure permit is held (``mikrolaan.audit.erasure``). New append-only
    models need no migration operation.
    """

    def __init__(self, table: str):
        self.table = table
        super().__init__(sql="", reverse_sql="")

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        t = self.table
        if schema_editor.connection.vendor == "postgresql":
            self._run_sql(
                schema_editor,
                f"""
                CREATE OR REPLACE FUNCTION mikrolaan_append_only() RETURNS trigger AS $$
                BEGIN
                  RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'integrity_constraint_violation';
                END $$ LANGUAGE plpgsql;
                CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t}
                  FOR EACH ROW EXECUTE FUNCTION mikrolaan_append_only();
                """,
            )
        elif schema_editor.connection.vendor == "sqlite":
            self._run_sql(
                schema_editor,
                f"""
                CREATE TRIGGER {t}_append_only BEFORE UPDATE ON {t}
                BEGIN SELECT RAISE(ABORT, 'append-only table {t}: UPDATE refused'); END;
                """,
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        t = self.table
        if schema_editor.connection.vendor == "postgresql":
            self._run_sql(schema_editor, f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};")
        elif schema_editor.connection.vendor == "sqlite":
            self._run_sql(schema_editor, f"DROP TRIGGER IF EXISTS {t}_append_only;")

    def describe(self):
        return f"Make {self.table} append-only in the database"
