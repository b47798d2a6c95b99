from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.widgets import DateInput
from mikrolaan.courses.models import Cohort


class ReportForm(forms.Form):
    as_of = forms.DateField(
        label=_("Status date"),
        widget=DateInput(),
    )
    cohorts = forms.MultipleChoiceField(
        label=_("Cohorts"),
        required=False,
        help_text=_("None chosen: all cohorts."),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["cohorts"].choices = [
            (c, c)
            for c in Cohort.objects.order_by("main_course_start").values_list("code", flat=True)
        ]
        if not self.is_bound:
            self.initial.setdefault("as_of", timezone.localdate())

    def selection(self):
        """(as_of, cohorts) from valid data, or the defaults."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["as_of"], self.cleaned_data["cohorts"] or None
        return timezone.localdate(), None
