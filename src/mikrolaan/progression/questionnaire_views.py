"""The questionnaire's versions: see them, and add a new one (dated, like the loan policy)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.progression import questionnaires
from mikrolaan.progression.constants import DEFAULT_ANSWER_WITHIN_DAYS
from mikrolaan.progression.forms import QuestionnaireForm, StatementFormSet
from mikrolaan.progression.models import Questionnaire

# Who keeps the programme's rules (the loan policy's roles).
EDITORS = frozenset({Role.ADMINISTRATOR, Role.MANAGER})
# Rows for new statements below the newest version's.
EMPTY_ROWS = 4


def _require(user) -> None:
    if not (user.is_authenticated and user.role in EDITORS):
        raise PermissionDenied


def questionnaire_list(request):
    _require(request.user)
    versions = Questionnaire.objects.prefetch_related("statements").order_by("-valid_from")
    return render(request, "progression/questionnaires.html", {"versions": versions})


def questionnaire_new(request):
    _require(request.user)
    newest = Questionnaire.objects.prefetch_related("statements").order_by("-valid_from").first()
    if request.method == "POST":
        form = QuestionnaireForm(request.POST)
        rows = StatementFormSet(request.POST, prefix="statements")
        if form.is_valid() and rows.is_valid():
            statements = [s for s in (row.statement() for row in rows) if s]
            try:
                with transaction.atomic():
                    questionnaires.add_questionnaire_version(
                        acting_user=request.user, statements=statements, **form.cleaned_data
                    )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                messages.success(request, _("The new version of the questionnaire is saved."))
                return redirect("progression:questionnaires")
    else:
        form = QuestionnaireForm(
            initial={
                "name": newest.name if newest else "",
                "answer_within_days": (
                    newest.answer_within_days if newest else DEFAULT_ANSWER_WITHIN_DAYS
                ),
            }
        )
        initial = [
            {"code": s.code, "area": s.area, "text": s.text}
            for s in (newest.statements.all() if newest else [])
        ]
        rows = StatementFormSet(prefix="statements", initial=initial + [{}] * EMPTY_ROWS)
        rows.extra = 0
    return render(request, "progression/questionnaire_form.html", {"form": form, "rows": rows})
