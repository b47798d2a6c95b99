from django import forms
from django.utils.translation import gettext_lazy as _

from mikrolaan.progression.constants import SCORE_MAX, SCORE_MIN, Point

SCORE_CHOICES = [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", attrs={"class": "form-input"}, **kwargs)


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
