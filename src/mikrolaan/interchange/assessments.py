"""The bundle file ``assessments.csv``: self-assessments in and out (issue 11, part 2).

One row per answer. An assessment is the rows that share (``person_ref``, ``point``,
``correction``); ``correction`` numbers a point's records in the order they were made: 0 is
the first answer, 1 the correction of it, 2 the correction of that, … — so a script that
wants what counts takes the highest ``correction`` of each person and point. The records go
on the person's latest case (the one the importer gives the person's participations).

Checks (``check``) read nothing but the bundle and ``Existing``; the writer (``write``)
appends with ``bulk.insert`` like the rest of the import; ``export_rows`` is the other way.
The same bundle twice changes nothing: a record already in the database at the same
(person, point, correction) with the same answers is skipped; with other answers it is an
error (an import never changes a record, it may add a correction).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case
from mikrolaan.core.bulk import in_parts
from mikrolaan.interchange import schema
from mikrolaan.interchange.bulk import insert
from mikrolaan.interchange.reader import AssessmentAnswer, Bundle
from mikrolaan.progression.constants import POINTS, Point
from mikrolaan.progression.models import Answer, Assessment, Questionnaire, Statement

FILE = schema.ASSESSMENTS.name
EVENT_KIND = "assessment"  # as progression.services.record_assessment writes it


@dataclass
class Version:
    pk: int
    valid_from: dt.date
    statements: dict[str, int]  # code → statement pk


@dataclass
class Record:
    """An assessment already in the database, as the bundle would hold it."""

    pk: int
    answered_on: dt.date
    channel: str
    scores: dict[str, int]


@dataclass
class Known:
    """What the database holds for the people of the bundle's assessments."""

    versions: list[Version] = field(default_factory=list)  # by valid_from
    # citizen pk → (case pk, opened on, stage) of the latest case
    case_of: dict[int, tuple[int, dt.date, str]] = field(default_factory=dict)
    # (case pk, point) → the records in the order they were made (first answer, corrections)
    chains: dict[tuple[int, str], list[Record]] = field(default_factory=dict)

    def in_force(self, day: dt.date) -> Version | None:
        i = bisect.bisect_right([v.valid_from for v in self.versions], day)
        return self.versions[i - 1] if i else None


@dataclass
class Group:
    """One assessment of the bundle: its rows and what they agree on."""

    first: AssessmentAnswer
    rows: list[AssessmentAnswer] = field(default_factory=list)
    version: Version | None = None  # in force on answered_on, once checked

    @property
    def scores(self) -> dict[str, int]:
        return {r.item: r.score for r in self.rows if r.item and r.score is not None}


def _chains(case_ids) -> dict[tuple[int, str], list[Record]]:
    rows = {}
    for chunk in in_parts(sorted(case_ids), 2000):
        for a in Assessment.objects.filter(case_id__in=chunk).values(
            "pk", "case_id", "point", "answered_on", "channel", "corrects_id"
        ):
            rows[a["pk"]] = a
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    for chunk in in_parts(sorted(rows), 2000):
        for assessment_id, code, score in Answer.objects.filter(
            assessment_id__in=chunk
        ).values_list("assessment_id", "statement__code", "score"):
            scores[assessment_id][code] = score
    next_of = {a["corrects_id"]: pk for pk, a in rows.items() if a["corrects_id"]}
    chains = {}
    for pk, a in rows.items():
        if a["corrects_id"] is not None:
            continue
        chain, current = [], pk
        while current is not None:
            r = rows[current]
            chain.append(Record(current, r["answered_on"], r["channel"], scores[current]))
            current = next_of.get(current)
        chains[(a["case_id"], a["point"])] = chain
    return chains


def load_known(bundle: Bundle, citizen_by_ref: dict[str, int]) -> Known:
    known = Known()
    if not bundle.assessments:
        return known
    by_version: dict[int, dict[str, int]] = defaultdict(dict)
    for pk, questionnaire_id, code in Statement.objects.values_list(
        "pk", "questionnaire_id", "code"
    ):
        by_version[questionnaire_id][code] = pk
    known.versions = [
        Version(pk, valid_from, by_version[pk])
        for pk, valid_from in Questionnaire.objects.order_by("valid_from").values_list(
            "pk", "valid_from"
        )
    ]
    citizens = sorted(
        {citizen_by_ref[a.person_ref] for a in bundle.assessments if a.person_ref in citizen_by_ref}
    )
    for chunk in in_parts(citizens, 2000):
        for citizen_id, pk, opened_on, stage in (
            Case.objects.filter(citizen_id__in=chunk)
            .order_by("citizen_id", "-opened_on", "-pk")
            .values_list("citizen_id", "pk", "opened_on", "stage")
        ):
            known.case_of.setdefault(citizen_id, (pk, opened_on, stage))
    known.chains = _chains(case for case, _day, _stage in known.case_of.values())
    return known


