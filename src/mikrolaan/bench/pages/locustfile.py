"""The visitors of the page benchmark: one locust user class per role, over that role's pages.

Run by ``mikrolaan bench pages`` (``locust -f this --headless …``); the plan (sessions, ids,
search words, which pages) comes from the JSON file named in ``MIKROLAAN_BENCH_PLAN``. Each
visitor keeps one signed-in session and opens pages back to back (``MIKROLAAN_BENCH_WAIT``
seconds between them on average, at random; 0: no reading time, the hardest load).
"""

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, constant

PLAN = json.loads(Path(os.environ["MIKROLAAN_BENCH_PLAN"]).read_text())
PAGES = set(PLAN["pages"])
TIMEOUT = float(os.environ.get("MIKROLAAN_BENCH_TIMEOUT", "120"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# The pages each role uses, with how often a visitor opens each (case and loan pages most).
ROLE_PAGES = {
    "project_leader": {
        "start": 1,
        "case_list": 1,
        "case_search": 1,
        "case": 3,
        "loan_list": 1,
        "loan": 3,
        "fund": 1,
        "report": 1,
    },
    "job_consultant": {"start": 1, "case_list": 1, "case_search": 1, "case": 4},
    "finance_clerk": {"start": 1, "loan_list": 1, "loan": 4, "fund": 1},
    "evaluator": {"start": 1, "report": 1},
}
ROLE_WEIGHT = {"project_leader": 2, "job_consultant": 2, "finance_clerk": 1, "evaluator": 1}
ROLE_LABEL = {
    "project_leader": "project leader",
    "job_consultant": "job consultant",
    "finance_clerk": "finance clerk",
    "evaluator": "evaluator",
}


def _reading_time(mean: float):
    """No reading time, or a random one around ``mean`` (from half to one and a half times it):
    a fixed one would keep the visitors, who all start together, asking in step, twenty
    requests at the same moment every ``mean`` seconds, which no office does."""
    return between(mean / 2, mean * 3 / 2) if mean else constant(0)


class Visitor(HttpUser):
    abstract = True
    role = ""
    wait_time = _reading_time(float(os.environ.get("MIKROLAAN_BENCH_WAIT", "0")))
    _sessions: itertools.cycle

    def on_start(self):
        self.mine = PLAN["roles"][self.role]
        self.client.cookies.set("sessionid", next(self._sessions))
        self.csrf = None

    def open(self, url, name, method="GET", **kwargs):
        with self.client.request(
            method, url, name=name, timeout=TIMEOUT, catch_response=True, **kwargs
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif response.url and "/login/" in response.url:
                response.failure("sent to the log-in page")
            return response

    # --- the pages ------------------------------------------------------------------
    def page_start(self):
        self.open("/", f"start page ({ROLE_LABEL[self.role]})")

    def page_case_list(self):
        response = self.open("/cases/", "case list")
        if match := CSRF.search(response.text or ""):
            self.csrf = match.group(1)

    def page_case_search(self):
        if self.csrf is None:
            self.page_case_list()
        words = self.mine.get("search") or ["a"]
        self.open(
            "/cases/",
            "case search",
            method="POST",
            data={"q": random.choice(words), "csrfmiddlewaretoken": self.csrf or ""},
        )

    def page_case(self):
        self.open(f"/cases/{random.choice(self.mine['cases'])}/", "case page")

    def page_loan_list(self):
        self.open("/loans/", "loan list")

    def page_loan(self):
        self.open(f"/loans/{random.choice(PLAN['loans'])}/", "loan page")

    def page_fund(self):
        self.open("/loans/fund/", "fund page")

    def page_report(self):
        self.open("/reports/", "report page")


def _task(page):
    def task(user):
        getattr(user, f"page_{page}")()

    task.__name__ = page
    return task


for _role, _pages in ROLE_PAGES.items():
    _tasks = {_task(page): weight for page, weight in _pages.items() if page in PAGES}
    if _role not in PLAN["roles"] or not _tasks or not PLAN["roles"][_role]["sessions"]:
        continue
    if "case" in _tasks and not PLAN["roles"][_role].get("cases"):
        continue
    globals()[_role] = type(
        _role,
        (Visitor,),
        {
            "role": _role,
            "tasks": _tasks,
            "weight": ROLE_WEIGHT[_role],
            "_sessions": itertools.cycle(PLAN["roles"][_role]["sessions"]),
        },
    )
