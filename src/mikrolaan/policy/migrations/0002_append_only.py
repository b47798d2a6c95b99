from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]

    operations = [
        AppendOnlyTrigger("policy_loanpolicy"),
    ]
