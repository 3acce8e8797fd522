"""Forms of the projects pages (validated here, decided by the services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.projects.closing import REASON_MAX


class TaskCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("done", _("Done")), ("carried", _("Carried over")),
                                                              ("dropped", _("Dropped"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=REASON_MAX)


class ListCloseForm(forms.Form):
    issuer = forms.CharField(max_length=32)
    year = forms.IntegerField(min_value=2000, max_value=2100)
