"""The report for 31/12/2016 reproduces the review's Tables 1–8 (chapter 7) exactly.

Every expected figure below is typed from the review (seed/mikrolaan-review-2017.da.txt),
not taken from this code's output.
"""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

# Table 1: cohorts, periods and borrowers.
TABLE_1 = [
    ("M3", "2013-06-01", "2013-11-30", 10),
    ("M4", "2014-03-01", "2014-08-31", 9),
    ("M5", "2015-02-01", "2015-07-31", 6),
    ("M6", "2015-11-16", "2016-05-15", 9),
]
# Table 5: self-supporting now and days (M6 and the delayed M6* together: 8+1, 1622+117).
TABLE_5 = {"M3": (3, 2520, 840), "M4": (3, 1215, 405), "M5": (6, 2406, 401), "M6": (9, 1739, 193)}
# Table 7: original and current debt of the loans not repaid, repaid %.
TABLE_7 = {
    "M3": ("264850.00", "152689.00", 42),
    "M4": ("243050.00", "180258.00", 26),
    "M5": ("105100.00", "89700.00", 15),
    "M6": ("150800.00", "132450.00", 12),
}
# Table 8: repayment rate bands per cohort (0-24, 25-49, 50-74, 75-99, 100).
TABLE_8 = {
    "M3": (3, 5, 0, 2, 0),
    "M4": (3, 6, 0, 0, 0),
    "M5": (1, 2, 0, 0, 3),
    "M6": (6, 1, 0, 0, 2),
}
OPEN_LOANS = {"M3": 10, "M4": 9, "M5": 3, "M6": 7}


