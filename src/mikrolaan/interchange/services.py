"""Importing interchange bundles (docs/INTERCHANGE.md); exporting is ``export``.

``import_bundle`` reads and checks the whole bundle first and writes nothing unless it is
free of problems; then it merges it into the database in one transaction, by the bundle's keys
(cohort code, person_ref, loan_ref, payment identity), so the same bundle twice changes nothing.

Imported history is recorded as it happened: the loan policy for new grants is not applied.
Ledger entries of an import are written in bulk after the checks ``loans.ledger.post`` makes
per posting (amount > 0, debt never below zero, one entry per external id and loan) have been
made here for the whole bundle: posting 100,000 people's payments one by one would take hours.
"""

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from tqdm import tqdm

from mikrolaan.accounts.models import Unit
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.audit.services import log, origin_fields
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case, CaseEvent
from mikrolaan.core.bulk import cyclic_gc_paused
from mikrolaan.courses.models import Cohort, Participation, ParticipationStatus
from mikrolaan.interchange import assessments
from mikrolaan.interchange.bulk import in_batches, insert
from mikrolaan.interchange.export import bundle_tables, export_bundle, write_bundle
from mikrolaan.interchange.reader import Bundle, BundleError, Problem, load_files, parse
from mikrolaan.interchange.validate import Existing, check
from mikrolaan.interchange.write_loans import LoanWriter
from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.people import cpr as cprlib
from mikrolaan.people.models import Citizen, SupportCategory

BATCH = 2000
SPELL_SOURCE = "import"
STAGE_OF_STATUS = {
    "pre_course": Stage.PRE_COURSE,
    "main_course": Stage.MAIN_COURSE,
    "completed": Stage.COMPLETED,
    "dropped_out": Stage.DROPPED_OUT,
}


@dataclass
class ImportResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def read_bundle(path: Path) -> Bundle:
    """Parse a bundle without the database checks (raises ``BundleError``)."""
    files, problems = load_files(Path(path))
    bundle = parse(files, problems)
    if problems:
        raise BundleError(problems)
    return bundle


def import_bundle(path: Path, *, acting_user=None, progress: bool = False) -> ImportResult:
    """Check the whole bundle, then merge it in one transaction; raise ``BundleError`` listing
    every problem (and write nothing) if there is any."""
    with cyclic_gc_paused():
        return _import(Path(path), acting_user=acting_user, progress=progress)


def _import(path: Path, *, acting_user, progress: bool) -> ImportResult:
    files, problems = load_files(path)
    bundle = parse(files, problems)
    with transaction.atomic():
        _lock_imports()
        existing = check(bundle, problems)
        if problems:
            raise BundleError(problems)
        bar = tqdm(
            total=bundle.size,
            disable=not progress,
            file=sys.stderr,
            unit=_("rows"),
            desc=_("Importing"),
        )
        try:
            result = _Writer(bundle, existing, acting_user, bar).write()
        finally:
            bar.close()
        if result.changed:
            log(
                acting_user,
                Action.CREATE,
                what=f"import of {Path(path).name}: "
                + ", ".join(f"{k} +{v}" for k, v in sorted(result.created.items()) if v)
                + "; "
                + ", ".join(f"{k} ~{v}" for k, v in sorted(result.updated.items()) if v),
            )
    return result


IMPORT_LOCK = 0x4D494B52  # "MIKR": one import at a time, checked against what is committed


