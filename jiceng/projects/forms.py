"""Forms of the projects pages (validated here, decided by the services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.core.forms import DayField, YearField
from jiceng.projects.closing import REASON_MAX
from jiceng.projects.models import KeyTask


class TaskCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=KeyTask._meta.get_field("outcome").choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=REASON_MAX)


class ListCloseForm(forms.Form):
    issuer = forms.CharField(max_length=32)
    year = YearField()


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False)
    due = DayField(label=_("Due"))
    weight = forms.FloatField(label=_("Weight"), min_value=0.01, max_value=1000, required=False)  # as the API
    parent = forms.IntegerField(label=_("Parent milestone"), min_value=1, required=False)


class ProgressForm(forms.Form):
    progress = forms.FloatField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Note"), required=False)


class MonthReportForm(ProgressForm):
    """A monthly report: the month (YYYY-MM, this month when empty) and the progress 0–100."""

    month = DayField(label=_("Month"), input_formats=["%Y-%m"], required=False)


class ScoresForm(forms.Form):
    """A rater's scores, one field `c<criterion id>` each, 0–100 (the rubric's maxima are the service's)."""

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        for key in data:
            if key.startswith("c") and key[1:].isdigit() and len(self.fields) < 100:
                self.fields[key] = forms.FloatField(label=_("Score"), min_value=0, max_value=100)

    def scores(self) -> dict[int, float]:
        return {int(key[1:]): value for key, value in self.cleaned_data.items()}