def report_json(*args):
    out = io.StringIO()
    call_command("report", "--as-of", "2016-12-31", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_json_report_reproduces_tables_1_to_8(review_data):
    r = report_json("--cohorts", "M3,M4,M5,M6")

    assert r["as_of"] == "2016-12-31"
    assert r["borrowers"] == 34
    assert [(c["cohort"], c["main_course_start"], c["main_course_end"], c["borrowers"])
            for c in r["cohorts"]] == TABLE_1  # fmt: skip
    assert r["gender"] == {"F": 16, "M": 18, "unknown": 0}
    assert r["age"] == {
        "bands": {"<=30": 2, "31-40": 13, "41-50": 11, "51-60": 8, "61+": 0},
        "unknown": 0,
        "min": 27,
        "max": 60,
        "mean": 43.0,
    }
    assert r["benefit_before"] == {
        "Dagpenge, Fuld ledighed": 1,
        "Førtidspension": 3,
        "Kontanthjælp, Passiv": 5,
        "Kontanthjælp, Virksomhedspraktik, Privat": 2,
        "SU med ydelse": 1,
        "Sygedagpenge, Passiv": 1,
        "unknown": 21,
    }
    for c in r["cohorts"]:
        code = c["cohort"]
        assert (
            c["self_supporting"],
            c["self_supporting_days"],
            c["self_supporting_days_mean"],
        ) == TABLE_5[code]
        assert (c["original_debt"], c["current_debt"], c["repaid_pct"]) == TABLE_7[code]
        assert c["open_loans"] == OPEN_LOANS[code]
        bands = c["repayment_bands"]
        assert list(bands) == ["0-24", "25-49", "50-74", "75-99", "100"]
        assert tuple(bands.values()) == TABLE_8[code]
    assert r["open_loan_sizes"] == {
        "bands": {
            "<20000": 7,
            "20000-29999": 13,
            "30000-39999": 5,
            "40000-49999": 3,
            "50000+": 1,
        },  # fmt: skip
        "count": 29,
        "min": "2300.00",
        "max": "51000.00",
        "mean": "26337.93",
    }
    assert r["totals"] == {
        "original_debt": "763800.00",
        "current_debt": "555097.00",
        "repaid_pct": 27,
        "self_supporting": 21,
        "self_supporting_days": 7880,
        "self_supporting_days_mean": 375,
        "fully_repaid": 5,
        "transferred_to_collection": 12,
    }
    assert list(r) == ["as_of", "borrowers", "cohorts", "gender", "age", "benefit_before",
                       "open_loan_sizes", "totals"]  # fmt: skip


def test_without_the_cohort_filter_the_seventh_cohort_counts(review_data):
    r = report_json()
    # Six M7 loans were paid out in 2016; the seventh only in January 2017.
    assert r["borrowers"] == 40
    assert [c["cohort"] for c in r["cohorts"]] == ["M3", "M4", "M5", "M6", "M7"]


def test_payments_after_the_as_of_date_count_on_a_later_date(review_data):
    later = report_json("--cohorts", "M4")
    assert later["cohorts"][0]["current_debt"] == "180258.00"
    out = io.StringIO()
    call_command("report", "--as-of", "2017-12-31", "--cohorts", "M4", stdout=out)
    # Nine 500 kr. payments in January 2017 and two of 250 kr. in February.
    assert json.loads(out.getvalue())["cohorts"][0]["current_debt"] == "175258.00"


def test_xlsx_holds_the_same_figures_under_the_reviews_headings(review_data, tmp_path):
    path = tmp_path / "rapport.xlsx"
    call_command("report", "--as-of", "2016-12-31", "--cohorts", "M3,M4,M5,M6",
                 "--format", "xlsx", "-o", str(path))  # fmt: skip
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Oversigt"] + [f"Tabel {n}" for n in range(1, 9)]

    def rows(sheet):
        return [list(r) for r in book[sheet].iter_rows(values_only=True)]

    t1 = rows("Tabel 1")
    assert t1[0][0].startswith("Tabel 1 – Antal deltagere og tidspunkter for forløbene")
    assert t1[2] == ["Forløb", "Tidsperiode", "Antal borgere"]
    assert t1[3:8] == [
        ["M3", "01/06 – 30/11 2013", 10],
        ["M4", "01/03 – 31/08 2014", 9],
        ["M5", "01/02 – 31/07 2015", 6],
        ["M6", "16/11 2015 – 15/05 2016", 9],
        ["I alt", None, 34],
    ]
    assert rows("Tabel 2")[2:6] == [
        ["Køn", "Antal borgere", "Procent"],
        ["Kvinde", 16, 47],
        ["Mand", 18, 53],
        ["I alt", 34, 100],
    ]
    assert rows("Tabel 3")[2:8] == [
        ["Alder", "Antal borgere", "Procent"],
        ["27-30", 2, 6],
        ["31-40", 13, 38],
        ["41-50", 11, 32],
        ["51-60", 8, 24],
        ["I alt", 34, 100],
    ]
    assert rows("Tabel 4")[2:11] == [
        ["Forsørgelsesgrundlag", "Antal borgere"],
        ["Dagpenge, Fuld ledighed", 1],
        ["Førtidspension", 3],
        ["Kontanthjælp, Passiv", 5],
        ["Kontanthjælp, Virksomhedspraktik, Privat", 2],
        ["SU med ydelse", 1],
        ["Sygedagpenge, Passiv", 1],
        ["Vides ikke*", 21],
        ["I alt", 34],
    ]
    t5 = rows("Tabel 5")
    assert t5[0][0] == (
        "Tabel 5 – Varighed for beskæftigelse efter Mikrolån i perioden fra endt forløb "
        "t.o.m. 31/12 2016"
    )
    assert t5[3:8] == [
        ["M3", 10, 3, 2520, 840],
        ["M4", 9, 3, 1215, 405],
        ["M5", 6, 6, 2406, 401],
        ["M6", 9, 9, 1739, 193],
        ["I alt", 34, 21, 7880, 375],
    ]
    t6 = rows("Tabel 6")
    assert t6[2:9] == [
        ["Lånebeløb i kr.", "Antal"],
        ["2.000 - 19.999", 7],
        ["20.000 - 29.999", 13],
        ["30.000 - 39.999", 5],
        ["40.000 - 49.999", 3],
        ["50.000+", 1],
        ["I alt", 29],
    ]
    notes = [r[0] for r in t6[10:13]]
    assert notes == [
        "Mindste lånebeløb: 2.300 kr",
        "Største lånebeløb: 51.000 kr",
        "Gennemsnitligt lånebeløb: 26.337,93 kr",
    ]
    assert rows("Tabel 7")[2:8] == [
        [
            "Forløb",
            "Oprindelig gæld / kr.",
            "Aktuel gæld / kr.",
            "Procentsats for gennemført tilbagebetaling",
        ],  # fmt: skip
        ["M3", 264850, 152689, 42],
        ["M4", 243050, 180258, 26],
        ["M5", 105100, 89700, 15],
        ["M6", 150800, 132450, 12],
        ["I alt", 763800, 555097, 27],
    ]
    assert rows("Tabel 8")[2:9] == [
        ["Tilbagebetalingsgrad", "M3", "M4", "M5", "M6", "I alt"],
        ["0-24 %", 3, 3, 1, 6, 13],
        ["25-49 %", 5, 6, 2, 1, 14],
        ["50-74 %", 0, 0, 0, 0, 0],
        ["75-99 %", 2, 0, 0, 0, 2],
        ["100 %", 0, 0, 3, 2, 5],
        ["I alt", 10, 9, 6, 9, 34],
    ]


def test_pdf_is_a_pdf_with_the_figures(review_data, tmp_path):
    import datetime as dt

    from mikrolaan.reports.pdf import render_html
    from mikrolaan.reports.services import build_report

    report = build_report(dt.date(2016, 12, 31), ["M3", "M4", "M5", "M6"])
    html = render_html(report)
    for figure in ("763.800", "555.097", "7.880", "26.337,93", "<svg"):
        assert figure in html
    path = tmp_path / "rapport.pdf"
    call_command("report", "--as-of", "2016-12-31", "--cohorts", "M3,M4,M5,M6",
                 "--format", "pdf", "-o", str(path))  # fmt: skip
    assert path.read_bytes().startswith(b"%PDF")
