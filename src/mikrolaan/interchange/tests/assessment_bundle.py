"""A small deterministic bundle with self-assessments (assessments.csv), and the report's
progression section for it computed here, independently of the importer and the report.

``write(folder, codes)`` writes the bundle (``codes``: the statements of the questionnaire in
force, in their order) and returns ``truth``: {cohort: {person_ref: {point: {code: score}}}}
as the scores stand once corrections replace what they correct.
"""

import csv
import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

POINTS = ["referral", "pre_course_end", "main_course_end", "after_6_months", "after_12_months"]
COHORTS = {
    # code: (pre-course start, main course start, main course end)
    "A1": (dt.date(2014, 1, 6), dt.date(2014, 3, 3), dt.date(2014, 8, 29)),
    "A2": (dt.date(2014, 9, 1), dt.date(2014, 11, 3), dt.date(2015, 4, 30)),
}
PEOPLE_PER_COHORT = 7


def _point_day(cohort: str, point: str) -> dt.date:
    pre, start, end = COHORTS[cohort]
    return {
        "referral": pre - dt.timedelta(days=14),
        "pre_course_end": start - dt.timedelta(days=3),
        "main_course_end": end,
        "after_6_months": end + dt.timedelta(days=183),
        "after_12_months": end + dt.timedelta(days=365),
    }[point]


def _csv(folder: Path, name: str, header: list[str], rows: list[list]) -> None:
    with open(folder / name, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write(folder: Path, codes: list[str], seed: int = 11) -> dict:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    _csv(
        folder,
        "cohorts.csv",
        ["code", "pre_course_start", "main_course_start", "main_course_end"],
        [[c, *days] for c, days in COHORTS.items()],
    )
    people, parts, answers = [], [], []
    truth: dict[str, dict[str, dict[str, dict[str, int]]]] = {c: {} for c in COHORTS}
    for c_index, cohort in enumerate(COHORTS):
        for i in range(PEOPLE_PER_COHORT):
            ref = f"S{c_index + 1}{i:02d}"
            people.append([ref, f"Efternavn {ref}"])
            parts.append([ref, cohort, "completed"])
            mine = truth[cohort][ref] = {}
            for point in POINTS:
                # Everyone answers at referral but the last person of each cohort; later
                # points are skipped now and then, an item is left unanswered now and then.
                if point == "referral" and i == PEOPLE_PER_COHORT - 1:
                    continue
                if point != "referral" and rng.random() < 0.25:
                    continue
                day = _point_day(cohort, point)
                scores = {code: rng.randint(1, 5) for code in codes if rng.random() < 0.95}
                records = [(day, "caseworker", scores, "")]
                if rng.random() < 0.3:  # a correction, sometimes a correction of that too
                    fixed = {code: min(5, s + 1) for code, s in scores.items()}
                    records.append((day, "caseworker", fixed, "Forkert udfyldt"))
                    if rng.random() < 0.5:
                        again = {code: max(1, s - 2) for code, s in fixed.items()}
                        records.append((day, "citizen", again, "Borgeren rettede selv"))
                for n, (on, channel, given, why) in enumerate(records):
                    for code in codes:
                        if code in given:
                            answers.append(
                                [ref, point, n, on, channel, "2013-01-01", code, given[code], why]
                            )
                mine[point] = records[-1][2]
    _csv(folder, "people.csv", ["person_ref", "last_name"], people)
    _csv(folder, "participations.csv", ["person_ref", "cohort_code", "status"], parts)
    _csv(
        folder,
        "assessments.csv",
        [
            "person_ref",
            "point",
            "correction",
            "answered_on",
            "channel",
            "questionnaire",
            "item",
            "score",
            "why",
        ],
        answers,
    )
    return truth


def expected_group(people: dict[str, dict[str, dict[str, int]]], codes: list[str]) -> dict:
    """``people`` and ``changes`` of the progression section for these people."""
    later = POINTS[1:]
    counts = dict.fromkeys(later, 0)
    changes = {code: {p: [] for p in later} for code in codes}
    for by_point in people.values():
        start = by_point.get("referral")
        if start is None:
            continue
        for point in later:
            if point not in by_point:
                continue
            counts[point] += 1
            for code in codes:
                if code in start and code in by_point[point]:
                    changes[code][point].append(by_point[point][code] - start[code])

    def mean(values):
        if not values:
            return None
        return float((Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP))

    return {
        "people": counts,
        "changes": {
            code: {p: {"count": len(v), "mean_change": mean(v)} for p, v in by_point.items()}
            for code, by_point in changes.items()
        },
    }
