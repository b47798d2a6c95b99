from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [
        AppendOnlyTrigger("outcomes_supportspell"),
    ]
