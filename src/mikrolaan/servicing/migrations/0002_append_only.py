from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger


class Migration(migrations.Migration):
    dependencies = [("servicing", "0001_initial")]

    operations = [
        AppendOnlyTrigger("servicing_taskevent"),
        AppendOnlyTrigger("servicing_claimreceipt"),
    ]
