from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("loans", "0001_initial")]

    operations = [
        AppendOnlyTrigger("loans_ledgerentry"),
    ]
