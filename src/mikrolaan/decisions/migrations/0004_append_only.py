from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger


class ReapplyAppendOnlyTrigger(AppendOnlyTrigger):
    """SQLite rebuilds a table to add a constraint and loses its triggers: drop and create."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        AppendOnlyTrigger.database_backwards(self, app_label, schema_editor, from_state, to_state)
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # the trigger of 0002 stays


class Migration(migrations.Migration):
    dependencies = [("decisions", "0003_rounds_budget_main_course")]

    operations = [
        ReapplyAppendOnlyTrigger("decisions_decision"),
        AppendOnlyTrigger("decisions_maincoursestart"),
        AppendOnlyTrigger("decisions_fitforwork"),
    ]
