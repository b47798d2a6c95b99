"""What the data protection officer asks the audit log, each answer a few set-based queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from mikrolaan.accounts.models import User
from mikrolaan.accounts.roles import UNIT_SCOPED_ROLES, role_label
from mikrolaan.audit.models import CITIZEN_THEMSELF, SEEING_ACTIONS, AuditRecord
from mikrolaan.people.models import Citizen


@dataclass(frozen=True)
class Period:
    """Whole local days, ``since`` and ``until`` both included."""

    since: dt.date
    until: dt.date

    @classmethod
    def last_days(cls, days: int = 30, *, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today - dt.timedelta(days=days), today)

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.since, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        next_day = self.until + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(next_day, dt.time.min))

    def filter(self, records: QuerySet) -> QuerySet:
        return records.filter(at__gte=self.start, at__lt=self.end)


def about_citizen(citizen: Citizen, period: Period) -> QuerySet:
    """Every record of someone seeing or changing this citizen's data in the period."""
    return (
        period.filter(AuditRecord.objects.filter(citizen=citizen))
        .select_related("user", "citizen")
        .order_by("-at", "-pk")
    )


def _named(rows, role_key: str) -> list[dict]:
    """Each row with the user's name (or the shell user) and role in words."""
    for row in rows:
        full = f"{row.get('user__first_name') or ''} {row.get('user__last_name') or ''}".strip()
        username = row.get("user__username")
        if username:
            row["name"] = f"{full} ({username})" if full else username
        elif row.get("by_citizen"):
            row["name"] = str(CITIZEN_THEMSELF)
        else:
            row["name"] = row.get("os_user") or "–"
        row["role_label"] = role_label(row.get(role_key) or "")
    return rows


def who_saw(citizen: Citizen, period: Period) -> list[dict]:
    """Per user (or shell user): how often they saw and changed the citizen, first and last."""
    groups = (
        about_citizen(citizen, period)
        .order_by()
        .values(
            "user", "user__username", "user__first_name", "user__last_name", "os_user", "by_citizen"
        )
        .annotate(
            seen=Count("pk", filter=Q(action__in=SEEING_ACTIONS)),
            changed=Count("pk", filter=~Q(action__in=SEEING_ACTIONS)),
            first=Min("at"),
            last=Max("at"),
            role=Max("role"),
        )
    )
    # A user who worked both in the browser and through a shell command is one row.
    merged: dict = {}
    for row in groups:
        key = row["user"] or ("citizen" if row["by_citizen"] else ("shell", row["os_user"]))
        if key not in merged:
            merged[key] = row
            continue
        into = merged[key]
        into["seen"] += row["seen"]
        into["changed"] += row["changed"]
        into["first"] = min(into["first"], row["first"])
        if row["last"] > into["last"]:
            into["last"], into["role"] = row["last"], row["role"]
    rows = sorted(merged.values(), key=lambda row: row["last"], reverse=True)
    return _named(rows, "role")


def by_user(user: User, period: Period) -> QuerySet:
    """What the user did in the period, and every change made to the user (role, unit)."""
    about_the_user = Q(object_type=User._meta.label, object_id=str(user.pk))
    return (
        period.filter(AuditRecord.objects.filter(Q(user=user) | about_the_user))
        .select_related("user", "citizen")
        .order_by("-at", "-pk")
    )


def citizens_seen_by(user: User, period: Period) -> int:
    return (
        period.filter(AuditRecord.objects.filter(user=user, action__in=SEEING_ACTIONS))
        .exclude(citizen=None)
        .order_by()
        .values("citizen")
        .distinct()
        .count()
    )


def _seeing(period: Period) -> QuerySet:
    return period.filter(
        AuditRecord.objects.filter(action__in=SEEING_ACTIONS, user__isnull=False)
    ).exclude(citizen=None)


_USER_COLUMNS = ("user", "user__username", "user__first_name", "user__last_name", "user__role")


def reading_more_than_expected(period: Period) -> list[dict]:
    """Users who saw more distinct citizens than their unit has, or than the threshold.

    A job consultant or knowledge person is held to the number of citizens of their unit; any
    other role to ``AUDIT_READS_THRESHOLD`` (an all-cases role reads the whole list daily).
    """
    per_user = (
        _seeing(period)
        .order_by()
        .values(*_USER_COLUMNS, "user__unit", "user__unit__name")
        .annotate(citizens=Count("citizen", distinct=True))
    )
    unit_sizes = dict(
        Citizen.objects.order_by().values("unit").annotate(n=Count("pk")).values_list("unit", "n")
    )
    threshold = settings.AUDIT_READS_THRESHOLD
    unusual = []
    for row in per_user:
        if row["user__role"] in UNIT_SCOPED_ROLES:
            limit = unit_sizes.get(row["user__unit"], 0)
        else:
            limit = threshold
        if row["citizens"] > limit:
            unusual.append({**row, "limit": limit})
    unusual.sort(key=lambda row: row["citizens"] - row["limit"], reverse=True)
    return _named(unusual, "user__role")


def reading_outside_working_hours(period: Period) -> list[dict]:
    """Users who saw citizens' data before or after the working day, or at the weekend."""
    start, end = settings.AUDIT_WORKDAY_START, settings.AUDIT_WORKDAY_END
    rows = list(
        _seeing(period)
        .annotate(hour=ExtractHour("at"), weekday=ExtractIsoWeekDay("at"))
        .filter(Q(hour__lt=start) | Q(hour__gte=end) | Q(weekday__gte=6))
        .order_by()
        .values(*_USER_COLUMNS)
        .annotate(
            records=Count("pk"),
            citizens=Count("citizen", distinct=True),
            first=Min("at"),
            last=Max("at"),
        )
        .order_by("-records")
    )
    return _named(rows, "user__role")
