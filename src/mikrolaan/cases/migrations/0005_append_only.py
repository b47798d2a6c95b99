from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_referral_screening_dropout")]

    operations = [
        AppendOnlyTrigger("cases_referral"),
        AppendOnlyTrigger("cases_screening"),
        AppendOnlyTrigger("cases_dropout"),
    ]
