from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.stations.models import Level, State

CRS = [("wgs84", "WGS-84"), ("gcj02", _("GCJ-02 (AMap, Tencent)")), ("bd09", _("BD-09 (Baidu)"))]
DAY_LABELS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"),
              _("Public holidays")]


class PositionForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    unit = forms.CharField(label=_("Unit code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=120)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    crs = forms.ChoiceField(label=_("Coordinate system"), choices=CRS, initial="wgs84")
    address = forms.CharField(label=_("Address"), max_length=200)
    services = forms.CharField(label=_("Services offered"), max_length=2000, required=False, widget=forms.Textarea(
        attrs={"rows": 2}))
    contact_name = forms.CharField(label=_("Contact person"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Contact telephone"), max_length=20, required=False)
    state = forms.ChoiceField(label=_("State"), choices=State.choices, initial="open")
    amenities = forms.MultipleChoiceField(label=_("Amenities"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, amenity_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amenities"].choices = amenity_choices
        for i, label in enumerate(DAY_LABELS):
            self.fields[f"day{i}"] = forms.CharField(label=label, max_length=100, required=False,
                                                     help_text=_("e.g. 08:00-12:00, 14:00-18:00; empty = closed"))

    def hours(self) -> dict:
        return {i: self.cleaned_data.get(f"day{i}", "") for i in range(8)}


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=State.choices)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"))


class SitingForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), max_length=32)
    k = forms.IntegerField(label=_("New stations"), min_value=1, max_value=50, initial=3)
    sites = forms.CharField(label=_("Candidate sites (optional)"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("One per line: latitude,longitude (WGS-84). Empty = compounds without a "
                                        "station."))


class FinderForm(forms.Form):
    lat = forms.FloatField(min_value=-90, max_value=90)
    lng = forms.FloatField(min_value=-180, max_value=180)
    crs = forms.ChoiceField(choices=CRS, initial="wgs84", required=False)
    amenity = forms.CharField(max_length=32, required=False)


class CourierForm(forms.Form):
    kind = forms.ChoiceField(label=_("I am a"), choices=[("courier", _("Courier")), ("rider", _("Delivery rider")),
                                                          ("driver", _("Ride-hailing driver"))])
    name = forms.CharField(label=_("Name"), max_length=60)
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    sms_code = forms.CharField(label=_("SMS code"), max_length=8)
    platform = forms.CharField(label=_("Platform or company"), max_length=60, required=False)
    community = forms.CharField(label=_("Community code"), max_length=32,
                                help_text=_("The community where you usually work or live."))
