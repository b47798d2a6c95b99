"""SQLite backend for the test suite only: its flush goes through the append-only triggers.

Django's test flush (TransactionTestCase, live-server and browser tests) empties tables with
DELETE on SQLite, which the append-only triggers refuse. This backend's flush holds an
erasure permit (a row in ``core_erasurepermit``) for the flush's own transaction, as
``mikrolaan.audit.erasure.erasure_permit`` does. Production keeps Django's backend, where a
flush of append-only tables stays refused. (PostgreSQL flushes with TRUNCATE, which row
triggers do not see.)
"""

from django.db.backends.sqlite3 import base, operations

PERMIT_TABLE = "core_erasurepermit"  # ErasurePermit's table (no model import: loaded early)


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        tables = [t for t in tables if t != PERMIT_TABLE]
        sql = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not sql:
            return sql
        return [
            f"INSERT INTO {PERMIT_TABLE} (why, started_at) "  # noqa: S608
            "VALUES ('test flush', CURRENT_TIMESTAMP)",
            *sql,
            f"DELETE FROM {PERMIT_TABLE}",  # noqa: S608
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
