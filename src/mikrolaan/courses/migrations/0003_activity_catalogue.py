from django.db import migrations

from mikrolaan.core.migration_ops import AppendOnlyTrigger

# The review's pre-course activities (§6.2); administrators change the catalogue in the admin.
ACTIVITIES = [
    # code, name, description, sessions, mandatory, ends before main course
    (
        "bookkeeping",
        "Bogførings- og regnskabskursus",
        "8 undervisningsgange over 8 uger.",
        8,
        False,
        False,
    ),
    ("vat", "Momskursus", "Moms for den nye virksomhed.", 1, False, False),
    ("tax", "Skattekursus (SKAT)", "Skat for selvstændige.", 1, False, False),
    (
        "insurance-audit",
        "Informationsmøde om erhvervsforsikring og revision",
        "",
        1,
        False,
        False,
    ),
    ("marketing", "Undervisning i markedsføring og strategi", "", 1, False, False),
    ("workshop-website", "Workshop: hjemmeside", "", 1, False, False),
    ("workshop-logo", "Workshop: logo", "", 1, False, False),
    ("workshop-business-cards", "Workshop: visitkort", "", 1, False, False),
    (
        "self-development",
        "Selvudviklingskursus (4 dage, internat, HBDI-profil)",
        "Obligatorisk 4-dages internatkursus uden for byen med en HBDI-tænkeprofil. Lægges "
        "sidst i for-forløbet og skal slutte senest 15 dage før hovedforløbet starter.",
        4,
        True,
        True,
    ),
]


def seed(apps, schema_editor):
    Activity = apps.get_model("courses", "Activity")
    for order, (code, name, description, sessions, mandatory, before_main) in enumerate(
        ACTIVITIES, start=1
    ):
        Activity.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "default_sessions": sessions,
                "mandatory": mandatory,
                "ends_before_main_course": before_main,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("courses", "0002_plan_and_conversations")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        AppendOnlyTrigger("courses_conversation"),
    ]
