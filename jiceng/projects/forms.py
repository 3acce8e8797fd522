"""Forms of the projects pages (validated here, decided by the services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.projects.closing import REASON_MAX
from jiceng.projects.models import KeyTask


class TaskCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=KeyTask._meta.get_field("outcome").choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=REASON_MAX)


class ListCloseForm(forms.Form):
    issuer = forms.CharField(max_length=32)
    year = forms.IntegerField(min_value=2000, max_value=2100)
