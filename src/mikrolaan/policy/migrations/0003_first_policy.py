import datetime as dt
from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    LoanPolicy = apps.get_model("policy", "LoanPolicy")
    if LoanPolicy.objects.exists():
        return
    LoanPolicy.objects.create(
        valid_from=dt.date(2013, 1, 1),
        name="Mikrolån 3.0",
        legal_basis=(
            "Lov om aktiv socialpolitik § 65: rentefrit lån til etablering af selvstændig "
            "virksomhed som led i revalidering (stk. 2), med tilskud til forsørgelse i op til "
            "6 måneder (stk. 3) og pant når det er muligt (stk. 4)."
        ),
        min_amount=Decimal("1000.00"),
        max_amount=Decimal("50000.00"),
        term_months=84,
        max_deferral_months=36,
        due_day=1,
        reminder_first_days=10,
        reminder_interval_days=10,
        reminder_max=3,
        reminder_fee=Decimal("0.00"),
        contact_after_reminder_days=14,
        subsistence_max_months=6,
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0002_append_only")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
