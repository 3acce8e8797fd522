"""Page forms of the cases app: they parse and range-check what a page posts; the services keep the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.cases.models import OPEN_STATUSES, Department


class IntakeForm(forms.Form):
    """A report from the resident's phone page, the patrol page or the hotline form."""

    category = forms.CharField(label=_("Category"), max_length=32, required=False)
    description = forms.CharField(label=_("Description"), required=False, strip=False)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    lng = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)
    crs = forms.CharField(label=_("Coordinate system"), max_length=8, required=False)  # network's check_crs decides
    address = forms.CharField(label=_("Address"), required=False)
    anonymous = forms.BooleanField(required=False)
    publish = forms.BooleanField(required=False)
    name = forms.CharField(label=_("Name"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False)
    sms_code = forms.CharField(label=_("SMS code"), max_length=12, required=False)
    token = forms.CharField(max_length=100, required=False)


class CaseActForm(forms.Form):
    action = forms.CharField(label=_("Action"), max_length=32)
    version = forms.IntegerField(label=_("Version"), min_value=0, max_value=2**31 - 1)
    comment = forms.CharField(label=_("Comment"), required=False)
    hours = forms.IntegerField(label=_("Hours"), min_value=0, max_value=24 * 366, required=False)
    # A dispatch's destination: "unit:<code>" (a unit below the handler) or "dept:<id>" (a department).
    to = forms.RegexField(label=_("Dispatch to"), regex=r"^(unit:[0-9]{6,40}|dept:[0-9]{1,12})?$", required=False,
                          error_messages={"invalid": _("Choose where the case goes from the list.")})


class DeskFilterForm(forms.Form):
    """The desk's to-do table: a status tile, a search and an order (a bad value is a 400 with the reason)."""

    status = forms.ChoiceField(label=_("Status"), choices=[("", "")] + [(s, s) for s in OPEN_STATUSES],
                               required=False)
    q = forms.CharField(label=_("Search"), max_length=80, required=False)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=[
        ("deadline", _("Deadline, earliest first")), ("-deadline", _("Deadline, latest first")),
        ("received", _("Received, oldest first")), ("-received", _("Received, newest first")),
        ("status", _("Status")), ("category", _("Category"))])


class WhistleForm(forms.Form):
    """Blow the whistle: departments that serve the case's area, a report-in deadline of 1 hour to 14 days."""

    departments = forms.ModelMultipleChoiceField(label=_("Departments"), queryset=Department.objects.none())
    version = forms.IntegerField(label=_("Version"), min_value=0, max_value=2**31 - 1)
    comment = forms.CharField(label=_("Comment"), required=False)
    hours = forms.IntegerField(label=_("Report in within (hours)"), min_value=1, max_value=24 * 14, initial=24,
                               required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into case"), max_length=32)
    version = forms.IntegerField(label=_("Version"), min_value=0, max_value=2**31 - 1)

    def clean_into(self):
        return self.cleaned_data["into"].strip().upper()

