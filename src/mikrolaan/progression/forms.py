from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mikrolaan.core.widgets import DateInput
from mikrolaan.progression.constants import SCORE_MAX, SCORE_MIN, Area, Point

SCORE_CHOICES = [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class AssessmentForm(forms.Form):
    """The measuring point, the date, and one 1–5 score per statement of ``statements``."""

    point = forms.ChoiceField(
        label=_("Measuring point"),
        choices=Point.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    answered_on = forms.DateField(label=_("Date of the conversation"), widget=DateInput())
    why = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )

    def __init__(self, *args, statements, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = list(statements)
        if correcting:
            self.fields["point"].disabled = True
            self.fields["why"] = forms.CharField(
                label=_("Why is it corrected?"),
                widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
            )
        for statement in self.statements:
            self.fields[self.score_field(statement.code)] = forms.TypedChoiceField(
                label=statement.text,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Give a score from 1 to 5.")},
            )

    @staticmethod
    def score_field(code: str) -> str:
        return f"score_{code}"

    def basic_fields(self):
        return [self[name] for name in ("point", "answered_on", "why")]

    def score_fields(self):
        return [self[self.score_field(s.code)] for s in self.statements]

    def scores(self) -> dict[str, int]:
        return {s.code: self.cleaned_data[self.score_field(s.code)] for s in self.statements}


class QuestionnaireForm(forms.Form):
    """A new version of the questionnaire: its date, name and answer window."""

    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"class": "form-input"})
    )
    answer_within_days = forms.IntegerField(
        label=_("Days after a point's date before its assessment is overdue"),
        min_value=1,
        max_value=365,
        widget=forms.NumberInput(attrs={"class": "form-input input-width-xs"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )


class StatementForm(forms.Form):
    """One statement of the new version; a row left empty is not a statement."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        required=False,
        help_text=_("Keep the code of an unchanged statement, so the report can follow it."),
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )
    area = forms.ChoiceField(
        label=_("Area"),
        choices=[("", _("Choose an area"))] + list(Area.choices),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    text = forms.CharField(
        label=pgettext_lazy("self-assessment", "Statement"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )

    def clean(self):
        data = super().clean()
        given = [name for name in ("code", "area", "text") if data.get(name)]
        if given and len(given) < 3:
            for name in ("code", "area", "text"):
                if not data.get(name):
                    self.add_error(name, _("Fill in code, area and statement, or none of them."))
        return data

    def statement(self) -> tuple[str, str, str] | None:
        data = self.cleaned_data
        if not data.get("code"):
            return None
        return (data["code"], data["area"], data["text"])


StatementFormSet = forms.formset_factory(StatementForm, extra=0)
