"""Demo: about 40 citizens on their way, from fresh referrals to the pre-course, and dropouts.

Everything is made through the real services (register, refer, screen, assign, plan, log,
drop out), with historical dates. Later demo loaders continue the cases through
``ctx.data``:

- ``ctx.data["cases_by_stage"]``: stage → list of cases (``pre_course`` holds every case in a
  cohort's pre-course with a completed plan, historical cohorts included);
- ``ctx.data["pre_course_by_cohort"]``: cohort code → list of cases in its pre-course;
- ``ctx.data["citizens"]``: every demo citizen.
"""

import datetime as dt
from collections import defaultdict

from mikrolaan.accounts.roles import Role
from mikrolaan.cases.constants import (
    DropoutDestination,
    DropoutReason,
    EventKind,
    Judgement,
    Recommendation,
    SelfEmploymentOrigin,
)
from mikrolaan.cases.services import correct_event, record_dropout, record_screening, refer_citizen
from mikrolaan.courses.models import Activity
from mikrolaan.courses.services import (
    add_plan_activity,
    assign_to_cohort,
    complete_plan,
    log_conversation,
    move_to_later_cohort,
    record_attendance,
    self_development_deadline,
)
from mikrolaan.people.models import SupportCategory, TargetGroup
from mikrolaan.people.services import register_citizen

DAY = dt.timedelta(days=1)

WOMEN = [
    "Anne",
    "Mette",
    "Hanne",
    "Susanne",
    "Camilla",
    "Louise",
    "Pernille",
    "Maria",
    "Tina",
    "Helle",
    "Dorthe",
    "Charlotte",
    "Nadia",
    "Fatima",
    "Amina",
    "Lene",
    "Birgitte",
    "Sofie",
    "Karina",
    "Malene",
    "Rikke",
    "Signe",
]
MEN = [
    "Lars",
    "Jens",
    "Peter",
    "Michael",
    "Henrik",
    "Søren",
    "Thomas",
    "Martin",
    "Jesper",
    "Ahmed",
    "Mohammad",
    "Kim",
    "Bo",
    "Brian",
    "Allan",
    "Morten",
    "Rasmus",
    "Niels",
    "Jan",
    "Kenneth",
    "Omar",
    "Torben",
]
SURNAMES = [
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Karimi",
    "Yilmaz",
    "Holm",
    "Østergaard",
    "Bach",
    "Lauridsen",
    "Kjær",
    "Dahl",
]
STREETS = [
    "Vestergade",
    "Søndergade",
    "Frederiksbjerg Torv",
    "Jægergårdsgade",
    "Trøjborgvej",
    "Viborgvej",
    "Grenåvej",
    "Silkeborgvej",
    "Randersvej",
    "Åbyhøjvej",
    "Gudrunsvej",
    "Skovvejen",
]
# (origin, talent, idea) — the review's kinds of businesses
IDEAS = [
    ("craft", "Uddannet møbelsnedker", "Restaurering og salg af danske designmøbler fra 60'erne."),
    ("raised_by_citizen", "", "Frisørsalon med fokus på krøllet hår, i egen kælder."),
    (
        "skill",
        "Kok med 15 års erfaring",
        "Madvogn med libanesisk streetfood ved events og markeder.",
    ),
    ("hobby", "Syr sit eget tøj og har solgt på markeder", "Redesign af genbrugstøj med netbutik."),
    ("raised_by_citizen", "", "Rengøringsfirma for private og små erhverv."),
    ("craft", "Faglært tømrer", "Mindre tømreropgaver og vedligehold for boligforeninger."),
    ("hobby", "Fotograferer bryllupper for venner", "Fotograf til bryllupper og konfirmationer."),
    ("skill", "Har undervist i yoga i 6 år", "Yogastudie med hold for seniorer og gravide."),
    ("raised_by_citizen", "", "Cykelværksted med udlejning til turister."),
    ("craft", "Uddannet guldsmed", "Værksted for reparation og smykker efter mål."),
    ("raised_by_citizen", "", "Import og salg af tyrkisk keramik via webshop."),
    ("hobby", "Bager surdejsbrød til hele opgangen", "Mikrobageri med abonnement på brød."),
    ("skill", "Bogholder i 10 år", "Bogføring for små virksomheder og foreninger."),
    ("craft", "Uddannet maler", "Malerfirma med miljøvenlige malinger."),
    ("hobby", "Restaurerer gamle knallerter", "Værksted for veteranknallerter og reservedele."),
    ("raised_by_citizen", "", "Hundepension og hundeluftning i Aarhus Vest."),
    ("skill", "Tolk på arabisk og dansk", "Tolke- og oversættelsesbureau."),
    ("raised_by_citizen", "", "Pizzeria på Frederiksbjerg."),
    ("hobby", "Strikker og designer opskrifter", "Strikkeopskrifter og garn i netbutik."),
    ("craft", "Uddannet skrædder", "Skrædderi med ændringer og reparationer."),
]
PLACES = [
    "hjemme hos borgeren",
    "café i Mølleparken",
    "Botanisk Have",
    "jobcentret",
    "biblioteket Dokk1",
]

