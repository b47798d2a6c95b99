from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("banking", "0001_initial")]

    operations = [
        AppendOnlyTrigger("banking_statementfile"),
        AppendOnlyTrigger("banking_statement"),
        AppendOnlyTrigger("banking_bankentry"),
        AppendOnlyTrigger("banking_entryhandling"),
    ]
