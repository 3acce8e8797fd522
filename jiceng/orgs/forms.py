"""Forms of the party-organization and big-committee pages: they check the shape of the input (errors next to
the fields); the services check the rules of the chain, the terms and the roster."""

from django import forms
from django.utils.translation import gettext_lazy

from jiceng.core.forms import DayField
from jiceng.orgs.models import PartTimeSource, PartyOrgKind

DATE = forms.DateInput(attrs={"type": "date"})


class PartyOrgForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=PartyOrgKind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    parent = forms.ModelChoiceField(label=gettext_lazy("Parent organization"), queryset=None, required=False)
    established_on = DayField(label=gettext_lazy("Established on"), required=False, widget=DATE)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class RenameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)


class MoveForm(forms.Form):
    parent = forms.ModelChoiceField(label=gettext_lazy("New parent organization"), queryset=None)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class TermForm(forms.Form):
    term_start = DayField(label=gettext_lazy("Term start"), widget=DATE)
    term_end = DayField(label=gettext_lazy("Term end"), widget=DATE)


class RenewForm(forms.Form):
    term_end = DayField(label=gettext_lazy("The next term ends on"), widget=DATE)
    carry_over = forms.BooleanField(label=gettext_lazy("Serving members carry over"), required=False, initial=True)


class PartTimeMemberForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=PartTimeSource.choices)
    source_org = forms.CharField(label=gettext_lazy("Organization they come from"), max_length=120, required=False)
    source_party_org = forms.ModelChoiceField(label=gettext_lazy("Unit party organization"), queryset=None,
                                              required=False)
    person = forms.IntegerField(label=gettext_lazy("Person number in the registry"), min_value=1,
                                max_value=2**31 - 1, required=False)
    position = forms.CharField(label=gettext_lazy("Position"), max_length=60, required=False)
    joined_on = DayField(label=gettext_lazy("Joined on"), required=False, widget=DATE)

    def __init__(self, *args, party_orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_party_org"].queryset = party_orgs


class LeaveForm(forms.Form):
    left_on = DayField(label=gettext_lazy("Left on"), required=False, widget=DATE)
