from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.core.errors import ValidationFailed
from jiceng.core.forms import DayField
from jiceng.neworgs.models import Kind, OrgCoverage, WorkCoverage

CRS = [("wgs84", "WGS-84"), ("gcj02", _("GCJ-02 (AMap, Tencent)")), ("bd09", _("BD-09 (Baidu)"))]


class NewOrgForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=40,
                                  help_text=_("18 characters; the last one is a check character."))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    lng = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)
    crs = forms.ChoiceField(label=_("Coordinate system"), choices=CRS, initial="wgs84", required=False)
    employees = forms.IntegerField(label=_("Employees"), min_value=0, max_value=1_000_000, initial=0)
    party_members = forms.IntegerField(label=_("Party members among them"), min_value=0, max_value=1_000_000,
                                       initial=0)
    org_coverage = forms.ChoiceField(label=_("Party organization"), choices=OrgCoverage.choices, initial="none")
    branch_name = forms.CharField(label=_("Branch"), max_length=120, required=False,
                                  help_text=_("Its own branch or the joint branch; the grid's branch is filled in."))
    branch_since = DayField(label=_("Branch since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    work_coverage = forms.ChoiceField(label=_("Party work"), choices=WorkCoverage.choices, initial="none")
    work_contact = forms.CharField(label=_("Instructor or liaison"), max_length=60, required=False)

    def clean_credit_code(self):
        from jiceng.neworgs.services import credit_code_clean

        try:
            return credit_code_clean(self.cleaned_data["credit_code"])
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from None

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            self.add_error("lat", _("Give both latitude and longitude."))
        elif data.get("lat") is None and not data.get("address"):
            self.add_error("address", _("Give a location: a point on the map or an address."))
        return data

    def apply_error(self, exc):
        """A service's ValidationFailed or Conflict next to its field."""
        field = exc.field if exc.field in self.fields else None
        self.add_error(field, str(exc.message))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *Kind.choices], required=False)
    org_coverage = forms.ChoiceField(label=_("Party organization"),
                                     choices=[("", _("All")), *OrgCoverage.choices], required=False)
    q = forms.CharField(label=_("Name or credit code"), max_length=60, required=False)
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)
