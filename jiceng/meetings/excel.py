"""H5: meetings and their attendance in Excel, through core's one table helper. A meeting row names who
was present in person and who sent a deputy (「委员：代表」), by name, separated by 、, among those due that
day (`due_on`: the big committee's roster at a street's or community's meeting while one is in office, else
the system's members); an import records each meeting through `meeting_record` (its period filled, its
attendance taken from the roster, deputies counting toward the quorum), all rows or none."""

import re

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.errors import ValidationFailed
from jiceng.core.excel import Boolean, Column, Date, Registry, Table, Text
from jiceng.core.scope import scope_filter, subtree_q
from jiceng.meetings.models import Attendance, Meeting, MeetingSystem
from jiceng.meetings.services import due_on, meeting_record
from jiceng.orgs.excel import scope_unit, unit_under

SEPARATORS = re.compile(r"[、,，;；\s]+")


def _home(unit) -> str:
    return reverse("meetings:home")


# A deputy entry is 「委员：代表」; entries are separated like names (not by spaces, which may sit around the mark).
ENTRY_SEPARATORS = re.compile(r"[、,，;；\n]+")
DEPUTY_MARK = re.compile(r"[:：]")


def _due(a: Attendance) -> bool:
    """A member due at the meeting (the system's or the big committee roster's), not a visiting leader."""
    return bool(a.member_id or a.roster_member_id)


def _names(meeting, present: bool) -> str:
    return "、".join(a.name for a in meeting.attendance.all()
                    if _due(a) and a.present == present and not (present and a.deputy))


def _deputies(meeting) -> str:
    return "、".join(f"{a.name}：{a.deputy}" for a in meeting.attendance.all() if _due(a) and a.deputy)


MEETINGS = Table([
    Column("unit", "单位代码", Text(32), required=True, get="unit.code"),
    Column("unit_name", "单位", get="unit.name", export_only=True),
    Column("held_on", "召开日期", Date(), required=True),
    Column("title", "会议名称", Text(160), required=True),
    Column("minutes", "会议纪要", Text(20000), default=""),
    Column("present", "出席", Text(5000), default="", get=lambda m: _names(m, True)),
    Column("deputies", "委派代表", Text(5000), default="", get=_deputies),
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
    for member in due_on(system, row["held_on"])[1]:
        roster.setdefault(member.name, member.pk)
    names = [n for n in SEPARATORS.split(row["present"] or "") if n]
    unknown = [n for n in names if n not in roster]
    if unknown:
        raise ValidationFailed(_("Not on the joint meeting's roster: %(names)s.") % {"names": "、".join(unknown)},
                               field="present")
    deputies = {}
    for entry in ENTRY_SEPARATORS.split(row.get("deputies") or ""):
        if not entry.strip():
            continue
        parts = DEPUTY_MARK.split(entry, maxsplit=1)
        name, deputy = parts[0].strip(), parts[1].strip() if len(parts) == 2 else ""
        if not name or not deputy:
            raise ValidationFailed(_("Write a deputy as member：deputy, e.g. 陈主任：王明: “%(entry)s”.")
                                   % {"entry": entry}, field="deputies")
        if name not in roster:
            raise ValidationFailed(_("Not on the joint meeting's roster: %(names)s.") % {"names": name},
                                   field="deputies")
        deputies[roster[name]] = deputy
    return meeting_record(actor=actor, system=system, held_on=row["held_on"], title=row["title"],
                          minutes=row["minutes"], present_member_ids=[roster[n] for n in names], deputies=deputies)


def _position(a: Attendance) -> str:
    if a.member_id:
        return a.member.position
    if a.roster_member_id:
        return a.roster_member.position or a.roster_member.get_source_display()
    return _("Contact point leader")


ATTENDANCE = Table([
    Column("unit", "单位代码", get="meeting.unit.code"),
    Column("held_on", "召开日期", Date(), get="meeting.held_on"),
    Column("title", "会议名称", get="meeting.title"),
    Column("name", "姓名"),
    Column("position", "职务", get=lambda a: _position(a)),
    Column("present", "出席", Boolean()),
    Column("deputy", "委派代表"),
], title="出席情况")


def _attendance(user, unit):
    return (scope_filter(Attendance.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
            .select_related("meeting__unit", "member", "roster_member").order_by("unit_path", "meeting__held_on", "meeting_id", "id"))


REGISTRIES = [
    Registry("meetings", gettext_lazy("Joint meetings"), MEETINGS, scope=scope_unit, rows=_meetings,
             write=_meeting_write, list_url=_home),
    Registry("meeting-attendance", gettext_lazy("Joint meeting attendance"), ATTENDANCE, scope=scope_unit,
             rows=_attendance, list_url=_home),
]
