"""Forms of the deliberation and stakeholder pages: they check the shape of the input (errors next to the
fields); the services check the rest."""

import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.consult.models.deliberation import DecisionMethod, MatterKind, PartyKind
from jiceng.core.forms import DayField

DATE = forms.DateInput(attrs={"type": "date"})


# The kinds of other parties a line may name in Chinese (the words of the Chinese help text).
PARTY_WORDS = {"居民": "residents", "部门": "department", "其他": "other"}


class MatterForm(forms.Form):
    matter_kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=MatterKind.choices)
    unit = forms.CharField(label=gettext_lazy("Unit code (community or compound)"), max_length=32)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=160)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    case = forms.CharField(label=gettext_lazy("Case code"), max_length=32, required=False)
    resolution = forms.IntegerField(label=gettext_lazy("Joint meeting resolution number"), min_value=1,
                                    max_value=2**31 - 1, required=False)
    decide_by = DayField(label=gettext_lazy("Decide by"), widget=DATE)
    invite_owners_committee = forms.BooleanField(label=gettext_lazy("Invite the owners' committee"), required=False)
    invite_property_company = forms.BooleanField(label=gettext_lazy("Invite the property company"), required=False)
    other_parties = forms.CharField(
        label=gettext_lazy("Other parties"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One a line: residents | name, department | name or other | name"))

    def clean_other_parties(self):
        out = []
        kinds = {"residents", "department", "other"}
        for line in self.cleaned_data["other_parties"].splitlines():
            if not line.strip():
                continue
            kind, _sep, name = (p.strip() for p in line.partition("|"))
            kind = PARTY_WORDS.get(kind, kind)  # the kind in English or in Chinese (as the help text shows)
            if kind not in kinds or not name:
                raise forms.ValidationError(_("Each line is residents, department or other, then “|” and the name."))
            out.append({"kind": kind, "name": name})
        return out


class InviteForm(forms.Form):
    party_kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=PartyKind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120, required=False)


class SessionForm(forms.Form):
    held_on = DayField(label=gettext_lazy("Held on"), widget=DATE)
    minutes = forms.CharField(label=gettext_lazy("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(parties)
        for p in self.parties:
            self.fields[f"party_{p.pk}"] = forms.CharField(
                label=_("Attending for %(party)s") % {"party": p.name}, max_length=400, required=False,
                help_text=gettext_lazy("names, separated by commas"))

    def attendance(self):
        out = []
        for p in self.parties:
            for name in self.cleaned_data.get(f"party_{p.pk}", "").replace("，", ",").replace("、", ",").split(","):
                if name.strip():
                    out.append({"party": p, "name": name.strip()[:60]})
        return out


class ProposalForm(forms.Form):
    party = forms.TypedChoiceField(label=gettext_lazy("From"), coerce=int)
    text = forms.CharField(label=gettext_lazy("Proposal"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p.pk, p.name) for p in parties]


class DecisionForm(forms.Form):
    session = forms.TypedChoiceField(label=gettext_lazy("Session"), coerce=int, required=False)
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=DecisionMethod.choices)
    votes_for = forms.IntegerField(label=gettext_lazy("Votes for"), min_value=0, max_value=999, required=False)
    votes_against = forms.IntegerField(label=gettext_lazy("Votes against"), min_value=0, max_value=999,
                                       required=False)
    abstentions = forms.IntegerField(label=gettext_lazy("Abstentions"), min_value=0, max_value=999, required=False)
    text = forms.CharField(label=gettext_lazy("Decision"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(label=gettext_lazy("Publish on the public page"), required=False)
    actions = forms.CharField(
        label=gettext_lazy("Follow-up actions"), max_length=8000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One a line: action | owner | deadline (YYYY-MM-DD)"))

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", "—")] + [(s.pk, s.held_on.isoformat()) for s in sessions]

    def clean_actions(self):
        out = []
        for line in self.cleaned_data["actions"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or not parts[0]:
                raise forms.ValidationError(_("Each line is: action | owner | deadline (YYYY-MM-DD)."))
            try:
                deadline = datetime.date.fromisoformat(parts[2])
            except ValueError:
                raise forms.ValidationError(_("“%(d)s” is not a date (YYYY-MM-DD).") % {"d": parts[2]}) from None
            out.append({"title": parts[0], "owner_name": parts[1], "deadline": deadline})
        return out

    def votes(self):
        d = self.cleaned_data
        if d["method"] != "vote":
            return None
        if None in (d.get("votes_for"), d.get("votes_against"), d.get("abstentions")):
            return ()
        return (d["votes_for"], d["votes_against"], d["abstentions"])
