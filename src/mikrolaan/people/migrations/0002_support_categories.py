from django.db import migrations

# The review's Table 4 categories; administrators add more in the admin.
LABELS = [
    "Dagpenge, Fuld ledighed",
    "Førtidspension",
    "Kontanthjælp, Passiv",
    "Kontanthjælp, Aktivitetsparat",
    "Kontanthjælp, Virksomhedspraktik, Privat",
    "SU med ydelse",
    "Sygedagpenge, Passiv",
    "Fleksjob, ledighedsydelse",
    "Revalidering",
    "Uddannelseshjælp",
    "Integrationsydelse",
]


def seed(apps, schema_editor):
    SupportCategory = apps.get_model("people", "SupportCategory")
    for label in LABELS:
        SupportCategory.objects.get_or_create(label=label)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
