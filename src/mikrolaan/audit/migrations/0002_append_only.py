from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        AppendOnlyTrigger("audit_auditrecord"),
    ]
