"""The date rules: which date a caseworker enters must follow or precede which.

One place for every order-of-dates rule, so each service checks its dates the same way and
each message names the rule that was broken (e.g. "A referral cannot be dated in the future
(today is 01.12.2026).", "The date is before the referral (02.11.2026)."). A rule returns its
message, or None when the date keeps it; ``check`` gathers the broken ones per form field.

    errors = date_rules.check(
        occurred_on=[date_rules.not_future(occurred_on, _("A screening")),
                     date_rules.not_before(occurred_on, case.opened_on, _("the referral"))],
    )
    if errors:
        raise ValidationError(errors)
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def fmt(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def today() -> dt.date:
    return timezone.localdate()


def not_future(day: dt.date | None, what, *, on: dt.date | None = None) -> str | None:
    """``what`` (e.g. "A referral") has happened, so it cannot lie after today."""
    on = on or today()
    if day is not None and day > on:
        return capfirst(
            _("%(what)s cannot be dated in the future (today is %(today)s).")
            % {"what": what, "today": fmt(on)}
        )
    return None


def not_before(day: dt.date | None, bound: dt.date | None, what) -> str | None:
    """The date lies on or after ``bound``, the date of ``what`` (e.g. "the referral")."""
    if day is not None and bound is not None and day < bound:
        return _("The date is before %(what)s (%(date)s).") % {"what": what, "date": fmt(bound)}
    return None


def not_after(day: dt.date | None, bound: dt.date | None, what) -> str | None:
    """The date lies on or before ``bound``, the date of ``what``."""
    if day is not None and bound is not None and day > bound:
        return _("The date is after %(what)s (%(date)s).") % {"what": what, "date": fmt(bound)}
    return None


def within(day: dt.date | None, first: dt.date, last: dt.date, what) -> str | None:
    """The date lies in the period ``first``–``last`` of ``what`` (e.g. "M10's main course")."""
    if day is not None and not first <= day <= last:
        return _("The date is outside %(what)s (%(first)s–%(last)s).") % {
            "what": what,
            "first": fmt(first),
            "last": fmt(last),
        }
    return None


def check(**fields) -> dict[str, str]:
    """The first broken rule per field: ``check(field=[rule results…])`` → {field: message}."""
    errors = {}
    for name, results in fields.items():
        broken = [message for message in results if message]
        if broken:
            errors[name] = broken[0]
    return errors


def enforce(**fields) -> None:
    """``check`` and raise the ValidationError naming the fields, if any rule is broken."""
    errors = check(**fields)
    if errors:
        raise ValidationError(errors)
