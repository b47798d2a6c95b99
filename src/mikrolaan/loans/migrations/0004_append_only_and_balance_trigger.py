from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger


class BalanceNotBelowZeroTrigger(migrations.RunSQL):
    """PostgreSQL refuses, at commit, a transaction that leaves a loan owing less than zero.

    A deferred constraint trigger runs after every statement of the transaction has run, so a
    reversal and its new entry may pass through a negative moment together. SQLite: the code
    (``loans.ledger.post``) is the only guard there.
    """

    def __init__(self):
        super().__init__(sql="", reverse_sql="")

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        self._run_sql(
            schema_editor,
            """
            CREATE OR REPLACE FUNCTION mikrolaan_loan_balance_not_negative() RETURNS trigger AS $$
            DECLARE owed numeric;
            BEGIN
              SELECT COALESCE(SUM(debt_delta), 0) INTO owed
                FROM loans_ledgerentry WHERE loan_id = NEW.loan_id;
              IF owed < 0 THEN
                RAISE EXCEPTION 'loan %: the balance would be % (below zero)', NEW.loan_id, owed
                  USING ERRCODE = 'check_violation';
              END IF;
              RETURN NULL;
            END $$ LANGUAGE plpgsql;
            CREATE CONSTRAINT TRIGGER loans_ledgerentry_balance_not_negative
              AFTER INSERT ON loans_ledgerentry
              DEFERRABLE INITIALLY DEFERRED
              FOR EACH ROW EXECUTE FUNCTION mikrolaan_loan_balance_not_negative();
            """,
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        self._run_sql(
            schema_editor,
            "DROP TRIGGER IF EXISTS loans_ledgerentry_balance_not_negative ON loans_ledgerentry;"
            "DROP FUNCTION IF EXISTS mikrolaan_loan_balance_not_negative();",
        )

    def describe(self):
        return "Refuse a loan balance below zero at commit (PostgreSQL)"


class Migration(migrations.Migration):
    dependencies = [("loans", "0003_plan_deferrals_overpayments")]

    operations = [
        AppendOnlyTrigger("loans_deferral"),
        AppendOnlyTrigger("loans_overpayment"),
        AppendOnlyTrigger("loans_overpaymentrefund"),
        BalanceNotBelowZeroTrigger(),
    ]
