"""Append-only triggers for the economic settings, and plausible seed values.

ALL FIGURES ARE ASSUMPTIONS for illustration, to be set by the municipality: approximate
Danish monthly benefit levels (single, over 30, no children) turned into a daily equivalent
(monthly × 12 / 365), and rough programme costs. A change is a new row with a later
valid_from; these rows are never edited.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger

# label (None = default for unknown support) -> {valid_from year: monthly amount in kr.}
MONTHLY = {
    None: {2013: 10500, 2020: 11600, 2026: 12900},  # kontanthjælp level
    "Kontanthjælp, Passiv": {2013: 10500, 2020: 11600, 2026: 12900},
    "Kontanthjælp, Aktivitetsparat": {2013: 10500, 2020: 11600, 2026: 12900},
    "Kontanthjælp, Virksomhedspraktik, Privat": {2013: 10500, 2020: 11600, 2026: 12900},
    "Dagpenge, Fuld ledighed": {2013: 17680, 2020: 19083, 2026: 20359},
    "Førtidspension": {2013: 17800, 2020: 19300, 2026: 21300},
    "SU med ydelse": {2013: 5839, 2020: 6243, 2026: 7086},
    "Sygedagpenge, Passiv": {2013: 17900, 2020: 19300, 2026: 20600},
    "Fleksjob, ledighedsydelse": {2013: 16800, 2020: 17170, 2026: 18320},
    "Revalidering": {2013: 17680, 2020: 19083, 2026: 20359},
    "Uddannelseshjælp": {2013: 5900, 2020: 6300, 2026: 7100},
    "Integrationsydelse": {2013: 6000, 2020: 6400, 2026: 7200},
}
NOTE = (
    "Antagelse til illustration: ca. {monthly} kr. pr. måned × 12 / 365. "
    "Skal fastsættes af kommunen."
)
COSTS = [
    # valid_from, course costs/participant, grant/month, months, PL hours/participant, PL kr/hour
    (2013, "18000.00", "10500.00", 6, "120.00", "420.00"),
    (2020, "20000.00", "11600.00", 6, "120.00", "480.00"),
    (2026, "22000.00", "12900.00", 6, "120.00", "540.00"),
]
COST_NOTE = (
    "Antagelse til illustration: kurser (bogføring, moms, SKAT, 4-dages internat m.m.), "
    "tilskud til forsørgelse og projektlederens tid. Skal fastsættes af kommunen."
)


def seed(apps, schema_editor):
    Rate = apps.get_model("outcomes", "PublicSupportRate")
    Cost = apps.get_model("outcomes", "ProgrammeCostSetting")
    Category = apps.get_model("people", "SupportCategory")
    for label, by_year in MONTHLY.items():
        category = Category.objects.get_or_create(label=label)[0] if label else None
        for year, monthly in by_year.items():
            daily = (Decimal(monthly) * 12 / 365).quantize(Decimal("0.01"))
            Rate.objects.create(
                category=category,
                valid_from=dt.date(year, 1, 1),
                daily_rate=daily,
                note=NOTE.format(monthly=f"{monthly:,}".replace(",", ".")),
            )
    for year, course, grant, months, hours, hourly in COSTS:
        Cost.objects.create(
            valid_from=dt.date(year, 1, 1),
            course_cost_per_participant=Decimal(course),
            subsistence_grant_per_month=Decimal(grant),
            subsistence_months=months,
            project_leader_hours_per_participant=Decimal(hours),
            project_leader_hourly_cost=Decimal(hourly),
            note=COST_NOTE,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0003_economic_settings"),
        ("people", "0002_support_categories"),
    ]

    operations = [
        AppendOnlyTrigger("outcomes_publicsupportrate"),
        AppendOnlyTrigger("outcomes_programmecostsetting"),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
