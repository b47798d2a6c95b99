from django.db import migrations


class TaskLoanForeignKeys(migrations.RunSQL):
    """PostgreSQL: a task of a reminder cycle has its loan checked against the cycle, not
    against the loan table.

    The contact tasks the daily run opens (tens of thousands on a heavy day) each had two
    checks, its cycle and its loan; the loan's check locks the loan's row (``FOR KEY SHARE``),
    which writes every locked loan's page to the WAL again after a checkpoint (180 MB for 82,878
    tasks at a million loans). Now:

    - ``task_cycle_and_loan``: the pair (cycle_id, loan_id) against the cycle's (id, loan_id),
      as a reminder's (migration 0005): a missing cycle, and a loan that is not the cycle's,
      are refused; the cycle's own foreign key holds its loan;
    - ``task_loan_without_cycle``: a task without a cycle (a citizen's request, a rejected
      claim) has its loan checked as before, through a stored generated column that holds the
      loan only when there is no cycle (``loan_without_cycle``; not in the model, never
      written, read by nothing but the constraint).

    SQLite keeps the model's two foreign keys, which are cheap there. Deferred to commit, as
    Django makes its foreign keys.
    """

    def __init__(self):
        super().__init__(sql="", reverse_sql="")

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, "Task")
        for column in ("cycle_id", "loan_id"):
            for name in schema_editor._constraint_names(model, [column], foreign_key=True):
                schema_editor.execute(
                    f"ALTER TABLE servicing_task DROP CONSTRAINT {schema_editor.quote_name(name)}"
                )
        schema_editor.execute(
            "ALTER TABLE servicing_task ADD COLUMN loan_without_cycle bigint "
            "GENERATED ALWAYS AS (CASE WHEN cycle_id IS NULL THEN loan_id END) STORED"
        )
        schema_editor.execute(
            "ALTER TABLE servicing_task ADD CONSTRAINT task_loan_without_cycle "
            "FOREIGN KEY (loan_without_cycle) REFERENCES loans_loan (id) "
            "DEFERRABLE INITIALLY DEFERRED"
        )
        schema_editor.execute(
            "ALTER TABLE servicing_task ADD CONSTRAINT task_cycle_and_loan "
            "FOREIGN KEY (cycle_id, loan_id) REFERENCES servicing_remindercycle (id, loan_id) "
            "DEFERRABLE INITIALLY DEFERRED"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            "ALTER TABLE servicing_task DROP CONSTRAINT IF EXISTS task_cycle_and_loan, "
            "DROP CONSTRAINT IF EXISTS task_loan_without_cycle, "
            "DROP COLUMN IF EXISTS loan_without_cycle"
        )
        model = to_state.apps.get_model(app_label, "Task")
        for name in ("cycle", "loan"):
            field = model._meta.get_field(name)
            schema_editor.execute(
                schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s")
            )

    def describe(self):
        return "A task's loan checked against its cycle, on PostgreSQL"


class Migration(migrations.Migration):
    dependencies = [
        ("servicing", "0005_reminder_checks_cycle_and_loan"),
    ]

    operations = [TaskLoanForeignKeys()]
