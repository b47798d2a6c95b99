"""Writes the review bundle: a made-up programme consistent with the 2017 review's Tables 1–8.

    .venv/bin/python src/mikrolaan/interchange/tests/review_bundle.py [FOLDER]

The people are fictional (invented names and CPR numbers with valid dates); the figures are
chosen so that the chapter-7 report for 31/12/2016 and cohorts M3–M6 gives exactly the
review's published numbers, while exercising the edges of the definitions: a payment made
after the as-of date, a loan handed to collection after it, a loan repaid in full after a
hand-over, exactly 25 % repaid, spells that start before the course ended, a self-supporting
person with a gap, the delayed M6 participant with his own course end, people who dropped out
(not borrowers) and a seventh cohort outside the review. The output is deterministic.
"""

import csv
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "review_bundle"
AS_OF = dt.date(2016, 12, 31)
D = dt.date

COHORTS = [
    # code, pre_course_start, main_course_start, main_course_end (Table 1)
    ("M3", D(2013, 2, 1), D(2013, 6, 1), D(2013, 11, 30)),
    ("M4", D(2013, 11, 1), D(2014, 3, 1), D(2014, 8, 31)),
    ("M5", D(2014, 10, 1), D(2015, 2, 1), D(2015, 7, 31)),
    ("M6", D(2015, 7, 1), D(2015, 11, 16), D(2016, 5, 15)),
    ("M7", D(2016, 4, 1), D(2016, 8, 15), D(2017, 2, 14)),
]
COURSE_END = {c[0]: c[3] for c in COHORTS}

# Loans of the 34 borrowers (Tables 6–8): cohort, principal, repaid by 31/12/2016,
# handed to collection on. Open loans: 29, 763,800 → 555,097 kr.; five repaid in full.
LOANS = [
    # M3: 264,850 → 152,689; bands 0-24: 3, 25-49: 5, 75-99: 2
    ("M3", 12000, 1500, D(2015, 3, 2)),
    ("M3", 18850, 2661, D(2015, 6, 1)),
    ("M3", 30000, 5000, D(2016, 2, 1)),
    ("M3", 20000, 6000, D(2016, 4, 4)),
    ("M3", 22500, 7000, D(2016, 9, 1)),
    ("M3", 25000, 8000, D(2016, 11, 1)),
    ("M3", 27500, 9000, None),
    ("M3", 28000, 10000, None),
    ("M3", 40000, 32000, None),
    ("M3", 41000, 31000, None),
    # M4: 243,050 → 180,258; bands 0-24: 3, 25-49: 6
    ("M4", 15000, 4000, None),
    ("M4", 19050, 5000, None),
    ("M4", 21000, 6000, D(2016, 5, 2)),
    ("M4", 24000, 7000, D(2017, 3, 1)),  # handed over after the as-of date: not counted
    ("M4", 26000, 8000, None),
    ("M4", 29000, 9000, D(2016, 1, 4)),
    ("M4", 33000, 7000, D(2015, 11, 2)),
    ("M4", 36000, 8000, D(2016, 6, 1)),
    ("M4", 40000, 8792, D(2016, 10, 3)),
    # M5: open 105,100 → 89,700; bands 0-24: 1, 25-49: 2 (one at exactly 25 %), 100: 3
    ("M5", 51000, 0, D(2016, 8, 1)),
    ("M5", 30000, 7500, None),
    ("M5", 24100, 7900, None),
    ("M5", 10000, 10000, D(2015, 10, 1)),  # repaid in full after the hand-over: not counted
    ("M5", 20000, 20000, None),
    ("M5", 25000, 25000, None),
    # M6: open 150,800 → 132,450; bands 0-24: 6, 25-49: 1, 100: 2
    ("M6", 2300, 1000, None),
    ("M6", 15000, 2000, None),
    ("M6", 18500, 2500, None),
    ("M6", 25000, 3000, None),
    ("M6", 27000, 3350, None),
    ("M6", 28000, 3500, None),
    ("M6", 35000, 3000, None),  # the delayed participant (M6* in Table 5)
    ("M6", 8000, 8000, None),
    ("M6", 12000, 12000, None),
]
DELAYED = 31  # index in LOANS of the M6 participant who finished late
DELAYED_END = D(2016, 9, 5)  # own main course end: 117 days to 31/12/2016

