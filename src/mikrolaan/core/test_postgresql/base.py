"""PostgreSQL backend for the test suite only: a flush that deletes instead of truncating.

Django's test flush (TransactionTestCase, live-server and browser tests) empties every table
after each test with one ``TRUNCATE`` of all of them, which on PostgreSQL makes new files for
every table and index: 3–6 seconds a test here, a few minutes of every run. The tables hold a
few rows by then, so ``DELETE`` is much faster. It runs with ``session_replication_role =
replica`` for the flush's own transaction (the test user is a superuser), so neither the
foreign keys nor the append-only triggers see it — as they do not see a ``TRUNCATE``.
Production keeps Django's backend.
"""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            "SET LOCAL session_replication_role = replica",
            *(f"DELETE FROM {self.quote_name(table)}" for table in tables),  # noqa: S608
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
