from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]

    operations = [
        AppendOnlyTrigger("decisions_decision"),
        AppendOnlyTrigger("decisions_grantapproval"),
    ]