# Self-supporting now and days since the course ended (Table 5): index → spells.
# "open N": one running spell covering the last N days; "full": a running spell that began
# before the course ended; "gap A B": a finished spell of A days, public support, then B days.
SELF_SUPPORTING = {
    # M3: 3 people, 2,520 days (window 1,127 days)
    0: ("full",),
    4: ("open", 800),
    8: ("gap", 300, 293),
    # M4: 3 people, 1,215 days (window 853)
    10: ("full",),
    14: ("open", 200),
    17: ("gap", 100, 62),
    # M5: 6 people, 2,406 days (window 519)
    19: ("full",),
    20: ("full",),
    21: ("open", 400),
    22: ("open", 350),
    23: ("gap", 18, 300),
    24: ("open", 300),
    # M6: 8 people, 1,622 days (window 230) and M6*: 117 days
    25: ("full",),
    26: ("full",),
    27: ("full",),
    28: ("full",),
    29: ("full",),
    30: ("open", 200),
    32: ("open", 150),
    33: ("open", 122),
    DELAYED: ("full",),
}

# Ages as of 2016 (Table 3): 27–60, mean 43.0; bands 2 / 13 / 11 / 8.
AGES = [
    27, 30,
    31, 32, 33, 34, 35, 36, 37, 38, 38, 39, 39, 40, 40,
    41, 41, 42, 43, 44, 44, 45, 46, 47, 47, 48,
    52, 53, 54, 55, 56, 57, 58, 60,
]  # fmt: skip
# Deterministic shuffle of ages over the borrowers (a fixed permutation).
AGE_ORDER = [(i * 13 + 5) % 34 for i in range(34)]

# Benefit before the programme (Table 4): 13 known, 21 unknown. Førtidspension only in M3–M4,
# Sygedagpenge only from M5 on (the review's footnote).
BENEFIT = {
    1: "Førtidspension",
    12: "Førtidspension",
    16: "Førtidspension",
    2: "Kontanthjælp, Passiv",
    6: "Kontanthjælp, Passiv",
    11: "Kontanthjælp, Passiv",
    15: "Kontanthjælp, Passiv",
    27: "Kontanthjælp, Passiv",
    3: "Kontanthjælp, Virksomhedspraktik, Privat",
    13: "Kontanthjælp, Virksomhedspraktik, Privat",
    9: "Dagpenge, Fuld ledighed",
    21: "SU med ydelse",
    24: "Sygedagpenge, Passiv",
}

# Gender (Table 2): 16 women, 18 men; the delayed M6 participant is a man.
WOMEN = {0, 2, 3, 5, 8, 11, 13, 14, 16, 19, 20, 22, 25, 27, 29, 33}

FIRST_F = ["Anne", "Mette", "Hanne", "Susanne", "Lene", "Marianne", "Camilla", "Louise",
           "Pia", "Charlotte", "Tina", "Maria", "Bente", "Helle", "Rikke", "Sara", "Nadia",
           "Fatima"]  # fmt: skip
FIRST_M = ["Jens", "Peter", "Michael", "Lars", "Henrik", "Thomas", "Søren", "Jan", "Martin",
           "Niels", "Jesper", "Anders", "Rasmus", "Morten", "Ali", "Brian", "Kim", "Omar",
           "Frederik", "Emil"]  # fmt: skip
LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
        "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
        "Thomsen", "Poulsen", "Johansen", "Møller", "Mortensen", "Yilmaz", "Hussein"]  # fmt: skip
UNITS = ["Dagpenge og kontanthjælp", "Integration og fleksjob", "Job og sundhed",
         "Unge og uddannelse"]  # fmt: skip

