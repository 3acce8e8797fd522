"""H5: meetings and their attendance in Excel, through core's one table helper. A meeting row names who
was present (the joint meeting's members, by name, separated by 、); an import records each meeting
through `meeting_record` (its period filled, its attendance taken from the roster), all rows or none."""

import re

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.errors import ValidationFailed
from jiceng.core.excel import Boolean, Column, Date, Registry, Table, Text
from jiceng.core.scope import scope_filter, subtree_q
from jiceng.meetings.models import Attendance, Meeting, MeetingSystem, SystemMember
from jiceng.meetings.services import meeting_record
from jiceng.orgs.excel import scope_unit, unit_under

SEPARATORS = re.compile(r"[、,，;；\s]+")


def _home(unit) -> str:
    return reverse("meetings:home")


def _names(meeting, present: bool) -> str:
    return "、".join(a.name for a in meeting.attendance.all() if a.present == present and a.member_id)


MEETINGS = Table([
    Column("unit", "单位代码", Text(32), required=True, get="unit.code"),
    Column("unit_name", "单位", get="unit.name", export_only=True),
    Column("held_on", "召开日期", Date(), required=True),
    Column("title", "会议名称", Text(160), required=True),
    Column("minutes", "会议纪要", Text(20000), default=""),
    Column("present", "出席", Text(5000), default="", get=lambda m: _names(m, True)),
    Column("absent", "缺席", get=lambda m: _names(m, False), export_only=True),
    Column("member_count", "应到", export_only=True),
    Column("present_count", "实到", export_only=True),
    Column("quorate", "达到法定人数", Boolean(), export_only=True),
], title="联席会议")


def _meetings(user, unit):
    return (scope_filter(Meeting.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
            .select_related("unit").order_by("unit_path", "held_on", "id")
            .prefetch_related(Prefetch("attendance", Attendance.objects.order_by("id"))))


def _meeting_write(actor, scope, row):
    unit = unit_under(scope, row["unit"])
    system = MeetingSystem.objects.filter(unit=unit, active=True).first()
    if system is None:
        raise ValidationFailed(_("%(unit)s has no joint meeting system: set it up first.") % {"unit": unit.name},
                               field="unit")
    roster = {}
    for member in SystemMember.objects.filter(system=system, active=True).order_by("id"):
        roster.setdefault(member.name, member.pk)
    names = [n for n in SEPARATORS.split(row["present"] or "") if n]
    unknown = [n for n in names if n not in roster]
    if unknown:
        raise ValidationFailed(_("Not on the joint meeting's roster: %(names)s.") % {"names": "、".join(unknown)},
                               field="present")
    return meeting_record(actor=actor, system=system, held_on=row["held_on"], title=row["title"],
                          minutes=row["minutes"], present_member_ids=[roster[n] for n in names])


ATTENDANCE = Table([
    Column("unit", "单位代码", get="meeting.unit.code"),
    Column("held_on", "召开日期", Date(), get="meeting.held_on"),
    Column("title", "会议名称", get="meeting.title"),
    Column("name", "姓名"),
    Column("position", "职务", get=lambda a: a.member.position if a.member_id else _("Contact point leader")),
    Column("present", "出席", Boolean()),
], title="出席情况")


def _attendance(user, unit):
    return (scope_filter(Attendance.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
            .select_related("meeting__unit", "member").order_by("unit_path", "meeting__held_on", "meeting_id", "id"))


REGISTRIES = [
    Registry("meetings", gettext_lazy("Joint meetings"), MEETINGS, scope=scope_unit, rows=_meetings,
             write=_meeting_write, list_url=_home),
    Registry("meeting-attendance", gettext_lazy("Joint meeting attendance"), ATTENDANCE, scope=scope_unit,
             rows=_attendance, list_url=_home),
]