def _lock_imports() -> None:
    """Serialise imports, so two runs of the same bundle cannot both see it as new.

    PostgreSQL: a transaction-level advisory lock. SQLite: the project opens write
    transactions IMMEDIATE (settings), which already lets only one writer in.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


class _Writer(LoanWriter):
    def __init__(self, bundle: Bundle, existing: Existing, acting_user, bar):
        self.b = bundle
        self.ex = existing
        self.user = acting_user
        self.user_id = (
            acting_user.pk if acting_user is not None and acting_user.is_authenticated else None
        )
        self.bar = bar
        self.result = ImportResult()
        self.today = timezone.localdate()
        self.now = timezone.now()  # one stamp for every record this import writes
        self.events: list[dict] = []
        self.touched_loan_pks: set[int] = set()
        # Translated once: ``gettext`` per row is a noticeable part of a 100,000-person import.
        self.imported = _("Imported from a bundle")

    def write(self) -> ImportResult:
        self.cohorts()
        self.people()
        self.cases_and_participations()
        self.loans_and_payments()
        self.loan_projections()
        self.spells()
        self.assessments()
        self.flush_events()
        return self.result

    # --- cohorts ---------------------------------------------------------------------
    def cohorts(self):
        new, changed = [], []
        fields = ["pre_course_start", "main_course_start", "main_course_end"]
        for c in self.b.cohorts:
            obj = self.ex.cohorts.get(c.code)
            values = {
                "pre_course_start": c.pre_course_start,
                "main_course_start": c.main_course_start,
                "main_course_end": c.main_course_end,
            }
            if obj is None:
                new.append(Cohort(code=c.code, **values))
            elif _assign(obj, {k: v for k, v in values.items() if v is not None}):
                changed.append(obj)
            self.bar.update()
        Cohort.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            Cohort.objects.bulk_update(changed, fields, batch_size=BATCH)
        self.result.created["cohorts"] += len(new)
        self.result.updated["cohorts"] += len(changed)
        self.cohort_by_code = {c.code: c for c in Cohort.objects.all()}

    # --- people ----------------------------------------------------------------------
    def people(self):
        units = {u.name: u for u in Unit.objects.all()}
        codes = {u.code for u in units.values()}
        for name in sorted({p.unit for p in self.b.people if p.unit} - set(units)):
            code = base = slugify(name)[:34] or "enhed"
            n = 1
            while code in codes:
                n += 1
                code = f"{base}-{n}"
            codes.add(code)
            units[name] = Unit.objects.create(code=code, name=name)
            self.result.created["units"] += 1
        labels = {c.label: c for c in SupportCategory.objects.all()}
        missing = sorted(
            {p.benefit_before for p in self.b.people if p.benefit_before} - set(labels)
        )
        SupportCategory.objects.bulk_create([SupportCategory(label=label) for label in missing])
        self.result.created["support categories"] += len(missing)
        labels = {c.label: c.pk for c in SupportCategory.objects.all()}

        fields = [
            "cpr",
            "first_name",
            "last_name",
            "birth_date",
            "birth_year",
            "gender",
            "support_before_id",
            "unit_id",
        ]
        existing = {
            row[0]: (row[1], dict(zip(fields, row[2:], strict=True)))
            for row in Citizen.objects.filter(person_ref__isnull=False).values_list(
                "person_ref", "pk", *fields
            )
        }
        new, updates = [], {}
        for p in self.b.people:
            gender = p.gender or (cprlib.gender(p.cpr) if p.cpr else "")
            values = {
                "cpr": p.cpr,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "birth_date": p.birth_date,
                "birth_year": p.birth_year,
                "gender": gender,
                "support_before_id": labels.get(p.benefit_before),
                "unit_id": units[p.unit].pk if p.unit else None,
            }
            known = existing.get(p.person_ref)
            if known is None:
                new.append({"person_ref": p.person_ref, **values})
            else:
                # An empty cell is "not known": it never erases what the database knows.
                given = {k: v for k, v in values.items() if v not in (None, "")}
                if any(known[1][k] != v for k, v in given.items()):
                    updates[known[0]] = given
            self.bar.update()
        insert(Citizen, new)
        changed = []
        for obj in in_batches(Citizen, list(updates)):
            if _assign(obj, updates[obj.pk]):
                changed.append(obj)
        if changed:
            Citizen.objects.bulk_update(changed, fields, batch_size=BATCH)
        self.result.created["people"] += len(new)
        self.result.updated["people"] += len(changed)
        refs = {p.person_ref for p in self.b.people}
        refs |= {x.person_ref for x in self.b.participations}
        refs |= {x.person_ref for x in self.b.loans}
        refs |= {x.person_ref for x in self.b.spells}
        refs |= {x.person_ref for x in self.b.assessments}
        # person_ref → (citizen pk, unit pk)
        self.citizen = {
            ref: (pk, unit_id)
            for ref, pk, unit_id in Citizen.objects.filter(person_ref__isnull=False).values_list(
                "person_ref", "pk", "unit_id"
            )
            if ref in refs
        }

    # --- cases and participations ----------------------------------------------------
    def cases_and_participations(self):
        fallback_unit = None
        parts_of = defaultdict(list)
        for pa in self.b.participations:
            parts_of[pa.person_ref].append(pa)
        loans_of = {lo.person_ref: lo for lo in self.b.loans}
        first_answer = assessments.opening_dates(self.b)
        case_of: dict[int, tuple] = {}  # citizen pk → (case pk, stage, cohort pk)
        for row in Case.objects.order_by("citizen_id", "-opened_on", "-pk").values_list(
            "citizen_id", "pk", "stage", "cohort_id"
        ):
            case_of.setdefault(row[0], row[1:])
        new_cases, changed_cases = [], {}
        for ref in sorted(self.citizen):
            citizen_pk, unit_id = self.citizen[ref]
            parts = sorted(
                parts_of.get(ref, []),
                key=lambda pa: self.cohort_by_code[pa.cohort_code].main_course_start,
            )
            stage, cohort_id = Stage.REFERRED, None
            if parts:
                stage = STAGE_OF_STATUS[parts[-1].status]
                cohort_id = self.cohort_by_code[parts[-1].cohort_code].pk
            case = case_of.get(citizen_pk)
            if case is None:
                dates = [
                    self.cohort_by_code[pa.cohort_code].pre_course_start
                    or self.cohort_by_code[pa.cohort_code].main_course_start
                    for pa in parts
                ]
                if ref in loans_of:
                    dates.append(loans_of[ref].disbursed_on)
                if ref in first_answer:
                    dates.append(first_answer[ref])
                if unit_id is None:
                    if fallback_unit is None:
                        fallback_unit, created = Unit.objects.get_or_create(
                            code="ukendt", defaults={"name": _("Unknown unit")}
                        )
                        self.result.created["units"] += int(created)
                    unit_id = fallback_unit.pk
                new_cases.append(
                    {
                        "citizen_id": citizen_pk,
                        "unit_id": unit_id,
                        "opened_on": min(dates) if dates else self.today,
                        "stage": stage,
                        "cohort_id": cohort_id,
                    }
                )
            elif parts and (case[1] != stage or case[2] != cohort_id):
                changed_cases[case[0]] = (stage, cohort_id)
        insert(Case, new_cases)
        if changed_cases:
            objs = []
            for obj in in_batches(Case, list(changed_cases)):
                obj.stage, obj.cohort_id = changed_cases[obj.pk]
                objs.append(obj)
                self.event(
                    obj.pk, obj.citizen_id, "imported", self.today, _("Updated from a bundle")
                )
            Case.objects.bulk_update(objs, ["stage", "cohort"], batch_size=BATCH)
        self.result.created["cases"] += len(new_cases)
        self.result.updated["cases"] += len(changed_cases)
        new_citizens = {c["citizen_id"] for c in new_cases}
        for citizen_id, pk, opened_on in Case.objects.order_by(
            "citizen_id", "-opened_on", "-pk"
        ).values_list("citizen_id", "pk", "opened_on"):
            if citizen_id in new_citizens and citizen_id not in case_of:
                case_of[citizen_id] = (pk, None, None)
                self.event(pk, citizen_id, "imported", opened_on, self.imported)
        self.case_of = {citizen: row[0] for citizen, row in case_of.items()}

        existing = {
            (case_id, cohort_id): (pk, status, own_end)
            for pk, case_id, cohort_id, status, own_end in Participation.objects.values_list(
                "pk", "case_id", "cohort_id", "status", "main_course_end"
            )
        }
        dropouts = defaultdict(list)
        for case_id, day, data in CaseEvent.objects.filter(kind="dropout").values_list(
            "case_id", "occurred_on", "data"
        ):
            dropouts[case_id].append((day, data))
        new, changed = [], {}
        for pa in self.b.participations:
            citizen_pk = self.citizen[pa.person_ref][0]
            case_pk = self.case_of[citizen_pk]
            cohort = self.cohort_by_code[pa.cohort_code]
            row = existing.get((case_pk, cohort.pk))
            if row is None:
                new.append(
                    {
                        "case_id": case_pk,
                        "cohort_id": cohort.pk,
                        "status": pa.status,
                        "main_course_end": pa.main_course_end,
                    }
                )
            elif row[1] != pa.status or (pa.main_course_end and row[2] != pa.main_course_end):
                changed[row[0]] = (pa.status, pa.main_course_end or row[2])
            if pa.status == ParticipationStatus.DROPPED_OUT:
                data = {
                    "reason": pa.dropout_reason,
                    "destination": pa.dropout_destination,
                    "cohort": pa.cohort_code,
                }
                if (pa.dropout_date, data) not in dropouts[case_pk]:
                    dropouts[case_pk].append((pa.dropout_date, data))
                    self.event(
                        case_pk,
                        citizen_pk,
                        "dropout",
                        pa.dropout_date,
                        _("Dropped out of %(cohort)s (imported)") % {"cohort": pa.cohort_code},
                        data=data,
                    )
            self.bar.update()
        insert(Participation, new)
        if changed:
            objs = []
            for obj in in_batches(Participation, list(changed)):
                obj.status, obj.main_course_end = changed[obj.pk]
                objs.append(obj)
            Participation.objects.bulk_update(objs, ["status", "main_course_end"], batch_size=BATCH)
        self.result.created["participations"] += len(new)
        self.result.updated["participations"] += len(changed)

    # --- spells ----------------------------------------------------------------------
    def spells(self):
        new = []
        for sp in self.b.spells:
            citizen_pk = self.citizen[sp.person_ref][0]
            match = next(
                (
                    s
                    for s in self.ex.spells.get(citizen_pk, [])
                    if (s.status, s.start) == (sp.status, sp.start)
                ),
                None,
            )
            self.bar.update()
            if match is not None and match.end == sp.end:
                continue
            new.append(
                {
                    "citizen_id": citizen_pk,
                    "status": sp.status,
                    "start": sp.start,
                    "end": sp.end,
                    "source": SPELL_SOURCE,
                    "corrects_id": match.pk if match else None,
                    "recorded_by_id": self.user_id,
                    "recorded_at": self.now,
                }
            )
        insert(SupportSpell, new)
        self.result.created["support spells"] += len(new)

    # --- assessments -----------------------------------------------------------------
    def assessments(self):
        groups = self.ex.assessment_groups
        if not groups:
            return
        case_of_ref = {
            ref: (citizen_pk, self.case_of[citizen_pk])
            for ref, (citizen_pk, _unit) in self.citizen.items()
            if citizen_pk in self.case_of
        }
        self.result.created["assessments"] += assessments.write(
            groups, case_of_ref=case_of_ref, user_id=self.user_id, now=self.now, event=self.event
        )
        self.bar.update(len(self.b.assessments))

    # --- case events -----------------------------------------------------------------
    def event(self, case_pk, citizen_pk, kind, day, summary, data=None, why=""):
        self.events.append(
            {
                "case_id": case_pk,
                "kind": kind,
                "occurred_on": day,
                "summary": summary,
                "why": why,
                "data": data or {},
                "recorded_by_id": self.user_id,
                "recorded_at": self.now,
                "_citizen": citizen_pk,
            }
        )

    def flush_events(self):
        """What ``cases.events.record_event`` writes (event + audit record), in bulk."""
        if not self.events:
            return
        citizen_of = {e["case_id"]: e.pop("_citizen") for e in self.events}
        insert(CaseEvent, self.events)
        written = CaseEvent.objects.filter(recorded_at=self.now).values_list(
            "pk", "case_id", "kind", "summary"
        )
        origin = origin_fields()  # the shell user and command line of ``mikrolaan import``
        insert(
            AuditRecord,
            [
                {
                    "at": self.now,
                    "user_id": self.user_id,
                    "action": Action.CREATE,
                    "citizen_id": citizen_of.get(case_id),
                    "object_type": CaseEvent._meta.label,
                    "object_id": str(pk),
                    "what": f"{kind}: {summary}"[:500],
                    "why": "",
                    **origin,
                }
                for pk, case_id, kind, summary in written
            ],
        )
        self.result.created["case events"] += len(self.events)


def _assign(obj, values: dict) -> bool:
    """Set the values that differ; say whether anything did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


__all__ = [
    "BundleError",
    "ImportResult",
    "Problem",
    "bundle_tables",
    "export_bundle",
    "import_bundle",
    "read_bundle",
    "write_bundle",
]
