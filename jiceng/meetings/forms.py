"""Forms of the joint-meeting pages: they check the shape of the input (errors next to the fields); the
services check the rest (who is due, the period, the quorum)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jiceng.core.forms import DayField

DATE = forms.DateInput(attrs={"type": "date"})


ATTENDANCE = [("present", gettext_lazy("came")), ("deputy", gettext_lazy("sent a deputy")),
              ("absent", gettext_lazy("absent"))]


class MeetingForm(forms.Form):
    """A held meeting: one attendance choice (came, sent a deputy, absent) per member due, from the roster."""

    held_on = DayField(label=gettext_lazy("Held on"), widget=DATE)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=160)
    agenda = forms.CharField(label=gettext_lazy("Agenda (one item a line)"), max_length=20000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    minutes = forms.CharField(label=gettext_lazy("Minutes"), max_length=20000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for m in self.members:
            self.fields[f"att_{m.pk}"] = forms.ChoiceField(label=m.name, choices=ATTENDANCE, initial="present",
                                                           widget=forms.RadioSelect)
            self.fields[f"deputy_{m.pk}"] = forms.CharField(label=_("Deputy of %(name)s") % {"name": m.name},
                                                            max_length=60, required=False)

    def rows(self):
        """(member, attendance field, deputy field) for the template."""
        return [(m, self[f"att_{m.pk}"], self[f"deputy_{m.pk}"]) for m in self.members]

    def clean(self):
        data = super().clean()
        for m in self.members:
            if data.get(f"att_{m.pk}") == "deputy" and not (data.get(f"deputy_{m.pk}") or "").strip():
                self.add_error(f"deputy_{m.pk}", _("Give the name of the deputy %(name)s sent.") % {"name": m.name})
        return data

    def agenda_items(self) -> list[dict]:
        return [{"title": line.strip()} for line in self.cleaned_data["agenda"].splitlines() if line.strip()]

    def present_ids(self) -> list[int]:
        return [m.pk for m in self.members if self.cleaned_data.get(f"att_{m.pk}") == "present"]

    def deputies(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"deputy_{m.pk}"].strip() for m in self.members
                if self.cleaned_data.get(f"att_{m.pk}") == "deputy"}


class ResolutionForm(forms.Form):
    text = forms.CharField(label=pgettext_lazy("meeting", "Resolution"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    action = forms.CharField(label=gettext_lazy("Action"), max_length=200, required=False)
    owner = forms.CharField(label=gettext_lazy("Owner"), max_length=60, required=False)
    deadline = DayField(label=gettext_lazy("Deadline"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if (data.get("action") or data.get("owner")) and not (data.get("action") and data.get("owner")
                                                               and data.get("deadline")):
            raise forms.ValidationError(_("An action item needs a title, an owner and a deadline."))
        return data

    def actions(self) -> list[dict]:
        d = self.cleaned_data
        return [{"title": d["action"], "owner_name": d["owner"], "deadline": d["deadline"]}] if d["action"] else []


class ActionDoneForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("note"), max_length=2000, required=False)
    next = forms.CharField(max_length=500, required=False)


class SystemForm(forms.Form):
    """Set up a unit's joint meeting (cadence: streets choose theirs; the other levels' is fixed)."""

    cadence = forms.ChoiceField(label=gettext_lazy("Cadence"), required=False)
    quorum_share = forms.FloatField(label=gettext_lazy("Quorum (share of those due)"), min_value=0.05, max_value=1,
                                    initial=0.5)

    def __init__(self, *args, **kwargs):
        from jiceng.meetings.models import Cadence

        super().__init__(*args, **kwargs)
        self.fields["cadence"].choices = [("", "—")] + list(Cadence.choices)


class InviteForm(forms.Form):
    """Call a meeting ahead of its day: those due that day are invited."""

    planned_on = DayField(label=gettext_lazy("Meeting day"), widget=DATE)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=160)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=120, required=False)


class ReplyForm(forms.Form):
    """The invitee's answer: will attend or cannot, with an optional note."""

    answer = forms.ChoiceField(choices=[("accept", gettext_lazy("I will attend")),
                                        ("decline", gettext_lazy("I cannot attend"))])
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)
