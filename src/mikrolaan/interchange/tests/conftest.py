from pathlib import Path

import pytest

from mikrolaan.interchange.tests.review_bundle import FIXTURE

GOOD = {
    "cohorts.csv": (
        "code,pre_course_start,main_course_start,main_course_end\n"
        "M3,2013-02-01,2013-06-01,2013-11-30\n"
    ),
    "people.csv": (
        "person_ref,cpr,first_name,last_name,birth_date,birth_year,gender,benefit_before,unit\n"
        'P1,010180-1001,Jens,Jensen,,,,"Kontanthjælp, Passiv",Job og sundhed\n'
        "P2,,Anne,Hansen,,1975,F,,\n"
    ),
    "participations.csv": (
        "person_ref,cohort_code,status,main_course_end,dropout_date,dropout_reason,"
        "dropout_destination\n"
        "P1,M3,completed,,,,\n"
        "P2,M3,dropped_out,,2013-07-01,illness,public_support\n"
    ),
    "loans.csv": (
        "loan_ref,person_ref,cohort_code,principal,disbursed_on,repayment_start\n"
        "L1,P1,M3,20000.00,2013-06-20,2014-01-01\n"
    ),
    "payments.csv": (
        "loan_ref,paid_on,amount,reference\n"
        "L1,2014-01-01,1000.00,R1\n"
        "L1,2014-02-01,500,\n"
        "L1,2014-02-01,500,\n"
    ),
    "support_spells.csv": (
        "person_ref,status,start,end\nP1,self_supporting_business,2013-12-01,\n"
    ),
}


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def review_bundle() -> Path:
    return FIXTURE


@pytest.fixture
def good_bundle(tmp_path) -> Path:
    return write_files(tmp_path / "good", GOOD)
