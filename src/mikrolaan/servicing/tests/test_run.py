import datetime as dt
from decimal import Decimal

import pytest

from mikrolaan.letters.models import Letter, LetterKind, LetterStatus
from mikrolaan.letters.services import record_delivery
from mikrolaan.loans import ledger, services
from mikrolaan.loans.models import EntryKind, LedgerEntry
from mikrolaan.policy.models import LoanPolicy
from mikrolaan.servicing import run as servicing
from mikrolaan.servicing.models import (
    Reminder,
    ReminderCycle,
    RunStatus,
    ServicingRun,
    Task,
    TaskEvent,
)
from mikrolaan.servicing.tests.factories import FIRST_DUE, paid_out_loan

pytestmark = pytest.mark.django_db
D = dt.timedelta


def pay(loan, amount, on):
    services.register_payment(
        loan, amount=Decimal(amount), paid_on=on, acting_user=loan.decision.recorded_by
    )


def test_the_first_reminder_comes_ten_days_after_the_due_date(run_servicing):
    loan = paid_out_loan()
    run_servicing(FIRST_DUE + D(days=9))
    assert not Reminder.objects.exists()
    run_servicing(FIRST_DUE + D(days=10))
    reminder = Reminder.objects.get()
    assert (reminder.loan, reminder.number, reminder.is_last) == (loan, 1, False)
    assert reminder.arrears == Decimal("100.00")
    assert reminder.oldest_unpaid_due == FIRST_DUE
    assert reminder.days_past_due == 10
    letter = reminder.letter
    assert letter.kind == LetterKind.REMINDER and letter.status == LetterStatus.DELIVERED
    assert reminder.delivered_on == FIRST_DUE + D(days=10)
    assert not LedgerEntry.objects.filter(kind=EntryKind.FEE).exists()  # the default: no fee


def test_running_twice_for_one_date_sends_nothing_twice(run_servicing):
    paid_out_loan()
    paid_out_loan(exempt=True)
    day = FIRST_DUE + D(days=12)
    first = run_servicing(day)
    second = run_servicing(day)
    assert first.counts["reminders"] == 2 and second.counts["reminders"] == 0
    assert Reminder.objects.count() == 2
    assert Letter.objects.filter(kind=LetterKind.REMINDER).count() == 2
    assert Task.objects.count() == 1  # the paper citizen's
    assert TaskEvent.objects.count() == 1
    run_obj = ServicingRun.objects.get(run_on=day)
    assert (run_obj.status, run_obj.attempts) == (RunStatus.DONE, 2)


def test_each_new_contact_task_gets_one_created_event_and_other_tasks_keep_theirs(
    run_servicing,
):
    """The run writes the first event of the tasks it made only (those above the highest id
    before it), never a second one for a task made elsewhere."""
    asker, paper, paper_too = paid_out_loan(), paid_out_loan(exempt=True), paid_out_loan()
    request = Task.objects.create(
        kind="citizen_request",
        role="project_leader",
        loan=asker,
        reason="deferral_requested",
        created_on=FIRST_DUE,
    )
    TaskEvent.objects.create(task=request, kind="created", occurred_on=FIRST_DUE, note="Hjælp")
    run_servicing(FIRST_DUE + D(days=12))
    paper_too.citizen.digital_post_exempt = True
    paper_too.citizen.save(update_fields=["digital_post_exempt"])
    run_servicing(FIRST_DUE + D(days=13))
    tasks = Task.objects.order_by("pk")
    assert [t.loan for t in tasks] == [asker, paper, paper_too]
    for task in tasks:
        assert list(task.events.values_list("kind", flat=True)) == ["created"], task
    assert request.events.get().note == "Hjælp"
    assert tasks[2].events.get().occurred_on == FIRST_DUE + D(days=13)


def test_a_run_that_died_half_way_is_continued_by_the_rerun(run_servicing):
    loans = [paid_out_loan() for _ in range(3)]
    day = FIRST_DUE + D(days=10)

    def crash(batch_no):
        raise RuntimeError("the machine was switched off")

    with pytest.raises(RuntimeError):
        run_servicing(day, batch_size=1, after_batch=crash)
    assert ServicingRun.objects.get(run_on=day).status == RunStatus.FAILED
    # The first batch is committed: its reminder has its letter; the others wait.
    assert Reminder.objects.count() == 3
    assert Reminder.objects.filter(letter__isnull=False).count() == 1
    run_servicing(day, batch_size=1)
    for loan in loans:
        reminders = Reminder.objects.filter(loan=loan)
        assert reminders.count() == 1
        assert Letter.objects.filter(reference=loan.loan_ref, kind=LetterKind.REMINDER).count() == 1
    assert ServicingRun.objects.get(run_on=day).status == RunStatus.DONE


def test_a_crash_between_the_steps_loses_no_reminder(run_servicing, monkeypatch):
    paid_out_loan()
    day = FIRST_DUE + D(days=10)
    original = servicing.insert_reminders
    monkeypatch.setattr(
        servicing, "insert_reminders", lambda *a: (_ for _ in ()).throw(RuntimeError("died"))
    )
    with pytest.raises(RuntimeError):
        run_servicing(day)
    assert ReminderCycle.objects.count() == 1 and not Reminder.objects.exists()
    monkeypatch.setattr(servicing, "insert_reminders", original)
    run_servicing(day)
    assert Reminder.objects.count() == 1 and ReminderCycle.objects.count() == 1


