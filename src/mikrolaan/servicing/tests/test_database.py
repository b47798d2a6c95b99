"""How the run's writes are planned and checked by the database.

The run's inserts read the rows already there from a snapshot taken before they write.

Planned while the table it inserts into was empty (a first run, a first task day), an insert
that skipped existing rows by looking in that same table had PostgreSQL scan the growing
table once per inserted row: 82,878 new cycles took 45 s instead of 2 (``bench servicing``).
"""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from mikrolaan.loans.models import Loan
from mikrolaan.policy.models import LoanPolicy
from mikrolaan.servicing import run as servicing
from mikrolaan.servicing.models import Reminder, Task
from mikrolaan.servicing.tests.factories import FIRST_DUE, paid_out_loan

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 2)


@pytest.fixture
def pg_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner")


class _Explain:
    """A cursor for a step that plans its statements instead of running them."""

    rowcount = 0

    def __init__(self, cursor):
        self.cursor = cursor
        self.plans: list[str] = []

    def execute(self, sql, params=None):
        if sql.lstrip().startswith("SELECT"):  # a step's own look-up runs as it is
            self.cursor.execute(sql, params)
            return
        self.cursor.execute("EXPLAIN " + sql, params)
        self.plans.append("\n".join(row[0] for row in self.cursor.fetchall()))

    def fetchone(self):
        return self.cursor.fetchone()


def test_each_insert_reads_what_is_there_from_a_snapshot_not_from_its_growing_table(pg_only):
    policies = list(LoanPolicy.objects.all())
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("servicing_remindercycle", "servicing_task", "servicing_taskevent"):
            cursor.execute(f"ANALYZE {table}")  # empty, as before a first run
        servicing.compute_arrears(cursor, DAY)
        cycles = _Explain(cursor)
        servicing.open_cycles(cycles, DAY, policies[0])
        tasks = _Explain(cursor)
        servicing.insert_tasks(tasks, DAY, policies)
    (plan,) = cycles.plans
    assert "CTE Scan on open_cycle" in plan, plan
    assert plan.count("on servicing_remindercycle") == 2, plan  # the insert and the snapshot
    *task_plans, event_plan = tasks.plans
    for plan in task_plans:
        assert "CTE Scan on has_task" in plan, plan
        assert plan.count("on servicing_task ") == 2, plan  # the insert and the snapshot
    # The first events: only the tasks above the highest id before, no event read at all.
    assert "servicing_taskevent" not in event_plan.split("\n", 1)[1], event_plan
    assert "(id > " in event_plan, event_plan


def test_a_reminder_belongs_to_its_cycles_loan(run_servicing):
    """On PostgreSQL one foreign key checks a reminder's (cycle, loan) pair against the cycle
    (migration 0005); a reminder of a missing cycle is refused on both databases."""
    first, other = paid_out_loan(), paid_out_loan()
    run_servicing(FIRST_DUE + dt.timedelta(days=10))
    reminder = Reminder.objects.get(loan=first)
    fields = {
        f.attname: getattr(reminder, f.attname)
        for f in Reminder._meta.concrete_fields
        if f.attname not in ("id", "letter_id")
    }
    cases = [{"cycle_id": reminder.cycle_id + 1000, "number": 5}]
    if connection.vendor == "postgresql":
        cases.append({"loan_id": other.pk, "number": 6})  # a loan that is not the cycle's
    for change in cases:
        with pytest.raises(IntegrityError), transaction.atomic():
            Reminder.objects.create(**{**fields, **change})
            connection.check_constraints(table_names=["servicing_reminder"])  # (not at commit)
    Reminder.objects.create(**{**fields, "number": 7})  # the pair as the cycle has it
    connection.check_constraints(table_names=["servicing_reminder"])


def test_a_task_has_its_loan_checked_through_its_cycle_or_directly(run_servicing):
    """On PostgreSQL a task of a cycle has its (cycle, loan) pair checked against the cycle and
    a task without a cycle its loan against the loans (migration 0006); a missing cycle or
    loan is refused on both databases."""
    first, other = paid_out_loan(exempt=True), paid_out_loan()
    run_servicing(FIRST_DUE + dt.timedelta(days=10))
    task = Task.objects.get(loan=first)  # the paper citizen's contact task
    assert task.cycle is not None
    fields = {
        f.attname: getattr(task, f.attname)
        for f in Task._meta.concrete_fields
        if f.attname not in ("id", "cycle_id")
    }
    missing_loan = Loan.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    request = {**fields, "kind": "citizen_request", "reason": "deferral_requested"}
    cases = [
        {**fields, "cycle_id": task.cycle_id + 1000},  # a missing cycle
        {**request, "loan_id": missing_loan},  # no cycle, a missing loan
    ]
    if connection.vendor == "postgresql":
        other_cycle = {**fields, "kind": "claim_rejected", "cycle_id": task.cycle_id}
        cases.append({**other_cycle, "loan_id": other.pk})  # a loan that is not the cycle's
    for values in cases:
        with pytest.raises(IntegrityError), transaction.atomic():
            Task.objects.create(**values)
            connection.check_constraints(table_names=["servicing_task"])  # (not at commit)
    Task.objects.create(**{**request, "loan_id": other.pk})  # no cycle, a loan that exists
    Task.objects.create(**{**fields, "kind": "claim_rejected", "cycle_id": task.cycle_id})
    connection.check_constraints(table_names=["servicing_task"])
    assert Task.objects.count() == 3