def group(bundle: Bundle) -> dict[tuple[str, str, int], Group]:
    """The bundle's assessments by (person_ref, point, correction), rows in file order."""
    groups: dict[tuple[str, str, int], Group] = {}
    for a in bundle.assessments:
        if a.person_ref is None or a.point is None or a.correction is None:
            continue
        key = (a.person_ref, a.point, a.correction)
        groups.setdefault(key, Group(a)).rows.append(a)
    return groups


def check(
    bundle: Bundle,
    known: Known,
    citizen_by_ref: dict[str, int],
    add: Callable[[str, int, str, str], None],
    check_person: Callable[[str, int, str | None], None],
    today: dt.date,
) -> dict[tuple[str, str, int], Group]:
    """Report every problem of assessments.csv through ``add``; return the assessments."""
    for a in bundle.assessments:
        check_person(FILE, a.line, a.person_ref)
    groups = group(bundle)
    for g in groups.values():
        first = g.first
        # The rows of one assessment agree on everything but item and score.
        for r in g.rows[1:]:
            for column in ("answered_on", "channel", "questionnaire", "why"):
                mine, theirs = getattr(r, column), getattr(first, column)
                if mine is not None and theirs is not None and mine != theirs:
                    add(
                        FILE,
                        r.line,
                        column,
                        _("differs from line %(n)d of the same assessment") % {"n": first.line},
                    )
        # ``why`` is not required of a correction: retention erases it (and an export of
        # that must import again).
        day = first.answered_on
        if day is None:
            continue
        if day > today:
            add(FILE, first.line, "answered_on", _("is in the future"))
        version = known.in_force(day)
        if version is None:
            add(FILE, first.line, "answered_on", _("no questionnaire was in force on that date"))
            continue
        g.version = version
        if first.questionnaire is not None and first.questionnaire != version.valid_from:
            add(
                FILE,
                first.line,
                "questionnaire",
                _("the questionnaire in force on %(day)s is the version from %(v)s")
                % {"day": day.isoformat(), "v": version.valid_from.isoformat()},
            )
        seen: dict[str, int] = {}
        for r in g.rows:
            if r.item is None:
                continue
            if r.item not in version.statements:
                add(
                    FILE,
                    r.line,
                    "item",
                    _("'%(v)s' is not a statement of the questionnaire from %(d)s")
                    % {"v": r.item, "d": version.valid_from.isoformat()},
                )
            elif r.item in seen:
                add(
                    FILE,
                    r.line,
                    "item",
                    _("'%(v)s' is already on line %(n)d of the same assessment")
                    % {"v": r.item, "n": seen[r.item]},
                )
            else:
                seen[r.item] = r.line
        citizen = citizen_by_ref.get(first.person_ref)
        case = known.case_of.get(citizen) if citizen is not None else None
        if case is not None:
            if case[2] == Stage.REGISTERED_IN_ERROR:
                add(FILE, first.line, "person_ref", _("the person's case was registered in error"))
            elif day < case[1]:
                add(
                    FILE,
                    first.line,
                    "answered_on",
                    _("is before the person's case was opened (%(d)s)")
                    % {"d": case[1].isoformat()},
                )
    # A point's records are numbered without a gap, in the bundle or after the database's.
    for (ref, point, n), g in groups.items():
        citizen = citizen_by_ref.get(ref)
        case = known.case_of.get(citizen) if citizen is not None else None
        chain = known.chains.get((case[0], point), []) if case else []
        if n > 0 and (ref, point, n - 1) not in groups and len(chain) < n:
            add(
                FILE,
                g.first.line,
                "correction",
                _("%(n)d has no record %(m)d before it (0 is the first answer)")
                % {"n": n, "m": n - 1},
            )
        if n < len(chain) and g.version is not None:
            record = chain[n]
            if (record.answered_on, record.channel, record.scores) != (
                g.first.answered_on,
                g.first.channel,
                g.scores,
            ):
                add(
                    FILE,
                    g.first.line,
                    "correction",
                    _(
                        "the person's assessment at %(point)s (record %(n)d) is in the "
                        "database with other answers; an import cannot change it (add a "
                        "correction)"
                    )
                    % {"point": point, "n": n},
                )
    return groups


def opening_dates(bundle: Bundle) -> dict[str, dt.date]:
    """The earliest answer of each person: a new case is opened on it at the latest."""
    earliest: dict[str, dt.date] = {}
    for a in bundle.assessments:
        if a.person_ref and a.answered_on:
            earliest[a.person_ref] = min(earliest.get(a.person_ref, a.answered_on), a.answered_on)
    return earliest


