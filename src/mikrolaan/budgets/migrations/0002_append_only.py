from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]

    operations = [
        AppendOnlyTrigger("budgets_budgetversion"),
        AppendOnlyTrigger("budgets_budgetline"),
        AppendOnlyTrigger("budgets_liquiditymonth"),
    ]
