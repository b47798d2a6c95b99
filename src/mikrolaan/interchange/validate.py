"""Checking a parsed bundle: records against each other and against the database.

Produces every problem at once (never only the first) and, when there is none, the
``Existing`` snapshot the writer merges into.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.core.bulk import in_parts
from mikrolaan.courses.models import Cohort
from mikrolaan.interchange import assessments as assessment_file
from mikrolaan.interchange import schema
from mikrolaan.interchange.reader import Bundle, Problem
from mikrolaan.loans import queries
from mikrolaan.loans.models import Loan
from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.people import cpr as cprlib
from mikrolaan.people.models import Citizen

PARTICIPATIONS = schema.PARTICIPATIONS.name
LOANS = schema.LOANS.name
PAYMENTS = schema.PAYMENTS.name
SPELLS = schema.SPELLS.name
PEOPLE = schema.PEOPLE.name
COHORTS = schema.COHORTS.name


def payment_identity(reference: str, paid_on: dt.date, amount: Decimal, n: int) -> str:
    """The ledger's external id of a bundle payment: its reference, or date, amount and n."""
    if reference:
        return f"ref:{reference}"
    return f"row:{paid_on.isoformat()}:{amount:.2f}:{n}"


@dataclass
class ExistingPayment:
    external_id: str
    source: str
    paid_on: dt.date
    amount: Decimal


@dataclass
class ExistingSpell:
    pk: int
    status: str
    start: dt.date
    end: dt.date | None


@dataclass
class Existing:
    """What the database already holds, as far as the bundle touches it."""

    cohorts: dict[str, Cohort] = field(default_factory=dict)
    citizen_by_ref: dict[str, int] = field(default_factory=dict)
    citizen_by_cpr: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    loan_by_ref: dict[str, "ExistingLoan"] = field(default_factory=dict)
    loan_of_citizen: dict[int, str] = field(default_factory=dict)
    payments: dict[int, list[ExistingPayment]] = field(default_factory=dict)
    spells: dict[int, list[ExistingSpell]] = field(default_factory=dict)
    assessments: assessment_file.Known = field(default_factory=assessment_file.Known)
    # The bundle's assessments by (person_ref, point, correction), once checked.
    assessment_groups: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ExistingLoan:
    pk: int
    loan_ref: str
    citizen_id: int
    principal: Decimal
    disbursed_on: dt.date | None
    collection_transferred_on: dt.date | None


def load_existing(bundle: Bundle) -> Existing:
    """A handful of queries (batched under the database's parameter limit), no model rows."""
    ex = Existing()
    ex.cohorts = {c.code: c for c in Cohort.objects.all()}
    for pk, ref, cpr in Citizen.objects.values_list("pk", "person_ref", "cpr"):
        if ref:
            ex.citizen_by_ref[ref] = pk
        if cpr:
            ex.citizen_by_cpr[cpr] = (pk, ref)
    for row in Loan.objects.values_list(
        "pk", "loan_ref", "citizen_id", "principal", "disbursed_on", "collection_transferred_on"
    ):
        loan = ExistingLoan(*row)
        ex.loan_by_ref[loan.loan_ref] = loan
        ex.loan_of_citizen[loan.citizen_id] = loan.loan_ref
    wanted_loans = {
        ex.loan_by_ref[p.loan_ref].pk for p in bundle.payments if p.loan_ref in ex.loan_by_ref
    }
    for chunk in in_parts(wanted_loans, 5000):
        for loan_id, external_id, source, day, amount in queries.effective_payments(
            loans=chunk
        ).values_list("loan_id", "external_id", "source", "value_date", "amount"):
            ex.payments.setdefault(loan_id, []).append(
                ExistingPayment(external_id, source, day, amount)
            )
    wanted_people = {
        ex.citizen_by_ref[s.person_ref] for s in bundle.spells if s.person_ref in ex.citizen_by_ref
    }
    for chunk in in_parts(wanted_people, 5000):
        for pk, citizen_id, status, start, end in SupportSpell.objects.filter(
            citizen_id__in=chunk, withdrawn=False, corrected_by__isnull=True
        ).values_list("pk", "citizen_id", "status", "start", "end"):
            ex.spells.setdefault(citizen_id, []).append(ExistingSpell(pk, status, start, end))
    ex.assessments = assessment_file.load_known(bundle, ex.citizen_by_ref)
    return ex


