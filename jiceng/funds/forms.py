"""Page forms for funds. Amounts are text fields: the services parse them and explain a bad value."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.core.forms import DayField, IdField
from jiceng.funds.models import ChosenBy, FundSource


class BudgetForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), max_length=32)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    fund_type = forms.ChoiceField(label=_("Fund type"))
    source = forms.ChoiceField(label=_("Source"), choices=FundSource.choices)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20)

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund_type"].choices = [(t.code, t.name) for t in types]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class LetterForm(forms.Form):
    county = forms.CharField(label=_("County code"), max_length=32)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    deadline = DayField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    body = forms.CharField(label=_("Letter"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class StandardForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    fund_type = forms.ChoiceField(label=_("Fund type"))
    minimum = forms.CharField(label=_("Minimum (yuan)"), max_length=20)

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund_type"].choices = [(t.code, t.name) for t in types]


class SpendingForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), max_length=32)
    fund_type = forms.ChoiceField(label=_("Fund type"))
    spent_on = DayField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    project = IdField(label=_("Livelihood project (number)"), required=False)
    voucher = forms.FileField(label=_("Voucher (image or PDF)"), required=False)

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund_type"].choices = [(t.code, t.name) for t in types]


class ProjectForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), max_length=32)
    title = forms.CharField(label=_("Title"), max_length=120)
    estimated_cost = forms.CharField(label=_("Estimated cost (yuan)"), max_length=20)
    description = forms.CharField(label=_("Description"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    need = IdField(label=_("From need (number, optional)"), required=False)


class FeasibilityForm(forms.Form):
    feasible = forms.TypedChoiceField(label=_("Feasible?"), coerce=lambda v: v == "yes",
                                      choices=[("yes", _("Feasible")), ("no", _("Not feasible"))])
    note = forms.CharField(label=_("Feasibility note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ChooseForm(forms.Form):
    chosen_by = forms.ChoiceField(label=_("Chosen by"), choices=ChosenBy.choices)


class FundForm(forms.Form):
    budget = forms.TypedChoiceField(label=_("Budget line"), coerce=int)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20)

    def __init__(self, *args, budgets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].choices = [(b.pk, f"{b.unit.name} · {b.fund_type.name} · {b.get_source_display()} · "
                                                f"{b.amount}") for b in budgets]


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("Acceptance note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RateForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Rating"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)])