def test_reminders_follow_the_policy_and_a_paying_citizen_leaves_the_track(run_servicing):
    """Daily runs over four months: a citizen misses April, gets two reminders, pays, then
    misses June and gets three; the project leader's task comes when a delivered reminder
    brought no payment within the policy's 14 days."""
    loan = paid_out_loan()
    day = dt.date(2013, 4, 1)
    while day <= dt.date(2013, 7, 31):
        if day == dt.date(2013, 4, 25):
            pay(loan, "200.00", day)  # April and May (due 1 May, paid in advance)
        if day == dt.date(2013, 5, 25):
            pay(loan, "0.50", day)  # a few øre do not make June paid
        run_servicing(day)
        day += D(days=1)
    cycles = list(ReminderCycle.objects.filter(loan=loan).order_by("opened_on"))
    assert len(cycles) == 2
    first, second = cycles
    assert (first.opened_on, first.closed_on, first.close_reason) == (
        dt.date(2013, 4, 12),
        dt.date(2013, 4, 25),
        "paid",
    )
    assert [(r.number, r.sent_on) for r in first.reminders.order_by("number")] == [
        (1, dt.date(2013, 4, 12)),
        (2, dt.date(2013, 4, 22)),
    ]
    assert second.closed_on is None
    assert second.first_unpaid_due == dt.date(2013, 6, 3)
    assert [(r.number, r.sent_on, r.is_last) for r in second.reminders.order_by("number")] == [
        (1, dt.date(2013, 6, 13), False),
        (2, dt.date(2013, 6, 23), False),
        (3, dt.date(2013, 7, 3), True),
    ]
    # July's instalment is in arrears too by the last reminder's date.
    assert second.reminders.get(number=3).arrears == Decimal("199.50")
    # No task in the first cycle (paid within 14 days); one in the second, 14 days after the
    # first reminder was delivered.
    task = Task.objects.get()
    assert (task.cycle, task.reason, task.created_on) == (
        second,
        "no_payment",
        dt.date(2013, 6, 27),
    )
    assert Letter.objects.filter(kind=LetterKind.REMINDER).count() == 5


def test_a_failed_letter_makes_a_task_at_once(run_servicing):
    loan = paid_out_loan()
    run_servicing(FIRST_DUE + D(days=10))
    reminder = Reminder.objects.get()
    record_delivery(reminder.letter, delivered=False, detail="Ingen digital postkasse")
    run_servicing(FIRST_DUE + D(days=11))
    task = Task.objects.get()
    assert (task.loan, task.reason, task.role) == (loan, "letter_failed", "project_leader")


def test_a_payment_after_the_reminder_means_no_task(run_servicing):
    loan = paid_out_loan()
    run_servicing(FIRST_DUE + D(days=10))
    pay(loan, "50.00", FIRST_DUE + D(days=15))  # half: still in arrears, but the citizen saw it
    run_servicing(FIRST_DUE + D(days=10 + 14))
    assert not Task.objects.exists()


def test_a_payment_reversed_is_no_payment(run_servicing):
    loan = paid_out_loan()
    run_servicing(FIRST_DUE + D(days=10))
    pay(loan, "50.00", FIRST_DUE + D(days=15))
    services.reverse_entry(
        LedgerEntry.objects.get(loan=loan, kind=EntryKind.REPAYMENT),
        reason="Betalingen blev afvist af banken",
        on=FIRST_DUE + D(days=16),
        acting_user=loan.decision.recorded_by,
    )
    run_servicing(FIRST_DUE + D(days=10 + 14))
    assert Task.objects.get().reason == "no_payment"


@pytest.mark.parametrize("paid_in_time", [True, False])
def test_a_payment_dated_after_the_run_does_not_hide_one_before_it(run_servicing, paid_in_time):
    """The loan's latest payment is after the run's date: the run asks the ledger whether
    one came between the reminder and its date."""
    loan = paid_out_loan()
    run_servicing(FIRST_DUE + D(days=10))
    if paid_in_time:
        pay(loan, "50.00", FIRST_DUE + D(days=15))
    pay(loan, "50.00", FIRST_DUE + D(days=40))
    run_servicing(FIRST_DUE + D(days=10 + 14))
    assert Task.objects.filter(reason="no_payment").exists() is not paid_in_time


def test_a_policy_fee_is_posted_once_per_reminder(run_servicing):
    LoanPolicy.objects.create(
        valid_from=dt.date(2013, 2, 1),
        name="Med rykkergebyr",
        legal_basis="LAS § 65",
        reminder_fee=Decimal("100.00"),
        reminder_max=2,
    )
    loan = paid_out_loan()
    run_servicing(FIRST_DUE + D(days=10))
    run_servicing(FIRST_DUE + D(days=10))
    run_servicing(FIRST_DUE + D(days=20))
    fees = LedgerEntry.objects.filter(loan=loan, kind=EntryKind.FEE)
    assert fees.count() == 2
    assert ledger.balance(loan) == Decimal("8600.00")
    assert Reminder.objects.get(number=2).is_last  # this policy's maximum is 2
    run_servicing(FIRST_DUE + D(days=40))
    assert Reminder.objects.count() == 2


def test_runs_go_forward_in_time(run_servicing):
    run_servicing(dt.date(2013, 5, 1))
    with pytest.raises(servicing.RunError, match="senere dato"):
        run_servicing(dt.date(2013, 4, 30))


def test_a_loan_handed_over_or_repaid_gets_no_reminders(run_servicing):
    loan = paid_out_loan()
    pay(loan, "8400.00", dt.date(2013, 3, 20))
    run_servicing(FIRST_DUE + D(days=30))
    assert not Reminder.objects.exists()


def test_the_scheduler_hook_knows_danish_bank_days():
    assert servicing.should_run_today(dt.date(2026, 11, 26))  # a Thursday
    assert not servicing.should_run_today(dt.date(2026, 11, 28))  # a Saturday
    assert not servicing.should_run_today(dt.date(2026, 12, 24))  # banks closed
    assert not servicing.should_run_today(dt.date(2026, 6, 5))  # Constitution Day
