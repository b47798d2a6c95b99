"""New versions of the self-assessment questionnaire, from a date (like a loan policy)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.cases import date_rules
from mikrolaan.progression.constants import DEFAULT_ANSWER_WITHIN_DAYS
from mikrolaan.progression.models import Questionnaire, Statement


@transaction.atomic
def add_questionnaire_version(
    *,
    valid_from: dt.date,
    name: str,
    statements: list[tuple[str, str, str]],
    acting_user,
    answer_within_days: int = DEFAULT_ANSWER_WITHIN_DAYS,
    notes: str = "",
    today: dt.date | None = None,
) -> Questionnaire:
    """A new version of the questionnaire from ``valid_from`` (today or later, after the
    newest version), with ``statements`` as (code, area, text) in the order they are asked.

    Keep an unchanged statement's ``code`` so the report can follow it across versions; a
    new code is a new item. Assessments answered before ``valid_from`` keep their version.
    """
    today = today or date_rules.today()
    if valid_from < today:
        raise ValidationError(
            {"valid_from": _("A new version cannot apply from a date in the past.")}
        )
    newest = Questionnaire.objects.order_by("-valid_from").first()
    if newest and valid_from <= newest.valid_from:
        raise ValidationError(
            {
                "valid_from": _(
                    "A new version must apply from after the newest version (%(date)s)."
                )
                % {"date": date_rules.fmt(newest.valid_from)}
            }
        )
    codes = [code for code, _area, _text in statements]
    if not statements or len(set(codes)) != len(codes):
        raise ValidationError({"statements": _("Give statements, each with its own code.")})
    questionnaire = Questionnaire(
        valid_from=valid_from,
        name=name,
        answer_within_days=answer_within_days,
        notes=notes,
        recorded_by=acting_user,
    )
    questionnaire.full_clean()
    questionnaire.save()
    for position, (code, area, text) in enumerate(statements, start=1):
        statement = Statement(
            questionnaire=questionnaire,
            code=code,
            area=area,
            text=text,
            position=position,
            recorded_by=acting_user,
        )
        statement.full_clean(exclude=["questionnaire"])
        statement.save()
    log(acting_user, Action.CREATE, obj=questionnaire, what=f"questionnaire from {valid_from}")
    return questionnaire
