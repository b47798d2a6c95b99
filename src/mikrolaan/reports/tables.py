"""The review's Tables 1–8, laid out from a report (``services.build_report``).

One layout for the browser, the xlsx and the pdf, so all three show the same figures under
the review's Danish headings (the English here is translated in the reports catalogue).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mikrolaan.core.suppression import HIDDEN, MARKER, is_hidden, marked, suppression_note
from mikrolaan.reports.services import AGE_BANDS, REPAYMENT_BANDS, SIZE_BANDS


@dataclass
class Table:
    number: int
    title: str
    headings: list[str]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    notes: list[str] = field(default_factory=list)
    money_columns: frozenset[int] = frozenset()
    change_columns: frozenset[int] = frozenset()  # a signed change with one decimal
    text_columns: frozenset[int] = frozenset()  # words, set left like the first column

    @property
    def sheet_name(self) -> str:
        return pgettext("review table", "Table %(n)d") % {"n": self.number}


def _pct(part: int, whole: int) -> int | None:
    if is_hidden(part) or is_hidden(whole):
        return HIDDEN
    if not whole:
        return None
    return int((Decimal(100) * part / whole).quantize(Decimal(1), ROUND_HALF_UP))


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _dec(value):
    """A money string as Decimal; a hidden figure stays hidden."""
    return HIDDEN if is_hidden(value) else Decimal(value)


def _sum(values):
    return HIDDEN if any(is_hidden(v) for v in values) else sum(values)


def thousands(value) -> str:
    """Danish number formatting: 26.337,93 and 763.800."""
    if value is None:
        return "–"
    if is_hidden(value):
        return MARKER
    if isinstance(value, Decimal):
        whole = f"{value:,.2f}"
        return whole.replace(",", "X").replace(".", ",").replace("X", ".")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def money_kr(value: Decimal | None, *, decimals: bool = False) -> str:
    if value is None:
        return "–"
    if is_hidden(value):
        return MARKER
    if not decimals and value == value.to_integral_value():
        return thousands(int(value))
    return thousands(value)


def build_tables(report: dict) -> list[Table]:
    note = suppression_note(report)
    report = marked(report)
    tables = _build_tables(report)
    if note:
        for table in tables:
            if _has_hidden(table):
                table.notes.append(note)
    return tables


def _has_hidden(table: Table) -> bool:
    rows = [*table.rows, *([table.total] if table.total else [])]
    return any(is_hidden(v) for row in rows for v in row) or any(MARKER in n for n in table.notes)


def _build_tables(report: dict) -> list[Table]:
    as_of = _date(report["as_of"])
    cohorts = report["cohorts"]
    total = report["borrowers"]
    totals = report["totals"]
    tables = []

    t1 = Table(
        1,
        pgettext("review table", "Table 1 – Number of participants and periods of the cohorts"),
        [
            pgettext("review table", "Cohort"),
            pgettext("review table", "Period"),
            pgettext("review table", "Number of citizens"),
        ],
    )
    for c in cohorts:
        start, end = _date(c["main_course_start"]), _date(c["main_course_end"])
        first = f"{start:%d/%m}" if start.year == end.year else f"{start:%d/%m %Y}"
        period = f"{first} – {end:%d/%m %Y}"
        t1.rows.append([c["cohort"], period, c["borrowers"]])
    t1.total = [pgettext("review table", "Total"), "", total]
    tables.append(t1)

    g = report["gender"]
    t2 = Table(
        2,
        pgettext("review table", "Table 2 – Gender"),
        [
            pgettext("review table", "Gender"),
            pgettext("review table", "Number of citizens"),
            pgettext("review table", "Percent"),
        ],
    )
    t2.rows = [
        [pgettext("review table", "Woman"), g["F"], _pct(g["F"], total)],
        [pgettext("review table", "Man"), g["M"], _pct(g["M"], total)],
    ]
    if g["unknown"]:
        t2.rows.append(
            [pgettext("review table", "Unknown"), g["unknown"], _pct(g["unknown"], total)]
        )
    t2.total = [pgettext("review table", "Total"), total, 100 if total else None]
    tables.append(t2)

    age = report["age"]
    t3 = Table(
        3,
        pgettext("review table", "Table 3 – Age of citizens in the microloan cohorts"),
        [
            pgettext("review table", "Age"),
            pgettext("review table", "Number of citizens"),
            pgettext("review table", "Percent"),
        ],
    )
    for band in AGE_BANDS:
        n = age["bands"][band]
        if band == "61+" and not n:
            continue
        label = band
        if band == "<=30":
            # The review labels the youngest band from its youngest borrower ("27-30").
            youngest = age["min"]
            known = youngest is not None and not is_hidden(youngest)
            label = f"{youngest}-30" if known and youngest <= 30 else "≤30"
        t3.rows.append([label, n, _pct(n, total)])
    if age["unknown"]:
        t3.rows.append(
            [pgettext("review table", "Unknown"), age["unknown"], _pct(age["unknown"], total)]
        )
    t3.total = [pgettext("review table", "Total"), total, 100 if total else None]
    t3.notes = [
        pgettext(
            "review table",
            "The table gives the citizens' current age, computed from their birth year.",
        ),
        pgettext("review table", "Youngest %(min)s, oldest %(max)s, average age %(mean)s years.")
        % {
            "min": age["min"] if age["min"] is not None else "–",
            "max": age["max"] if age["max"] is not None else "–",
            "mean": thousands(age["mean"])
            if is_hidden(age["mean"])
            else (f"{age['mean']:.1f}".replace(".", ",") if age["mean"] is not None else "–"),
        },
    ]
    tables.append(t3)

    t4 = Table(
        4,
        pgettext("review table", "Table 4 – Support before Mikrolån"),
        [
            pgettext("review table", "Support before the programme"),
            pgettext("review table", "Number of citizens"),
        ],
    )
    for label, n in sorted(report["benefit_before"].items()):
        if label != "unknown":
            t4.rows.append([label, n])
    t4.rows.append(
        [pgettext("review table", "Not known*"), report["benefit_before"].get("unknown", 0)]
    )
    t4.total = [pgettext("review table", "Total"), total]
    t4.notes = [
        pgettext(
            "review table", "* No support before the programme is recorded for these citizens."
        )
    ]
    tables.append(t4)

    t5 = Table(
        5,
        _(
            "Table 5 – Duration of self-support after Mikrolån in the period from the end of "
            "the course through %(date)s"
        )
        % {"date": f"{as_of:%d/%m %Y}"},
        [
            pgettext("review table", "Cohort"),
            pgettext("review table", "Citizens in the cohort"),
            pgettext("review table", "Citizens self-supporting"),
            pgettext("review table", "Days the citizens have been self-supporting"),
            pgettext("review table", "Average days self-supporting per citizen"),
        ],
    )
    for c in cohorts:
        t5.rows.append(
            [
                c["cohort"],
                c["borrowers"],
                c["self_supporting"],
                c["self_supporting_days"],
                c["self_supporting_days_mean"],
            ]
        )
    t5.total = [
        pgettext("review table", "Total"),
        total,
        totals["self_supporting"],
        totals["self_supporting_days"],
        totals["self_supporting_days_mean"],
    ]
    t5.notes = [
        _(
            "Days are counted from the day after the citizen's own end of the main course, for "
            "the citizens who are self-supporting on the date."
        )
    ]
    tables.append(t5)

    sizes = report["open_loan_sizes"]
    smallest = _dec(sizes["min"]) if sizes["min"] else None
    low = (
        f"{thousands(int(smallest // 1000 * 1000))} - 19.999"
        if smallest and not is_hidden(smallest) and smallest < 20000
        else pgettext("review table", "Under 20.000")
    )
    labels = {
        "<20000": low,
        "20000-29999": "20.000 - 29.999",
        "30000-39999": "30.000 - 39.999",
        "40000-49999": "40.000 - 49.999",
        "50000+": "50.000+",
    }
    t6 = Table(
        6,
        pgettext(
            "review table", "Table 6 – Size of the loans of citizens in the microloan cohorts*"
        ),
        [pgettext("review table", "Loan amount in kr."), pgettext("review table", "Number")],
    )
    t6.rows = [[labels[band], sizes["bands"][band]] for band in SIZE_BANDS]
    t6.total = [pgettext("review table", "Total"), sizes["count"]]
    t6.notes = [
        pgettext("review table", "Smallest loan: %(v)s kr") % {"v": money_kr(smallest)},
        pgettext("review table", "Largest loan: %(v)s kr")
        % {"v": money_kr(_dec(sizes["max"]) if sizes["max"] else None)},
        pgettext("review table", "Average loan: %(v)s kr")
        % {"v": thousands(_dec(sizes["mean"])) if sizes["mean"] else "–"},
        pgettext(
            "review table",
            "* The table holds only the citizens who have not repaid the whole loan.",
        ),
    ]
    tables.append(t6)

    t7 = Table(
        7,
        pgettext("review table", "Table 7 – The citizens' loans"),
        [
            pgettext("review table", "Cohort"),
            pgettext("review table", "Original debt / kr."),
            pgettext("review table", "Current debt / kr."),
            pgettext("review table", "Percentage repaid"),
        ],
        money_columns=frozenset({1, 2}),
    )
    for c in cohorts:
        t7.rows.append(
            [
                c["cohort"],
                _dec(c["original_debt"]),
                _dec(c["current_debt"]),
                c["repaid_pct"],
            ]
        )
    t7.total = [
        pgettext("review table", "Total"),
        _dec(totals["original_debt"]),
        _dec(totals["current_debt"]),
        totals["repaid_pct"],
    ]
    t7.notes = [
        pgettext("review table", "Loans not repaid in full: %(open)s. Repaid in full: %(full)s.")
        % {"open": _n(sizes["count"]), "full": _n(totals["fully_repaid"])},
        pgettext(
            "review table", "Handed over to state debt collection: %(n)s of the %(open)s loans."
        )
        % {"n": _n(totals["transferred_to_collection"]), "open": _n(sizes["count"])},
    ]
    tables.append(t7)

    t8 = Table(
        8,
        pgettext(
            "review table",
            "Table 8 – Repayment rate of the citizens in the cohorts, in number of citizens",
        ),
        [pgettext("review table", "Repayment rate")]
        + [c["cohort"] for c in cohorts]
        + [pgettext("review table", "Total")],
    )
    for band in REPAYMENT_BANDS:
        counts = [c["repayment_bands"][band] for c in cohorts]
        t8.rows.append([f"{band} %"] + counts + [_sum(counts)])
    t8.total = [pgettext("review table", "Total")] + [c["borrowers"] for c in cohorts] + [total]
    tables.append(t8)
    if report.get("progression"):
        tables.append(progression_table(report["progression"]))
    return tables


def _change(value):
    """A mean change as Decimal with one decimal; hidden and missing stay so."""
    if value is None or is_hidden(value):
        return value
    return Decimal(str(value)).quantize(Decimal("0.1"))


def progression_table(section: dict) -> Table:
    """Table 9 (an addition to the review's tables): per cohort and statement, the mean change
    from referral to each later point and the number of people it is over."""
    from mikrolaan.progression.constants import Point

    points = section["points"]
    headings = [pgettext("review table", "Cohort"), pgettext("self-assessment", "Statement")]
    for point in points:
        label = str(Point(point).label)
        headings += [
            _("%(point)s: change") % {"point": label},
            _("%(point)s: number") % {"point": label},
        ]
    table = Table(
        9,
        _("Table 9 – Progression: mean change in the self-assessment since referral"),
        headings,
        change_columns=frozenset(2 + 2 * i for i in range(len(points))),
        text_columns=frozenset({1}),
    )
    groups = [(c["cohort"], c) for c in section["cohorts"]]
    groups.append((pgettext("review table", "Total"), section["total"]))
    for name, group in groups:
        people = [name, _("People who answered at referral and at the point")]
        for point in points:
            people += ["", group["people"][point]]
        table.rows.append(people)
        for item in section["items"]:
            row = [name, item["text"]]
            for point in points:
                cell = group["changes"][item["code"]][point]
                row += [_change(cell["mean_change"]), cell["count"]]
            table.rows.append(row)
    table.notes = [
        _(
            "Statements are scored from 1 (not at all) to 5 (completely). The change is the "
            "score at the point minus the score at referral, averaged over the people with "
            "both; a positive change is progress."
        )
    ]
    return table


def _n(value) -> str:
    """A count in a note, as the notes always printed it (``%d``), or the marker."""
    return MARKER if is_hidden(value) else str(int(value))


def display(value, *, money: bool = False, change: bool = False) -> str:
    if is_hidden(value):
        return MARKER
    if value is None or value == "":
        return "–" if value is None else ""
    if change and isinstance(value, Decimal):
        return f"{value:+.1f}".replace(".", ",")
    if money and isinstance(value, Decimal):
        return money_kr(value)
    return thousands(value)


def display_rows(table: Table) -> dict:
    """The table with every cell as text, for templates."""

    def row(cells):
        return [
            display(v, money=i in table.money_columns, change=i in table.change_columns)
            for i, v in enumerate(cells)
        ]

    return {
        "number": table.number,
        "title": table.title,
        "headings": table.headings,
        "rows": [row(r) for r in table.rows],
        "total": row(table.total) if table.total else None,
        "notes": table.notes,
        "text_columns": table.text_columns,
    }