DROPOUTS = [
    # cohort, reason, destination, date
    ("M3", "wants_larger_loan", "business_without_loan", D(2013, 4, 10)),
    ("M4", "illness", "public_support", D(2014, 1, 20)),
    ("M4", "idea_not_realisable", "other_offer", D(2014, 2, 3)),
    ("M5", "fear_of_uncertain_income", "job", D(2014, 12, 1)),
    ("M6", "strained_finances", "public_support", D(2015, 9, 15)),
    ("M6", "language", "other_offer", D(2015, 10, 1)),
]


def cpr_for(born: dt.date, serial: int, male: bool) -> str:
    """A made-up CPR number with a valid date for a 20th-century birth (7th digit 0–3)."""
    last = serial % 10
    if (last % 2 == 1) != male:
        last = (last + 1) % 10
    return f"{born:%d%m%y}{(serial // 10) % 400:03d}{last}"


def installments(total: Decimal, first: dt.date, count: int) -> list[tuple[dt.date, Decimal]]:
    if total <= 0:
        return []
    share = (total / count).quantize(Decimal("0.01"))
    rows = []
    for k in range(count):
        month = first.month - 1 + k * 2
        day = D(first.year + month // 12, month % 12 + 1, min(first.day, 28))
        amount = share if k < count - 1 else total - share * (count - 1)
        rows.append((day, amount))
    return rows


def build() -> dict[str, list[list]]:
    cohorts = [["code", "pre_course_start", "main_course_start", "main_course_end"]]
    for code, pre, start, end in COHORTS:
        cohorts.append([code, pre, start, end])
    people = [["person_ref", "cpr", "first_name", "last_name", "birth_date", "birth_year",
               "gender", "benefit_before", "unit"]]  # fmt: skip
    participations = [["person_ref", "cohort_code", "status", "main_course_end",
                       "dropout_date", "dropout_reason", "dropout_destination"]]  # fmt: skip
    loans = [["loan_ref", "person_ref", "cohort_code", "principal", "disbursed_on",
              "repayment_start", "term_months", "deferral_months",
              "collection_transferred_on"]]  # fmt: skip
    payments = [["loan_ref", "paid_on", "amount", "reference"]]
    spells = [["person_ref", "status", "start", "end"]]

    def person(ref, index, age, female, benefit="", style=None):
        born = D(2016 - age, (index * 5) % 12 + 1, (index * 7) % 28 + 1)
        first = (FIRST_F if female else FIRST_M)[index % (18 if female else 20)]
        last = LAST[(index * 3) % len(LAST)]
        style = index % 4 if style is None else style
        cpr = birth_date = birth_year = gender = ""
        if style == 0:  # CPR with a hyphen; gender left to the CPR
            cpr = cpr_for(born, 1000 + index * 37, not female)
            cpr = f"{cpr[:6]}-{cpr[6:]}"
        elif style == 1:  # CPR, birth date and gender, all agreeing
            cpr = cpr_for(born, 2000 + index * 41, not female)
            birth_date, gender = born, "F" if female else "M"
        elif style == 2:  # only a birth year and gender (an old register)
            birth_year, gender = born.year, "F" if female else "M"
        else:  # birth date and year, no CPR
            birth_date, birth_year, gender = born, born.year, "F" if female else "M"
        unit = UNITS[index % 4] if index % 5 else ""
        people.append([ref, cpr, first, last, birth_date, birth_year, gender, benefit, unit])

    for i, (code, principal, repaid, transfer) in enumerate(LOANS):
        ref = f"P{i + 1:03d}"
        loan_ref = f"ML-{code}-{i + 1:03d}"
        person(ref, i, AGES[AGE_ORDER[i]], i in WOMEN, BENEFIT.get(i, ""))
        cohort = next(c for c in COHORTS if c[0] == code)
        own_end = DELAYED_END if i == DELAYED else ""
        participations.append([ref, code, "completed", own_end, "", "", ""])
        disbursed = cohort[2] + dt.timedelta(days=14 + i % 10)
        if i == DELAYED:
            disbursed = D(2016, 3, 1)
        start = (cohort[3] + dt.timedelta(days=32)).replace(day=1)
        deferral = 0
        if code == "M3" and i % 3 == 0:  # a deferral granted at the start
            start, deferral = D(2014, 6, 1), 6
        loans.append([loan_ref, ref, code, f"{principal}.00", disbursed, start,
                      84, deferral, transfer or ""])  # fmt: skip
        paid_rows = installments(Decimal(repaid), start, 4 if code in ("M5", "M6") else 6)
        if code in ("M5", "M6") and repaid == principal:
            # Repaid in full early, in larger amounts (§7.4).
            paid_rows = installments(Decimal(repaid), start, 2)
        for k, (day, amount) in enumerate(paid_rows):
            reference = f"FI71-{i + 1:03d}-{k + 1}" if (i + k) % 3 else ""
            payments.append([loan_ref, day, f"{amount:.2f}", reference])
        if code == "M4" and repaid < principal:
            # Paid after the as-of date: not in the report for 31/12/2016.
            payments.append([loan_ref, D(2017, 1, 16), "500.00", f"FI71-{i + 1:03d}-2017"])
        end = own_end or COURSE_END[code]
        ss = SELF_SUPPORTING.get(i)
        business = "self_supporting_business" if i % 4 else "self_supporting_job"
        if ss is None:
            # Not self-supporting now: some were for a while, then back on public support.
            if i % 2:
                back = end + dt.timedelta(days=60 + i * 3)
                spells.append([ref, "self_supporting_business", end + dt.timedelta(days=1),
                               back - dt.timedelta(days=1)])  # fmt: skip
                spells.append([ref, "public_support", back, ""])
            else:
                spells.append([ref, "public_support", end + dt.timedelta(days=1), ""])
        elif ss[0] == "full":
            spells.append([ref, business, end - dt.timedelta(days=20 + i), ""])
        elif ss[0] == "open":
            spells.append([ref, business, AS_OF - dt.timedelta(days=ss[1] - 1), ""])
        else:
            _kind, first, second = ss
            first_start = end + dt.timedelta(days=1)
            first_end = first_start + dt.timedelta(days=first - 1)
            second_start = AS_OF - dt.timedelta(days=second - 1)
            spells.append([ref, "self_supporting_job", first_start, first_end])
            spells.append([ref, "public_support", first_end + dt.timedelta(days=1),
                           second_start - dt.timedelta(days=1)])  # fmt: skip
            spells.append([ref, "self_supporting_education", second_start, ""])

    # Two equal payments on one day without a reference: told apart by their count n.
    payments.append(["ML-M4-011", D(2017, 2, 1), "250.00", ""])
    payments.append(["ML-M4-011", D(2017, 2, 1), "250.00", ""])

    # The person in M5 who had dropped out of M4 first (illness), then came back.
    participations.append(["P020", "M4", "dropped_out", "", D(2014, 5, 5), "illness",
                           "public_support"])  # fmt: skip

    # People who dropped out before a loan: in the funnel, never borrowers.
    for k, (code, reason, destination, day) in enumerate(DROPOUTS):
        ref = f"D{k + 1:03d}"
        person(ref, 40 + k, 30 + k * 4, k % 2 == 0, "Kontanthjælp, Passiv" if k % 3 else "")
        participations.append([ref, code, "dropped_out", "", day, reason, destination])

    # The seventh cohort, under way on 31/12/2016 and outside the review.
    for k in range(7):
        i = 60 + k
        ref = f"P{i:03d}"
        person(ref, i, 35 + k, k % 2 == 1)
        participations.append([ref, "M7", "main_course", "", "", "", ""])
        disbursed = D(2016, 9, 1) if k < 6 else D(2017, 1, 10)  # the last one: after D
        loans.append([f"ML-M7-{i:03d}", ref, "M7", f"{20000 + k * 1000}.00", disbursed,
                      D(2017, 8, 1), 84, 0, ""])  # fmt: skip
        spells.append([ref, "self_supporting_business", D(2016, 10, 1), ""])
    return {
        "cohorts.csv": cohorts,
        "people.csv": people,
        "participations.csv": participations,
        "loans.csv": loans,
        "payments.csv": payments,
        "support_spells.csv": spells,
    }


def write(folder: Path = FIXTURE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in build().items():
        with open(folder / name, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            for row in rows:
                writer.writerow(["" if v is None else str(v) for v in row])
    return folder


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURE))
