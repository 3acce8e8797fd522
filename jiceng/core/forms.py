"""Forms shared by every app's pages: the ranges a page parameter may take."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.core.fields import FIRST_DAY, FIRST_YEAR, LAST_DAY, LAST_YEAR


class YearField(forms.IntegerField):
    """A calendar year the platform plans for: 2000–2100 (as the API's `Year`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(**kwargs)


class DayField(forms.DateField):
    """A date inside the years the platform plans for, 2000-01-01 to 2100-12-31 (as the API's `Day`)."""

    widget = forms.DateInput(attrs={"type": "date"})
    default_error_messages = {"range": _("Give a date between %(first)s and %(last)s.")}

    def validate(self, value):
        super().validate(value)
        if value and not FIRST_DAY <= value <= LAST_DAY:
            raise forms.ValidationError(self.error_messages["range"], code="range",
                                        params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()})


class MomentField(forms.DateTimeField):
    """A date and time inside the years the platform plans for (as the API's `Moment`)."""

    default_error_messages = {"range": _("Give a date between %(first)s and %(last)s.")}

    def validate(self, value):
        super().validate(value)
        if value and not FIRST_DAY <= value.date() <= LAST_DAY:
            raise forms.ValidationError(self.error_messages["range"], code="range",
                                        params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()})


class IdField(forms.IntegerField):
    """A row's number typed on a page: 1 to 2^31-1 (as the API's `Id`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(**kwargs)


class _PlacesFloatField(forms.FloatField):
    places = 2
    default_error_messages = {"places": _("Give at most %(places)d decimals.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("step_size", None)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("step", f"{10 ** -self.places:.{self.places}f}")

    def validate(self, value):
        super().validate(value)
        if value is not None and round(value, self.places) != value:
            raise forms.ValidationError(self.error_messages["places"], code="places", params={"places": self.places})


class PercentField(_PlacesFloatField):
    """A percentage 0–100 with at most two decimals (as the API's `Percent`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 100)
        super().__init__(**kwargs)


class WeightField(_PlacesFloatField):
    """A relative weight 0.01–1000 with at most two decimals (as the API's `Weight`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0.01)
        kwargs.setdefault("max_value", 1000)
        super().__init__(**kwargs)


class YearParamForm(forms.Form):
    year = YearField(required=False)


def year_param(request, *, latest: int | None = None) -> int:
    """A page's `year` parameter (query string, else form): a year 2000–2100, at most `latest`; this year
    when it is absent or not such a year (a list page falls back rather than refuse)."""
    this = timezone.localdate().year
    form = YearParamForm({"year": request.GET.get("year") or request.POST.get("year") or ""})
    year = form.cleaned_data["year"] if form.is_valid() else None
    if year is None:
        return this
    return min(year, latest) if latest is not None else year
