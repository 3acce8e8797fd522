"""Forms of the co-building pages (C1–C3). Ranges match the columns; the services own the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.mobilize.models import ActivityKind, Category, Urgency
from jiceng.orgs.models import Unit, UnitKind

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CommunityForm(forms.Form):
    """A form whose object belongs to a community: any community is valid input (the service decides
    404 outside the user's area, 403 without the role); the list shows those the user may write in."""

    community = forms.ModelChoiceField(label=_("Community"), queryset=Unit.objects.filter(kind=UnitKind.COMMUNITY),
                                       empty_label=None)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].widget.choices = [(u.pk, u.name) for u in communities]


class AgencyForm(CommunityForm):
    name = forms.CharField(label=_("Agency party organization"), max_length=120)
    agreement_start = forms.DateField(label=_("Agreement start"), widget=DATE)
    agreement_end = forms.DateField(label=_("Agreement end"), widget=DATE)
    commitments = forms.CharField(label=_("Commitments"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MemberForm(CommunityForm):
    name = forms.CharField(label=_("Name"), max_length=60)
    id_number = forms.CharField(label=_("Identity number"), max_length=18)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    employer = forms.CharField(label=_("Employer organization"), max_length=120, required=False,
                               help_text=_("Empty = the agency's name."))
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None, required=False)
    skills = forms.MultipleChoiceField(label=_("Skills"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, agencies=None, skill_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["skills"].choices = skill_choices

    field_order = ["community", "name", "id_number", "phone", "agency", "employer", "skills"]


class SelfRegistrationForm(forms.Form):
    """A party member registers themselves with the community they live in."""

    employer = forms.CharField(label=_("Employer organization"), max_length=120)
    skills = forms.MultipleChoiceField(label=_("Skills"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, skill_choices=(), **kwargs):
        kwargs.setdefault("auto_id", "self_%s")  # beside the worker's registration form
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices


class NeedForm(CommunityForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    source = forms.ChoiceField(label=_("Source"), choices=[("community", _("Community")), ("resident", _("Resident"))])
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL)
    wanted_from = forms.DateField(label=_("Wanted from"), widget=DATE)
    wanted_to = forms.DateField(label=_("Wanted until"), widget=DATE)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100_000, initial=1)


class ResourceForm(CommunityForm):
    title = forms.CharField(label=_("What"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    agency = forms.ModelChoiceField(label=_("Offered by the agency"), queryset=None, required=False)
    available_from = forms.DateField(label=_("Available from"), widget=DATE)
    available_to = forms.DateField(label=_("Available until"), widget=DATE)
    capacity = forms.IntegerField(label=_("How much"), min_value=1, max_value=100_000, initial=1)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class ProjectSetForm(forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=120, required=False,
                            help_text=_("Empty = the need's title."))
    resources = forms.ModelMultipleChoiceField(label=_("Resources"), queryset=None,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, resources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = resources


class ProjectCheckForm(forms.Form):
    note = forms.CharField(label=_("What the check found"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class EvaluationForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Score"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)])
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)


class EvaluationRecordForm(EvaluationForm):
    id_number = forms.CharField(label=_("Resident's identity number"), max_length=18)
    field_order = ["id_number", "score", "comment"]


class ActivityForm(CommunityForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    capacity = forms.IntegerField(label=_("Sign-up limit"), min_value=1, max_value=100_000)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False,
                           help_text=_("Empty = the community's place."))
    lng = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)


class SignupForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Party member"), queryset=None, required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class PresenceForm(SignupForm):
    """Check-in or check-out: the code shown at the activity, or the place (WGS-84) where one stands."""

    code = forms.CharField(label=_("Check-in code"), max_length=12, required=False)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    lng = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "presence_%s")  # the sign-up form on the same page has a member field too
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not data.get("code") and (data.get("lat") is None or data.get("lng") is None):
            raise forms.ValidationError(_("Give the code shown at the activity, or your location."))
        return data