def write(
    groups: dict[tuple[str, str, int], Group],
    *,
    case_of_ref: dict[str, tuple[int, int]],
    user_id: int | None,
    now,
    event: Callable[..., None],
) -> int:
    """Append the assessments not yet in the database; return how many.

    ``case_of_ref``: person_ref → (citizen pk, case pk). Records of one point are written in
    order, one level of corrections at a time, each pointing at the record before it.
    """
    cases = {case for _citizen, case in case_of_ref.values()}
    chains = _chains(cases) if groups else {}
    last: dict[tuple[int, str], int | None] = {}
    levels: dict[int, list[tuple[Group, int]]] = defaultdict(list)
    for (ref, point, n), g in sorted(groups.items(), key=lambda kv: kv[0][2]):
        case_pk = case_of_ref[ref][1]
        chain = chains.get((case_pk, point), [])
        if n < len(chain):
            continue
        last.setdefault((case_pk, point), chain[-1].pk if chain else None)
        levels[n].append((g, case_pk))
    written = 0
    for n in sorted(levels):
        rows = []
        for g, case_pk in levels[n]:
            rows.append(
                {
                    "case_id": case_pk,
                    "questionnaire_id": g.version.pk,
                    "point": g.first.point,
                    "answered_on": g.first.answered_on,
                    "channel": g.first.channel,
                    "why": g.first.why,
                    "corrects_id": last[(case_pk, g.first.point)],
                    "recorded_by_id": user_id,
                    "recorded_at": now,
                }
            )
        insert(Assessment, rows)
        made = {
            (case_id, point, corrects_id): pk
            for pk, case_id, point, corrects_id in Assessment.objects.filter(
                recorded_at=now
            ).values_list("pk", "case_id", "point", "corrects_id")
        }
        answers = []
        for g, case_pk in levels[n]:
            point = g.first.point
            corrects = last[(case_pk, point)]
            pk = made[(case_pk, point, corrects)]
            last[(case_pk, point)] = pk
            answers += [
                {
                    "assessment_id": pk,
                    "statement_id": g.version.statements[code],
                    "score": score,
                    "recorded_by_id": user_id,
                    "recorded_at": now,
                }
                for code, score in g.scores.items()
            ]
            label = Point(point).label
            summary = (
                _("Self-assessment corrected: %(point)s")
                if corrects
                else _("Self-assessment: %(point)s")
            )
            event(
                case_pk,
                case_of_ref[g.first.person_ref][0],
                EVENT_KIND,
                g.first.answered_on,
                summary % {"point": label},
                data={
                    "assessment": pk,
                    "point": point,
                    "channel": g.first.channel,
                    "corrects": corrects,
                },
                why=g.first.why,
            )
        insert(Answer, answers)
        written += len(rows)
    return written


# --- export --------------------------------------------------------------------------------


def export_rows(ref_of: dict[int, str]) -> list[dict]:
    """Every person's assessments on their latest case, as rows of assessments.csv: by
    person (in ``ref_of``'s order), point, correction, and the statements' order."""
    if not Assessment.objects.exists():
        return []  # one query: an export without assessments costs nothing more
    latest: dict[int, int] = {}  # citizen → case
    for citizen_id, pk in Case.objects.order_by("citizen_id", "-opened_on", "-pk").values_list(
        "citizen_id", "pk"
    ):
        latest.setdefault(citizen_id, pk)
    records = {
        a["pk"]: a
        for a in Assessment.objects.values(
            "pk",
            "case_id",
            "point",
            "answered_on",
            "channel",
            "why",
            "corrects_id",
            "questionnaire__valid_from",
        )
    }
    answers: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for assessment_id, position, code, score in Answer.objects.values_list(
        "assessment_id", "statement__position", "statement__code", "score"
    ):
        answers[assessment_id].append((position, code, score))
    next_of = {a["corrects_id"]: pk for pk, a in records.items() if a["corrects_id"]}
    first_of = {
        (a["case_id"], a["point"]): pk for pk, a in records.items() if a["corrects_id"] is None
    }
    rows = []
    for citizen_id, ref in ref_of.items():
        case = latest.get(citizen_id)
        for point in POINTS:
            current, n = first_of.get((case, point)), 0
            while current is not None:
                a = records[current]
                for _position, code, score in sorted(answers[current]):
                    rows.append(
                        {
                            "person_ref": ref,
                            "point": point,
                            "correction": n,
                            "answered_on": a["answered_on"],
                            "channel": a["channel"],
                            "questionnaire": a["questionnaire__valid_from"],
                            "item": code,
                            "score": score,
                            "why": a["why"],
                        }
                    )
                current, n = next_of.get(current), n + 1
    return rows