ASSESSMENTS = {
    "person": [
        "Meget motiveret og vedholdende; har selv taget initiativet.",
        "Motiveret, men usikker på egne kræfter; skal støttes tæt.",
        "Har styr på sin hverdag og sine helbredsmæssige udfordringer.",
    ],
    "money": [
        "Forventet lånebehov ca. 25.000 kr. til værktøj og materialer.",
        "Lånebehov ca. 40.000 kr.; skal afklares i budgettet.",
        "Beskedent lånebehov; har noget udstyr i forvejen.",
    ],
    "plan": [
        "Idéen er konkret, og der er et kundegrundlag i netværket.",
        "Markedet er presset; en anderledes tilgang skal findes.",
        "Planen er gennemarbejdet; prissætningen mangler.",
    ],
}


class Maker:
    """Makes citizens and cases with a seeded random, one after the other."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = ctx.rng
        self.n = 0
        self.used_cpr = set()
        self.support = list(SupportCategory.objects.filter(active=True))
        self.leader = ctx.user(Role.PROJECT_LEADER)
        self.by_stage = defaultdict(list)
        self.by_cohort = defaultdict(list)
        self.citizens = []

    def unit_code(self, i):
        return "dagpenge-kontanthjaelp" if i % 3 else "integration-fleksjob"

    def cpr(self, born: dt.date, female: bool) -> str:
        while True:
            serial = self.rng.randrange(1000, 4000)  # 1900s births in any year (stdnum rule)
            if (serial % 2 == 0) != female:
                serial += 1 if serial < 3999 else -1
            number = born.strftime("%d%m%y") + f"{serial:04d}"
            if number not in self.used_cpr:
                self.used_cpr.add(number)
                return number

    def citizen(self, unit_code, on: dt.date):
        i = self.n
        self.n += 1
        female = i % 2 == 0
        first = (WOMEN if female else MEN)[(i // 2) % len(WOMEN)]
        last = SURNAMES[(i * 11 + i // 28) % len(SURNAMES)]
        age = self.rng.randint(28, 58)
        born = dt.date(on.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28))
        target = self.rng.choice(
            [TargetGroup.CASH_BENEFIT] * 4
            + [TargetGroup.SICKNESS_BENEFIT] * 2
            + [TargetGroup.FLEX_JOB, TargetGroup.EARLY_RETIREMENT, TargetGroup.REHABILITATION]
        )
        citizen = register_citizen(
            cpr=self.cpr(born, female),
            first_name=first,
            last_name=last,
            unit=self.ctx.units[unit_code],
            phone=f"{self.rng.randint(20, 61)}{self.rng.randint(100000, 999999)}",
            email=f"{first.lower()}.{last.lower()}@example.dk".replace("ø", "oe")
            .replace("æ", "ae")
            .replace("å", "aa"),
            address=f"{self.rng.choice(STREETS)} {self.rng.randint(1, 120)}, 8000 Aarhus C",
            support_before=self.rng.choice(self.support) if self.rng.random() < 0.85 else None,
            target_group=target,
            digital_post_exempt=self.rng.random() < 0.1,
            acting_user=self.jc(unit_code),
            why="demo",
        )
        self.citizens.append(citizen)
        return citizen

    def jc(self, unit_code):
        return self.ctx.user(Role.JOB_CONSULTANT, unit_code)

    def kp(self, unit_code):
        return self.ctx.user(Role.KNOWLEDGE_PERSON, unit_code)

    def refer(self, on: dt.date):
        unit_code = self.unit_code(self.n)
        citizen = self.citizen(unit_code, on)
        origin, talent, idea = IDEAS[self.n % len(IDEAS)]
        return refer_citizen(
            citizen,
            origin=SelfEmploymentOrigin(origin),
            talent=talent,
            idea=idea,
            referred_on=on,
            acting_user=self.jc(unit_code),
        )

    def screen(self, case, kind, on, *, recommend=True, notes=""):
        user = self.leader if kind == EventKind.FINAL_SCREENING else self.kp(case.unit.code)
        pick = self.rng.choice
        return record_screening(
            case,
            kind=kind,
            occurred_on=on,
            person_assessment=pick(ASSESSMENTS["person"]),
            person_judgement=pick([Judgement.STRONG, Judgement.ADEQUATE]),
            money_assessment=pick(ASSESSMENTS["money"]),
            money_judgement=pick([Judgement.ADEQUATE, Judgement.DOUBTFUL]),
            plan_assessment=pick(ASSESSMENTS["plan"]),
            plan_judgement=pick([Judgement.STRONG, Judgement.ADEQUATE, Judgement.DOUBTFUL]),
            recommendation=Recommendation.RECOMMEND
            if recommend
            else Recommendation.DO_NOT_RECOMMEND,
            notes=notes,
            acting_user=user,
        )

    def walk(self, referred_on, steps: int):
        """Refer and take the case through ``steps`` screenings (0–3), a week or two apart."""
        case = self.refer(referred_on)
        on = referred_on
        kinds = [EventKind.FIRST_SCREENING, EventKind.FIRST_CONVERSATION, EventKind.FINAL_SCREENING]
        for kind in kinds[:steps]:
            on += self.rng.randint(6, 14) * DAY
            self.screen(case, kind, on)
        return case, on

    def into_cohort(self, cohort, *, referred_on, complete=True, attendance=True):
        case, on = self.walk(referred_on, 3)
        assigned = max(on + 7 * DAY, cohort.pre_course_start or on)
        if assigned > self.ctx.today:  # a cohort whose pre-course has not begun yet
            assigned = max(on + DAY, min(on + 7 * DAY, self.ctx.today))
        assign_to_cohort(case, cohort, on=assigned, acting_user=self.leader)
        self.plan(case, cohort, assigned, complete=complete, attendance=attendance)
        return case

    def plan(self, case, cohort, start, *, complete, attendance):
        deadline = self_development_deadline(cohort)
        chosen = ["bookkeeping", "vat", "tax"] + self.rng.sample(
            [
                "insurance-audit",
                "marketing",
                "workshop-website",
                "workshop-logo",
                "workshop-business-cards",
            ],
            2,
        )
        day = start + 7 * DAY
        for code in chosen:
            activity = Activity.objects.get(code=code)
            length = 49 if code == "bookkeeping" else 0
            ends = min(day + length * DAY, deadline - 7 * DAY)
            planned = add_plan_activity(
                case,
                activity=activity,
                starts_on=min(day, ends),
                ends_on=ends,
                on=start,
                acting_user=self.leader,
            )
            if attendance and ends < self.ctx.today:
                record_attendance(
                    planned,
                    sessions_attended=planned.sessions
                    - (planned.sessions > 1 and self.rng.random() < 0.5),
                    acting_user=self.leader,
                )
            day += 10 * DAY
        sd = Activity.objects.get(code="self-development")
        end = deadline - self.rng.randint(0, 10) * DAY
        planned = add_plan_activity(
            case,
            activity=sd,
            starts_on=end - 3 * DAY,
            ends_on=end,
            note="Internat på Vrold Kursuscenter ved Skanderborg",
            on=start,
            acting_user=self.leader,
        )
        if attendance and end < self.ctx.today:
            record_attendance(planned, sessions_attended=4, acting_user=self.leader)
        if complete:
            complete_plan(case, on=start + 14 * DAY, acting_user=self.leader)

    def drop(self, case, on, reason, destination, notes):
        record_dropout(
            case,
            dropped_on=on,
            reason=reason,
            destination=destination,
            notes=notes,
            acting_user=self.leader
            if case.stage not in ("referred", "first_screening", "first_conversation")
            else self.kp(case.unit.code),
        )
        self.by_stage["dropped_out"].append(case)


def populate(ctx):
    m = Maker(ctx)
    today = ctx.today
    cohorts = ctx.data["cohorts"]

    # Historical cohorts: citizens who reached the pre-course (the decision demo goes on).
    sizes = {"M1": 2, "M2": 2, "M3": 4, "M4": 3, "M5": 3, "M6": 3, "M7": 3}
    for code, size in sizes.items():
        cohort = cohorts[code]
        for i in range(size):
            referred = cohort.pre_course_start - (60 + 9 * i) * DAY
            case = m.into_cohort(cohort, referred_on=referred)
            m.by_cohort[code].append(case)

    # The delayed M6 participant (Table 5): in M5's pre-course, moved to M6 after an illness.
    delayed = m.into_cohort(cohorts["M5"], referred_on=cohorts["M5"].pre_course_start - 70 * DAY)
    move_to_later_cohort(
        delayed,
        cohorts["M6"],
        on=dt.date(2014, 12, 1),
        why="Langvarig sygdom i efteråret; fortsætter på næste hold.",
        acting_user=m.leader,
    )
    m.by_cohort["M6"].append(delayed)

    # M8: the pre-course running now. Plans of varying completeness, conversations logged.
    m8 = cohorts["M8"]
    m8_cases = []
    for i in range(6):
        referred = m8.pre_course_start - (75 - 8 * i) * DAY
        case = m.into_cohort(m8, referred_on=referred, complete=i < 4)
        m8_cases.append(case)
    for i, case in enumerate(m8_cases):
        # individual conversations; the last case has none for over a month (a warning)
        for weeks_ago in (10, 7) if i == len(m8_cases) - 1 else (10, 6, 3, 1):
            held = today - weeks_ago * 7 * DAY
            if m8.pre_course_start <= held <= today:
                log_conversation(
                    case,
                    kind="individual",
                    held_on=held,
                    duration_minutes=m.rng.choice([120, 150, 180]),
                    place=m.rng.choice(PLACES),
                    notes="Gennemgang af budget og markedsføring.",
                    today=today,
                    acting_user=m.leader,
                )
        if i % 2 == 0:
            jc_held = max(case.opened_on + 60 * DAY, today - 100 * DAY)
            log_conversation(
                case,
                kind="job_consultant",
                held_on=min(jc_held, today),
                duration_minutes=45,
                place="jobcentret",
                today=today,
                acting_user=m.jc(case.unit.code),
            )
    # one M8 participant drops out in the pre-course: strained finances on a reduced benefit
    m.drop(
        m8_cases.pop(3),
        today - 20 * DAY,
        DropoutReason.STRAINED_FINANCES,
        DropoutDestination.PUBLIC_SUPPORT,
        "Gik ned i ydelse (225-timersreglen) og kunne ikke få økonomien til at hænge sammen.",
    )
    # one M8 participant falls ill and is not declared fit in time
    m.drop(
        m8_cases.pop(3),
        today - 9 * DAY,
        DropoutReason.ILLNESS,
        DropoutDestination.PUBLIC_SUPPORT,
        "Sygemeldt; ikke raskmeldt inden hovedforløbet.",
    )
    m.by_cohort["M8"].extend(m8_cases)

    # M9 (starts 2027): one citizen already assigned, plan being built.
    m9_case = m.into_cohort(
        cohorts["M9"], referred_on=today - 50 * DAY, complete=False, attendance=False
    )
    m.by_stage["pre_course_planning"].append(m9_case)

    # The open pipeline, referred in the last two months.
    for steps, count in ((0, 3), (1, 2), (2, 2), (3, 2)):
        for i in range(count):
            referred = today - (15 + 15 * steps + 9 * i) * DAY
            case, _on = m.walk(referred, steps)
            stage = ["referred", "first_screening", "first_conversation", "final_screening"][steps]
            m.by_stage[stage].append(case)

    # A referral whose idea was noted wrongly, and then corrected.
    fixed = m.by_stage["referred"][0]
    correct_event(
        fixed.events.get(kind=EventKind.REFERRAL),
        field="notes",
        value="Borgeren har allerede et netværk af kunder fra sin tid som ansat.",
        why="Noten manglede ved henvisningen.",
        occurred_on=today - 2 * DAY,
        acting_user=m.jc(fixed.unit.code),
    )

    # Dropouts for the review's reasons, at every step.
    dropouts = [
        (0, DropoutReason.ORDINARY_JOB, DropoutDestination.JOB, "Fik fast job som lagerarbejder."),
        (
            1,
            DropoutReason.LANGUAGE,
            DropoutDestination.OTHER_OFFER,
            "Henvist til danskundervisning først.",
        ),
        (
            1,
            DropoutReason.IDEA_NOT_REALISABLE,
            DropoutDestination.OTHER_OFFER,
            "Café med udskænkning: kunne ikke få alkoholbevilling.",
        ),
        (
            2,
            DropoutReason.FEAR_OF_UNCERTAIN_INCOME,
            DropoutDestination.OTHER_OFFER,
            "Blev tilbudt et fleksjob og valgte den faste indtægt.",
        ),
        (
            2,
            DropoutReason.OWN_LIMITATIONS,
            DropoutDestination.PUBLIC_SUPPORT,
            "Vurderede selv, at helbredet ikke rækker til to gange seks måneders forløb.",
        ),
        (
            3,
            DropoutReason.WANTS_LARGER_LOAN,
            DropoutDestination.BUSINESS_WITHOUT_LOAN,
            "Ønskede et lån på 150.000 kr. til en kiosk; starter med lån fra familien.",
        ),
    ]
    for i, (steps, reason, destination, notes) in enumerate(dropouts):
        referred = today - (150 + 30 * i) * DAY
        case, on = m.walk(referred, steps)
        m.drop(case, on + 10 * DAY, reason, destination, notes)

    for cases in m.by_cohort.values():
        for case in cases:
            case.refresh_from_db()
    m.by_stage["pre_course"] = [c for code in sorted(m.by_cohort) for c in m.by_cohort[code]]
    ctx.data["cases_by_stage"] = dict(m.by_stage)
    ctx.data["pre_course_by_cohort"] = dict(m.by_cohort)
    ctx.data["citizens"] = m.citizens
