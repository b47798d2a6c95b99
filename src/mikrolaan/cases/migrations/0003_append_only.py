from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [
        AppendOnlyTrigger("cases_caseevent"),
    ]
