import datetime as dt

from django.db import migrations

# (code, area, statement) in the order the citizen reads them. Scored 1 (not at all) to
# 5 (completely). Two statements for each of the three P's and the three further areas.
STATEMENTS = [
    ("person_belief", "person", "Jeg tror på, at jeg kan nå det, jeg sætter mig for."),
    ("person_motivation", "person", "Jeg er motiveret for at arbejde med min idé hver dag."),
    ("money_overview", "money", "Jeg har overblik over min privatøkonomi."),
    ("money_budget", "money", "Jeg kan lægge et budget og holde det."),
    ("plan_offer", "plan", "Jeg ved, hvad min virksomhed skal sælge, og til hvem."),
    ("plan_next_steps", "plan", "Jeg kender de næste skridt for at få min virksomhed i gang."),
    ("wellbeing_daily", "well_being", "Jeg har det godt i min hverdag."),
    (
        "wellbeing_network",
        "well_being",
        "Jeg har mennesker omkring mig, som jeg kan få støtte fra.",
    ),
    ("work_routine", "work_readiness", "Jeg kan overholde faste arbejdstider og aftaler."),
    ("work_capacity", "work_readiness", "Jeg har kræfter til at arbejde mange timer om ugen."),
    (
        "business_running",
        "business_confidence",
        "Jeg er sikker på, at jeg kan drive min egen virksomhed.",
    ),
    (
        "business_selling",
        "business_confidence",
        "Jeg tør kontakte kunder og sælge mine varer eller ydelser.",
    ),
]


def seed(apps, schema_editor):
    Questionnaire = apps.get_model("progression", "Questionnaire")
    Statement = apps.get_model("progression", "Statement")
    if Questionnaire.objects.exists():
        return
    questionnaire = Questionnaire.objects.create(
        valid_from=dt.date(2013, 1, 1),
        name="Selvvurdering 1.0",
        answer_within_days=30,
        notes=(
            "Samme udsagn ved henvisning, ved forforløbets slutning, ved hovedforløbets "
            "slutning og 6 og 12 måneder efter hovedforløbet. Svar fra 1 (slet ikke) til "
            "5 (helt)."
        ),
    )
    for position, (code, area, text) in enumerate(STATEMENTS, start=1):
        Statement.objects.create(
            questionnaire=questionnaire, code=code, area=area, text=text, position=position
        )


class Migration(migrations.Migration):
    dependencies = [("progression", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
