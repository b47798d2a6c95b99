from django import forms
from django.utils.translation import gettext_lazy as _

from mikrolaan.cases.forms import DkfdsForm, today_field
from mikrolaan.core.validators import safe_code
from mikrolaan.core.widgets import DateInput
from mikrolaan.courses.models import Activity, Cohort, ConversationKind


class CohortForm(DkfdsForm):
    code = forms.CharField(
        label=_("Code"), max_length=20, help_text=_("E.g. M10."), validators=[safe_code]
    )
    pre_course_start = forms.DateField(
        label=_("Pre-course start"), widget=DateInput(), required=False
    )
    main_course_start = forms.DateField(label=_("Main course start"), widget=DateInput())
    main_course_end = forms.DateField(label=_("Main course end"), widget=DateInput())
    capacity = forms.IntegerField(
        label=_("Capacity"),
        initial=12,
        min_value=1,
        max_value=99,
        help_text=_("A cohort works best with 10–12 entrepreneurs."),
    )


class AssignForm(DkfdsForm):
    on = today_field(_("Date"))
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none())

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts


class MoveForm(AssignForm):
    why = forms.CharField(label=_("Why the citizen moves"), max_length=500)


class PlanActivityForm(DkfdsForm):
    activity = forms.ModelChoiceField(
        label=_("Activity"), queryset=Activity.objects.filter(active=True)
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    sessions = forms.IntegerField(
        label=_("Sessions"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for the catalogue's number."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AttendanceForm(DkfdsForm):
    sessions_attended = forms.IntegerField(label=_("Sessions attended"), min_value=0)


class ConversationForm(DkfdsForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ConversationKind.choices)
    held_on = today_field(_("Date"))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, initial=120)
    place = forms.CharField(
        label=_("Place"), max_length=200, help_text=_("Home, a park, a café, the job centre …")
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in ConversationKind.choices if c[0] in kinds]
