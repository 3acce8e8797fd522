"""Page forms of the workforce app: they parse and range-check input; the services keep the rules."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.core.forms import DayField
from jiceng.workforce.models import (
    Channel,
    Committee,
    ConfigItem,
    Education,
    Post,
    Qualification,
    SeatRole,
    WorkerStatus,
)
from jiceng.workforce.services import RUBRIC

RUBRIC_LABELS = {"political": _("Political quality"), "ability": _("Professional ability"),
                 "performance": _("Work results"), "residents": _("Residents' opinion")}


class WorkerForm(forms.Form):
    community = forms.CharField(label=_("Community code"), max_length=32)
    name = forms.CharField(label=_("Full name"), max_length=60)
    id_number = forms.CharField(label=_("Identity number"), max_length=24)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices)
    title = forms.CharField(label=_("Title"), max_length=40, required=False)
    channel = forms.ChoiceField(label=_("Recruitment channel"), choices=Channel.choices)
    hire_date = DayField(label=_("Hire date"), widget=forms.DateInput(attrs={"type": "date"}))
    education = forms.ChoiceField(label=_("Education"), choices=Education.choices)
    qualification = forms.ChoiceField(label=_("Social-work qualification"), choices=Qualification.choices,
                                      initial="none", required=False)
    grade = forms.IntegerField(label=_("Grade assigned (leave empty to apply the rules)"), min_value=1, max_value=18,
                               required=False)
    bank_account = forms.CharField(label=_("Bank account"), max_length=40, required=False)


class TransferForm(forms.Form):
    community = forms.CharField(label=_("Community code"), max_length=32)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=WorkerStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class PostForm(forms.Form):
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices)
    effective_on = DayField(label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"}))


class AttendanceForm(forms.Form):
    month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7)
    days_required = forms.IntegerField(label=_("Working days"), min_value=1, max_value=31)
    days_present = forms.IntegerField(label=_("Days present"), min_value=0, max_value=31)

    def clean_month(self):
        return parse_month(self.cleaned_data["month"])


def parse_month(value: str) -> datetime.date:
    try:
        year, month = str(value).split("-")[:2]
        return datetime.date(int(year), int(month), 1)
    except (TypeError, ValueError):
        raise forms.ValidationError(_("A month is written YYYY-MM.")) from None


class EvaluationForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    community_opinion = forms.CharField(label=_("Community's opinion"), max_length=1000, required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, top in RUBRIC:
            self.fields[key] = forms.IntegerField(label=f"{RUBRIC_LABELS[key]} (0–{top})", min_value=0, max_value=top)

    def scores(self):
        return {key: self.cleaned_data[key] for key, _top in RUBRIC}


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the appeal"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    revise = forms.BooleanField(label=_("Revise the scores"), required=False)
    note = forms.CharField(label=_("Decision"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, top in RUBRIC:
            self.fields[key] = forms.IntegerField(label=f"{RUBRIC_LABELS[key]} (0–{top})", min_value=0, max_value=top,
                                                  required=False)

    def scores(self):
        return {key: self.cleaned_data.get(key) for key, _top in RUBRIC}


class PrepareForm(forms.Form):
    street = forms.CharField(label=_("Street code"), max_length=32)
    month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7)

    def clean_month(self):
        return parse_month(self.cleaned_data["month"])


class ConfigForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"), choices=ConfigItem.choices)
    present = forms.BooleanField(label=_("In place"), required=False)
    head = forms.CharField(label=_("Head"), max_length=60, required=False)
    staffing = forms.IntegerField(label=_("Staffing"), min_value=0, max_value=200, required=False)


class PowerForm(forms.Form):
    owner = forms.CharField(label=_("County code"), max_length=32)
    name = forms.CharField(label=_("Power"), max_length=120)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=200)
    department = forms.CharField(label=_("Department of origin"), max_length=80)


class GrantForm(forms.Form):
    street = forms.CharField(label=_("Street code"), max_length=32)
    granted_on = DayField(label=_("Granted on"), widget=forms.DateInput(attrs={"type": "date"}))
    document = forms.CharField(label=_("Document"), max_length=120)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Roster workbook (.xlsx)"))


class SeatForm(forms.Form):
    community = forms.CharField(label=_("Community code"), max_length=32)
    id_number = forms.CharField(label=_("Identity number of the member"), max_length=24)
    committee = forms.ChoiceField(label=_("Committee"), choices=Committee.choices)
    role = forms.ChoiceField(label=_("Role"), choices=SeatRole.choices)
    term_start = DayField(label=_("Term start"), widget=forms.DateInput(attrs={"type": "date"}))
    term_end = DayField(label=_("Term end"), widget=forms.DateInput(attrs={"type": "date"}))
    education = forms.ChoiceField(label=_("Education"), choices=[("", _("As recorded for the worker"))]
                                  + list(Education.choices), required=False)


BAND_FIELDS = [("principal", _("Principal post")), ("deputy", _("Deputy post")), ("other", _("Other post"))]


class GradeScaleForm(forms.Form):
    """The county's three posts, eighteen grades: each post's band, years per grade, education credit."""

    years_per_grade = forms.IntegerField(label=_("Years of service per grade"), min_value=1, max_value=10)
    bachelor_years = forms.IntegerField(label=_("Years credited for a bachelor's degree"), min_value=0, max_value=20)
    master_years = forms.IntegerField(label=_("Years credited for a master's degree"), min_value=0, max_value=20)
    doctor_years = forms.IntegerField(label=_("Years credited for a doctorate"), min_value=0, max_value=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for post, label in BAND_FIELDS:
            self.fields[f"{post}_low"] = forms.IntegerField(label=_("%(post)s: lowest grade") % {"post": label},
                                                            min_value=1, max_value=18)
            self.fields[f"{post}_high"] = forms.IntegerField(label=_("%(post)s: highest grade") % {"post": label},
                                                             min_value=1, max_value=18)


class PayTableForm(forms.Form):
    """A county's pay table for a year: the monthly base amount and the coefficient of each grade."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    base_amount = forms.DecimalField(label=_("Monthly base amount (yuan)"), min_value=0, max_value=99_999_999.99,
                                     max_digits=10,
                                     decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for grade in range(1, 19):
            self.fields[f"c{grade}"] = forms.DecimalField(label=_("Coefficient of grade %(g)d") % {"g": grade},
                                                          min_value=0, max_digits=6, decimal_places=2)

    def coefficients(self):
        return {str(g): self.cleaned_data[f"c{g}"] for g in range(1, 19)}
