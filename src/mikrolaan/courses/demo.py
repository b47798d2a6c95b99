"""Demo: the programme's cohorts M1–M9, from 2013 to the one starting in 2027.

M3–M6 carry the review's dates (Table 1); M8's pre-course is running in late 2026 and M9
starts in 2027. Then the citizens on their way into them (``demo_citizens``): referrals,
screenings, pre-courses and dropouts.
"""

import datetime as dt

from mikrolaan.accounts.roles import Role
from mikrolaan.courses import demo_citizens
from mikrolaan.courses.services import create_cohort

D = dt.date
# code, pre-course start, main course start, main course end
COHORTS = [
    ("M1", D(2012, 9, 3), D(2013, 1, 7), D(2013, 6, 28)),
    ("M2", D(2012, 11, 5), D(2013, 3, 4), D(2013, 8, 30)),
    ("M3", D(2013, 1, 14), D(2013, 6, 1), D(2013, 11, 30)),
    ("M4", D(2013, 10, 7), D(2014, 3, 1), D(2014, 8, 31)),
    ("M5", D(2014, 9, 1), D(2015, 2, 1), D(2015, 7, 31)),
    ("M6", D(2015, 6, 15), D(2015, 11, 16), D(2016, 5, 15)),
    ("M7", D(2016, 5, 2), D(2016, 10, 3), D(2017, 3, 31)),
    ("M8", D(2026, 8, 17), D(2027, 1, 11), D(2027, 7, 9)),
    ("M9", D(2027, 1, 4), D(2027, 5, 3), D(2027, 10, 29)),
]


def populate(ctx):
    leader = ctx.user(Role.PROJECT_LEADER)
    cohorts = {}
    for code, pre, start, end in COHORTS:
        cohorts[code], _warnings = create_cohort(
            code=code,
            pre_course_start=pre,
            main_course_start=start,
            main_course_end=end,
            acting_user=leader,
        )
    ctx.data["cohorts"] = cohorts
    demo_citizens.populate(ctx)
