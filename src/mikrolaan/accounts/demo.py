"""Demo: the job-centre units and one user per role (two knowledge persons).

The demo makes no superuser: its administrator has the administrator role and may use the
admin site (``is_staff``) for what that role's permissions allow.
"""

from mikrolaan.accounts.models import Unit, User
from mikrolaan.accounts.roles import Role
from mikrolaan.core.models import DemoLogin

UNITS = [
    ("dagpenge-kontanthjaelp", "Dagpenge og kontanthjælp"),
    ("integration-fleksjob", "Integration og fleksjob"),
    ("job-sundhed", "Job og sundhed"),
    ("unge-uddannelse", "Unge og uddannelse"),
]

USERS = [
    ("demo-projektleder", "Henrik", "Kjærgaard", Role.PROJECT_LEADER, None),
    ("demo-ydelse", "Lone", "Bach", Role.BENEFITS_CASEWORKER, None),
    ("demo-jobkonsulent", "Mette", "Lund", Role.JOB_CONSULTANT, "dagpenge-kontanthjaelp"),
    ("demo-jobkonsulent-integration", "Ali", "Hassan", Role.JOB_CONSULTANT, "integration-fleksjob"),
    ("demo-vidensperson", "Susanne", "Holm", Role.KNOWLEDGE_PERSON, "dagpenge-kontanthjaelp"),
    (
        "demo-vidensperson-integration",
        "Jakob",
        "Friis",
        Role.KNOWLEDGE_PERSON,
        "integration-fleksjob",
    ),
    ("demo-okonomi", "Birgitte", "Skov", Role.FINANCE_CLERK, None),
    ("demo-evaluator", "Rasmus", "Dam", Role.EVALUATOR, None),
    ("demo-leder", "Karen", "Mortensen", Role.MANAGER, None),
    ("demo-admin", "Peter", "Vang", Role.ADMINISTRATOR, None),
    ("demo-databeskyttelse", "Dorthe", "Winther", Role.DATA_PROTECTION_OFFICER, None),
]


def populate(ctx):
    for code, name in UNITS:
        ctx.units[code] = Unit.objects.get_or_create(code=code, defaults={"name": name})[0]
    for username, first, last, role, unit_code in USERS:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            unit=ctx.units[unit_code] if unit_code else None,
            is_staff=role == Role.ADMINISTRATOR,
        )
        user.set_password(ctx.password)
        user.save()
        DemoLogin.objects.create(user=user, password=ctx.password)
        ctx.users[username] = user
