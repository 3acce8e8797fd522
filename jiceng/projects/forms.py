"""Forms of the projects pages (validated here, decided by the services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.core.forms import DayField, IdField, PercentField, WeightField, YearField
from jiceng.orgs.models import KIND_ORDER, UnitKind
from jiceng.projects.closing import REASON_MAX
from jiceng.projects.models import PROJECT_LEVELS, KeyTask


class TaskCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=KeyTask._meta.get_field("outcome").choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=REASON_MAX)


class ListCloseForm(forms.Form):
    issuer = forms.CharField(max_length=32)
    year = YearField()


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False)
    due = DayField(label=_("Due"))
    weight = WeightField(label=_("Weight"), required=False)  # as the API
    parent = IdField(label=_("Parent milestone"), required=False)


class ProgressForm(forms.Form):
    progress = PercentField(label=_("Progress (%)"))
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


class ShowcaseForm(forms.Form):
    """The public showcase's filters: a level, a unit (with everything under it), a year; all optional."""

    level = forms.ChoiceField(label=_("Level"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    year = YearField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def __init__(self, data, *, units, **kwargs):
        super().__init__(data, **kwargs)
        self.units = {u.code: u for u in units}
        self.fields["level"].choices = [("", _("All levels"))] + [(k, UnitKind(k).label) for k in PROJECT_LEVELS]
        self.fields["unit"].choices = [("", _("All units"))] + [
            (u.code, ("\u3000" * max(0, KIND_ORDER.index(u.kind) - 1)) + u.name) for u in units]


class ShowcasePhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), required=False)  # checked and re-encoded by the service
    caption = forms.CharField(label=_("Caption"), required=False, max_length=100)
