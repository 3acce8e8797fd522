"""Forms of the stakeholder registry pages (D1): the shape of the input, with the people and companies to
choose from limited to the compound's or community's own; consult.stakeholders checks the rest."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.consult.models.stakeholders import AppointmentKind, CommitteeRole, ReportInKind

DATE = forms.DateInput(attrs={"type": "date"})


def _choices(rows):
    return [(pk, label) for pk, label in rows]


class _Term(forms.Form):
    term_start = forms.DateField(label=gettext_lazy("Term start"), widget=DATE)
    term_end = forms.DateField(label=gettext_lazy("Term end"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("term_start") and data.get("term_end") and data["term_end"] <= data["term_start"]:
            self.add_error("term_end", _("A term ends after it starts."))
        return data


class OwnersCommitteeForm(_Term):
    """A compound's owners' committee for a term, with its members (people of the compound's community)."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    elected_on = forms.DateField(label=gettext_lazy("Election date"), widget=DATE)
    chair = forms.TypedChoiceField(label=gettext_lazy("Chair"), coerce=int)
    vice_chairs = forms.TypedMultipleChoiceField(label=gettext_lazy("Vice chairs"), coerce=int, required=False,
                                                 widget=forms.SelectMultiple(attrs={"size": 4}))
    members = forms.TypedMultipleChoiceField(label=gettext_lazy("Members"), coerce=int, required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = _choices(people)
        for name in ("chair", "vice_chairs", "members"):
            self.fields[name].choices = choices

    def roles(self) -> list[tuple[int, str]]:
        """[(person id, role)]: the chair, the vice chairs, then the members (each person once)."""
        d = self.cleaned_data
        out = {d["chair"]: CommitteeRole.CHAIR}
        for pk in d.get("vice_chairs") or ():
            out.setdefault(pk, CommitteeRole.VICE_CHAIR)
        for pk in d.get("members") or ():
            out.setdefault(pk, CommitteeRole.MEMBER)
        return list(out.items())


class PropertyServiceForm(forms.Form):
    """A property company (registered by the compound's street or community) serves the compound, with its
    project manager."""

    company = forms.TypedChoiceField(label=gettext_lazy("Property company"), coerce=int)
    manager = forms.TypedChoiceField(label=gettext_lazy("Project manager"), coerce=int)
    started_on = forms.DateField(label=gettext_lazy("Serving since"), widget=DATE)

    def __init__(self, *args, companies=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = _choices(companies)
        self.fields["manager"].choices = _choices(people)


class ReportInForm(forms.Form):
    to = forms.ChoiceField(label=gettext_lazy("Reported in to"), choices=ReportInKind.choices)
    reported_on = forms.DateField(label=gettext_lazy("Reported on"), widget=DATE)


class CrossAppointmentForm(_Term):
    appointment_kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AppointmentKind.choices)
    person = forms.TypedChoiceField(label=gettext_lazy("Person"), coerce=int)
    position = forms.CharField(label=gettext_lazy("Position"), max_length=60, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = _choices(people)


class VolunteerTeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    members = forms.TypedMultipleChoiceField(label=gettext_lazy("Members"), coerce=int,
                                             widget=forms.SelectMultiple(attrs={"size": 6}))
    leader = forms.TypedChoiceField(label=gettext_lazy("Team leader"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = _choices(people)
        self.fields["leader"].choices = [("", "—")] + _choices(people)


class PropertyCompanyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    licence_code = forms.CharField(label=gettext_lazy("Unified social credit code"), max_length=24)


class InstructorForm(_Term):
    """A member of the community's party organizations sent to a company serving one of its compounds."""

    person = forms.TypedChoiceField(label=gettext_lazy("Instructor"), coerce=int)
    company = forms.TypedChoiceField(label=gettext_lazy("Property company"), coerce=int)

    def __init__(self, *args, people=(), companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = _choices(people)
        self.fields["company"].choices = _choices(companies)


class VisitForm(forms.Form):
    instructor = forms.TypedChoiceField(label=gettext_lazy("Instructor"), coerce=int)
    visited_on = forms.DateField(label=gettext_lazy("Visited on"), widget=DATE)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, instructors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructor"].choices = _choices(instructors)