def check(bundle: Bundle, problems: list[Problem]) -> Existing:
    ex = load_existing(bundle)

    def add(file, line, column, message):
        problems.append(Problem(file, line, column, message))

    # cohorts.csv
    cohort_line: dict[str, int] = {}
    cohort_end: dict[str, dt.date] = {}
    for c in bundle.cohorts:
        if c.code is not None:
            if c.code in cohort_line:
                add(
                    COHORTS,
                    c.line,
                    "code",
                    _("'%(v)s' is already on line %(n)d") % {"v": c.code, "n": cohort_line[c.code]},
                )
            else:
                cohort_line[c.code] = c.line
        if c.main_course_start and c.main_course_end and c.main_course_end < c.main_course_start:
            add(COHORTS, c.line, "main_course_end", _("is before main_course_start"))
        if c.code and c.main_course_end:
            cohort_end[c.code] = c.main_course_end
    known_cohorts = set(cohort_line) | set(ex.cohorts)

    # people.csv
    person_line: dict[str, int] = {}
    cpr_line: dict[str, int] = {}
    for p in bundle.people:
        if p.person_ref is not None:
            if p.person_ref in person_line:
                add(
                    PEOPLE,
                    p.line,
                    "person_ref",
                    _("'%(v)s' is already on line %(n)d")
                    % {"v": p.person_ref, "n": person_line[p.person_ref]},
                )
            else:
                person_line[p.person_ref] = p.line
        born = None
        if p.cpr:
            try:
                p.cpr = cprlib.validate(p.cpr)
                born = cprlib.birth_date(p.cpr)
            except ValidationError as exc:
                add(PEOPLE, p.line, "cpr", exc.messages[0])
                p.cpr = None
        if p.cpr:
            if p.cpr in cpr_line:
                add(
                    PEOPLE,
                    p.line,
                    "cpr",
                    _("the same CPR number is on line %(n)d") % {"n": cpr_line[p.cpr]},
                )
            else:
                cpr_line[p.cpr] = p.line
            holder = ex.citizen_by_cpr.get(p.cpr)
            if holder is not None and holder[1] != p.person_ref:
                add(PEOPLE, p.line, "cpr", _("already belongs to another person in the database"))
            if p.gender and p.gender != cprlib.gender(p.cpr):
                add(
                    PEOPLE,
                    p.line,
                    "gender",
                    _("does not agree with the CPR number (odd last digit = M)"),
                )
            if p.birth_date and p.birth_date != born:
                add(
                    PEOPLE,
                    p.line,
                    "birth_date",
                    _("does not agree with the CPR number (%(d)s)") % {"d": born.isoformat()},
                )
            if p.birth_year and p.birth_year != born.year:
                add(
                    PEOPLE,
                    p.line,
                    "birth_year",
                    _("does not agree with the CPR number (%(d)s)") % {"d": born.isoformat()},
                )
        if p.birth_year is not None and not 1850 <= p.birth_year <= 2100:
            add(
                PEOPLE,
                p.line,
                "birth_year",
                _("%(v)d is not a plausible birth year") % {"v": p.birth_year},
            )
        if p.birth_date and p.birth_year and p.birth_date.year != p.birth_year:
            add(PEOPLE, p.line, "birth_year", _("does not agree with birth_date"))
    known_people = set(person_line) | set(ex.citizen_by_ref)
    people_unknown = PEOPLE in bundle.unreadable
    cohorts_unknown = COHORTS in bundle.unreadable

    def check_person(file, line, ref):
        if ref is not None and ref not in known_people and not people_unknown:
            add(file, line, "person_ref", _("'%(v)s' is not in people.csv") % {"v": ref})

    def check_cohort(file, line, code):
        if code is not None and code not in known_cohorts and not cohorts_unknown:
            add(file, line, "cohort_code", _("'%(v)s' is not in cohorts.csv") % {"v": code})

    # participations.csv
    seen_part: dict[tuple[str, str], int] = {}
    for pa in bundle.participations:
        check_person(PARTICIPATIONS, pa.line, pa.person_ref)
        check_cohort(PARTICIPATIONS, pa.line, pa.cohort_code)
        key = (pa.person_ref, pa.cohort_code)
        if None not in key:
            if key in seen_part:
                add(
                    PARTICIPATIONS,
                    pa.line,
                    "cohort_code",
                    _("'%(p)s' is already in cohort '%(c)s' on line %(n)d")
                    % {"p": pa.person_ref, "c": pa.cohort_code, "n": seen_part[key]},
                )
            else:
                seen_part[key] = pa.line
        dropout_fields = {
            "dropout_date": pa.dropout_date,
            "dropout_reason": pa.dropout_reason,
            "dropout_destination": pa.dropout_destination,
        }
        raw_given = pa.given
        if pa.status == "dropped_out":
            for column, value in dropout_fields.items():
                if not value and column not in raw_given:
                    add(
                        PARTICIPATIONS, pa.line, column, _("is required when status is dropped_out")
                    )
        elif pa.status is not None:
            for column in dropout_fields:
                if column in raw_given:
                    add(
                        PARTICIPATIONS,
                        pa.line,
                        column,
                        _("is only allowed when status is dropped_out"),
                    )

    # loans.csv
    loan_line: dict[str, int] = {}
    loan_of_person: dict[str, tuple[str, int]] = {}
    disbursed: dict[str, dt.date] = {}
    principal: dict[str, Decimal] = {}
    for lo in bundle.loans:
        if lo.loan_ref is not None:
            if lo.loan_ref in loan_line:
                add(
                    LOANS,
                    lo.line,
                    "loan_ref",
                    _("'%(v)s' is already on line %(n)d")
                    % {"v": lo.loan_ref, "n": loan_line[lo.loan_ref]},
                )
            else:
                loan_line[lo.loan_ref] = lo.line
        check_person(LOANS, lo.line, lo.person_ref)
        check_cohort(LOANS, lo.line, lo.cohort_code)
        if lo.person_ref is not None and lo.loan_ref is not None:
            if lo.person_ref in loan_of_person:
                other, n = loan_of_person[lo.person_ref]
                add(
                    LOANS,
                    lo.line,
                    "person_ref",
                    _(
                        "'%(p)s' already has loan '%(l)s' on line %(n)d; "
                        "a person has at most one loan"
                    )
                    % {"p": lo.person_ref, "l": other, "n": n},
                )
            else:
                loan_of_person[lo.person_ref] = (lo.loan_ref, lo.line)
            citizen_pk = ex.citizen_by_ref.get(lo.person_ref)
            existing = ex.loan_by_ref.get(lo.loan_ref)
            if existing is not None and existing.citizen_id != citizen_pk:
                add(
                    LOANS,
                    lo.line,
                    "loan_ref",
                    _("'%(v)s' belongs to another person in the database") % {"v": lo.loan_ref},
                )
            elif (
                citizen_pk is not None
                and ex.loan_of_citizen.get(citizen_pk, lo.loan_ref) != lo.loan_ref
            ):
                add(
                    LOANS,
                    lo.line,
                    "person_ref",
                    _(
                        "'%(p)s' already has loan '%(l)s' in the database; "
                        "a person has at most one loan"
                    )
                    % {"p": lo.person_ref, "l": ex.loan_of_citizen[citizen_pk]},
                )
            if existing is not None:
                if lo.principal is not None and existing.principal != lo.principal:
                    add(
                        LOANS,
                        lo.line,
                        "principal",
                        _(
                            "the loan is in the database with principal %(v)s; "
                            "an import cannot change it"
                        )
                        % {"v": f"{existing.principal:.2f}"},
                    )
                if lo.disbursed_on is not None and existing.disbursed_on != lo.disbursed_on:
                    add(
                        LOANS,
                        lo.line,
                        "disbursed_on",
                        _(
                            "the loan is in the database as paid out on %(v)s; "
                            "an import cannot change it"
                        )
                        % {
                            "v": existing.disbursed_on.isoformat() if existing.disbursed_on else "-"
                        },
                    )
        if lo.disbursed_on and lo.repayment_start and lo.repayment_start < lo.disbursed_on:
            add(LOANS, lo.line, "repayment_start", _("is before disbursed_on"))
        if (
            lo.disbursed_on
            and lo.collection_transferred_on
            and lo.collection_transferred_on < lo.disbursed_on
        ):
            add(LOANS, lo.line, "collection_transferred_on", _("is before disbursed_on"))
        if lo.loan_ref and lo.disbursed_on and lo.principal:
            disbursed[lo.loan_ref] = lo.disbursed_on
            principal[lo.loan_ref] = lo.principal
    for ref, loan in ex.loan_by_ref.items():
        if ref not in loan_line and loan.disbursed_on:
            disbursed[ref] = loan.disbursed_on
            principal[ref] = loan.principal
    known_loans = set(loan_line) | set(ex.loan_by_ref)

    # payments.csv
    reference_line: dict[tuple[str, str], int] = {}
    equal_rows: Counter = Counter()
    by_loan: dict[str, list] = defaultdict(list)
    for pm in bundle.payments:
        if (
            pm.loan_ref is not None
            and pm.loan_ref not in known_loans
            and LOANS not in bundle.unreadable
        ):
            add(
                PAYMENTS, pm.line, "loan_ref", _("'%(v)s' is not in loans.csv") % {"v": pm.loan_ref}
            )
            continue
        if pm.reference and pm.loan_ref is not None:
            key = (pm.loan_ref, pm.reference)
            if key in reference_line:
                add(
                    PAYMENTS,
                    pm.line,
                    "reference",
                    _("'%(v)s' is already used for this loan on line %(n)d")
                    % {"v": pm.reference, "n": reference_line[key]},
                )
                continue
            reference_line[key] = pm.line
        if pm.loan_ref is None or pm.paid_on is None or pm.amount is None:
            continue
        n = 0
        if not pm.reference:
            equal_rows[(pm.loan_ref, pm.paid_on, pm.amount)] += 1
            n = equal_rows[(pm.loan_ref, pm.paid_on, pm.amount)]
        pm.identity = payment_identity(pm.reference, pm.paid_on, pm.amount, n)
        if pm.loan_ref in disbursed and pm.paid_on < disbursed[pm.loan_ref]:
            add(
                PAYMENTS,
                pm.line,
                "paid_on",
                _("is before the loan was paid out (%(d)s)")
                % {"d": disbursed[pm.loan_ref].isoformat()},
            )
        by_loan[pm.loan_ref].append(pm)
    for ref, payments in by_loan.items():
        if ref not in principal:
            continue
        # Payments already in the database count too, unless they are the same payment.
        existing = ex.loan_by_ref.get(ref)
        db_payments = ex.payments.get(existing.pk, []) if existing else []
        identities = {pm.identity for pm in payments}
        timeline = [
            (e.paid_on, 0, e.amount, None)
            for e in db_payments
            if not (e.source == "import" and e.external_id in identities)
        ] + [(pm.paid_on, pm.line, pm.amount, pm) for pm in payments]
        timeline.sort(key=lambda t: (t[0], t[1]))
        paid = Decimal("0.00")
        for _day, _line, amount, pm in timeline:
            paid += amount
            if paid > principal[ref] and pm is not None:
                add(
                    PAYMENTS,
                    pm.line,
                    "amount",
                    _("takes the sum paid on loan '%(l)s' to %(p)s, above the principal %(v)s")
                    % {"l": ref, "p": f"{paid:.2f}", "v": f"{principal[ref]:.2f}"},
                )
                paid -= amount  # report each payment that does not fit, not all after it

    # support_spells.csv
    open_end = _("open")
    spells_of: dict[str, list] = defaultdict(list)
    for sp in bundle.spells:
        check_person(SPELLS, sp.line, sp.person_ref)
        if sp.start and sp.end and sp.end < sp.start:
            add(SPELLS, sp.line, "end", _("is before start"))
            continue
        if sp.person_ref and sp.start and sp.status:
            spells_of[sp.person_ref].append(sp)
    for ref, spells in spells_of.items():
        keys = {(s.status, s.start) for s in spells}
        citizen_pk = ex.citizen_by_ref.get(ref)
        others = [
            (s.start, s.end, None, s)
            for s in ex.spells.get(citizen_pk, [])
            if (s.status, s.start) not in keys
        ]
        timeline = sorted(
            others + [(s.start, s.end, s.line, s) for s in spells], key=lambda t: (t[0], t[2] or 0)
        )
        latest_end: tuple | None = None  # (end or None=open, line or None)
        for start, end, line, _obj in timeline:
            if latest_end is not None:
                prev_end, prev_line, prev_start = latest_end
                if prev_end is None or prev_end >= start:
                    where = (
                        _("on line %(n)d") % {"n": prev_line} if prev_line else _("in the database")
                    )
                    span = _span(prev_start, prev_end, open_end)
                    if line is not None:
                        add(
                            SPELLS,
                            line,
                            "start",
                            _("overlaps the spell %(span)s %(where)s")
                            % {"span": span, "where": where},
                        )
                    elif prev_line is not None:
                        add(
                            SPELLS,
                            prev_line,
                            "end",
                            _("overlaps the spell %(span)s in the database")
                            % {"span": _span(start, end, open_end)},
                        )
            if (
                latest_end is None
                or latest_end[0] is not None
                and (end is None or end > latest_end[0])
            ):
                latest_end = (end, line, start)

    # assessments.csv
    ex.assessment_groups = assessment_file.check(
        bundle, ex.assessments, ex.citizen_by_ref, add, check_person, timezone.localdate()
    )
    return ex


def _span(start: dt.date, end: dt.date | None, open_end: str) -> str:
    return f"{start.isoformat()} – {end.isoformat() if end else open_end}"
