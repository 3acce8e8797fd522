"""Forms of the central-household pages: they check the shape of the input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy

from jiceng.core.forms import DayField

DATE = forms.DateInput(attrs={"type": "date"})


class HouseholdsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.address or obj.code}"


class CentralHouseholdForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("Party member"), queryset=None)
    households = HouseholdsField(label=gettext_lazy("Households looked after"), queryset=None, required=False)

    def __init__(self, *args, members, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: m.person.name
        self.fields["households"].queryset = households


class HouseholdsForm(forms.Form):
    households = HouseholdsField(label=gettext_lazy("Households looked after"), queryset=None, required=False)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = households


class VisitForm(forms.Form):
    household = forms.ModelChoiceField(label=gettext_lazy("Household"), queryset=None)
    visited_on = DayField(label=gettext_lazy("Visited on"), widget=DATE)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
