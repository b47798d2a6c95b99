"""Tasks for people: the project leader reaches a citizen in person, the finance clerk looks
at a rejected claim. A task's history is its append-only events; ``status`` follows them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mikrolaan.accounts.models import User
from mikrolaan.accounts.roles import Role
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.cases.events import record_event
from mikrolaan.servicing.models import Task, TaskEvent, TaskStatus


class TaskError(Exception):
    pass


def tasks_for(user: User) -> QuerySet[Task]:
    """The tasks this user works on: by role."""
    if not (user and user.is_authenticated and user.is_active):
        return Task.objects.none()
    if user.role in (Role.PROJECT_LEADER, Role.FINANCE_CLERK):
        return Task.objects.filter(role=user.role)
    return Task.objects.none()


@transaction.atomic
def complete_task(task: Task, *, note: str, on: dt.date, acting_user: User) -> Task:
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("loan__citizen", "loan__case")
        .get(pk=task.pk)
    )
    if task.status == TaskStatus.DONE:
        raise TaskError(_("This task is already done."))
    if not note.strip():
        raise TaskError(_("Write what was done."))
    TaskEvent.objects.create(
        task=task, kind="done", occurred_on=on, note=note.strip(), recorded_by=acting_user
    )
    task.status = TaskStatus.DONE
    task.save(update_fields=["status"])
    loan = task.loan
    if loan.case is not None:
        record_event(
            loan.case,
            "servicing_task_done",
            acting_user=acting_user,
            occurred_on=on,
            summary=f"{loan.loan_ref}: {task.get_kind_display()}",
            why=note.strip(),
            data={"loan": loan.loan_ref, "task_kind": task.kind},
        )
    else:
        log(acting_user, Action.CHANGE, obj=task, citizen=loan.citizen, what="task done")
    return task
