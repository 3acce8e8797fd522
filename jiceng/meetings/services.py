"""Writes for joint meetings (E1–E2). Every one checks scope, validates, runs in a transaction and
writes the audit log."""

import calendar
import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit_record
from jiceng.core.errors import Conflict, NotFound, ValidationFailed
from jiceng.core.notify import Message, notify, notify_many
from jiceng.core.scope import require_scope
from jiceng.core.supervision import cards_resolve
from jiceng.meetings.models import (
    CADENCE_MONTHS,
    DEFAULT_CADENCE,
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    Cadence,
    ContactPoint,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingNotice,
    MeetingPeriod,
    MeetingSystem,
    PeriodStatus,
    Resolution,
    SystemMember,
)
from jiceng.orgs.models import PartTimeMember, Unit
from jiceng.orgs.selectors import big_committee_in_office, roster_on

MEETING_LEVELS = ("city", "county", "street", "community")
# Records an agenda item may link to (generic reference "app_label.model").
AGENDA_REF_TYPES = ("cases.case", "mobilize.need", "projects.project", "projects.keytask")


def default_system_name(unit: Unit) -> str:
    if unit.kind == "community":
        return _("%(unit)s big party committee joint meeting") % {"unit": unit.name}
    return _("%(unit)s party-building joint meeting") % {"unit": unit.name}


def _validate_system(unit: Unit, cadence: str, quorum_share: float):
    if unit.kind not in MEETING_LEVELS:
        raise ValidationFailed(_("Joint meetings are held by cities, counties, streets and communities."),
                               field="unit")
    if cadence not in CADENCE_MONTHS:
        raise ValidationFailed(_("Unknown cadence “%(c)s”.") % {"c": cadence}, field="cadence")
    if unit.kind != "street" and cadence != DEFAULT_CADENCE[unit.kind]:
        raise ValidationFailed(
            _("The cadence of a %(kind)s joint meeting is fixed: %(cadence)s.")
            % {"kind": unit.get_kind_display(), "cadence": Cadence(DEFAULT_CADENCE[unit.kind]).label},
            field="cadence")
    if not 0 < quorum_share <= 1:
        raise ValidationFailed(_("The quorum is a share of the members between 0 and 1."), field="quorum_share")


def system_configure(*, actor, unit: Unit, cadence: str | None = None, name: str = "", quorum_share: float = 0.5,
                     remind_days: int = 7, members: list[dict] | None = None) -> MeetingSystem:
    """Set up (or reconfigure) the unit's joint-meeting system; `members`: [{"name", "position"}]."""
    require_scope(actor, unit.path, "structure")
    cadence = cadence or DEFAULT_CADENCE.get(unit.kind, "")
    _validate_system(unit, cadence, quorum_share)
    members = members or []
    if any(not (m.get("name") or "").strip() for m in members):
        raise ValidationFailed(_("Every member needs a name."), field="members")
    with transaction.atomic():
        system = MeetingSystem.objects.select_for_update().filter(unit=unit, active=True).first()
        created = system is None
        if created:
            system = MeetingSystem(unit=unit, unit_path=unit.path, level=unit.kind)
        old = {"cadence": system.cadence, "quorum_share": system.quorum_share}
        system.cadence, system.quorum_share, system.remind_days = cadence, quorum_share, remind_days
        system.name = (name or "").strip() or system.name or default_system_name(unit)
        system.save()
        if not created and old["cadence"] != cadence:
            _reschedule(system, timezone.localdate())
        if members:
            SystemMember.objects.bulk_create([
                SystemMember(system=system, unit_path=unit.path, name=m["name"].strip(),
                             position=(m.get("position") or "").strip(), person=m.get("person"))
                for m in members])
        audit_record(actor=actor, action="meeting_system.create" if created else "meeting_system.update",
                     obj=system, changes={"cadence": [old["cadence"], cadence], "members_added": len(members)})
    return system


def system_set_up(*, actor, unit: Unit, cadence: str | None = None, quorum_share: float = 0.5,
                  year: int | None = None) -> MeetingSystem:
    """Set up a unit's joint meeting from its page: the system and this year's schedule, in one transaction.
    A street's or community's meeting takes those due from its big committee's roster."""
    require_scope(actor, unit.path, "structure")
    year = year or timezone.localdate().year
    with transaction.atomic():
        if MeetingSystem.objects.filter(unit=unit, active=True).exists():
            raise Conflict(_("%(unit)s already has a joint-meeting system.") % {"unit": unit.name}, field="unit")
        system = system_configure(actor=actor, unit=unit, cadence=cadence or None, quorum_share=quorum_share)
        schedule_generate(actor=actor, system=system, year=year)
    return system


def period_bounds(cadence: str, year: int) -> list[tuple[datetime.date, datetime.date]]:
    step = CADENCE_MONTHS[cadence]
    out = []
    for start_month in range(1, 13, step):
        end_month = start_month + step - 1
        out.append((datetime.date(year, start_month, 1),
                    datetime.date(year, end_month, calendar.monthrange(year, end_month)[1])))
    return out


def _period_rows(system: MeetingSystem, year: int) -> list[MeetingPeriod]:
    return [MeetingPeriod(system=system, unit_path=system.unit_path, year=year, index=i + 1, starts_on=s, ends_on=e)
            for i, (s, e) in enumerate(period_bounds(system.cadence, year))]


def _reschedule(system: MeetingSystem, today: datetime.date) -> None:
    """After a cadence change: periods not yet begun follow the new cadence; begun ones are kept."""
    years = set(MeetingPeriod.objects.filter(system=system, year__gte=today.year).values_list("year", flat=True))
    MeetingPeriod.objects.filter(system=system, year__gte=today.year, status=PeriodStatus.OPEN,
                                 starts_on__gt=today).delete()
    rows = []
    for year in sorted(years):
        kept = list(MeetingPeriod.objects.filter(system=system, year=year))
        last_end = max((p.ends_on for p in kept), default=datetime.date(year, 1, 1) - datetime.timedelta(days=1))
        index = max((p.index for p in kept), default=0)
        for p in _period_rows(system, year):
            if p.starts_on > last_end:
                index += 1
                p.index = index
                rows.append(p)
    MeetingPeriod.objects.bulk_create(rows)


def schedule_generate(*, actor, system: MeetingSystem, year: int) -> int:
    """Generate the year's periods of a system (idempotent: existing periods are kept)."""
    require_scope(actor, system.unit_path, "write")
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("The year is out of range."), field="year")
    with transaction.atomic():
        existing = set(MeetingPeriod.objects.filter(system=system, year=year).values_list("index", flat=True))
        rows = [p for p in _period_rows(system, year) if p.index not in existing]
        MeetingPeriod.objects.bulk_create(rows)
        audit_record(actor=actor, action="meeting_system.schedule", obj=system,
                     changes={"year": year, "periods": len(rows)})
    return len(rows)


def systems_schedule_year(*, systems: list[MeetingSystem], year: int) -> list[MeetingSystem]:
    """The system's own action (sweep): generate a year's periods for systems that have none yet."""
    with transaction.atomic():
        have = set(MeetingPeriod.objects.filter(system__in=systems, year=year).values_list("system_id", flat=True))
        todo = [s for s in systems if s.pk not in have]
        MeetingPeriod.objects.bulk_create([p for s in todo for p in _period_rows(s, year)], batch_size=2000)
        if todo:
            audit_record(actor=None, action="meeting_system.schedule_year", object_type="meetings.meetingsystem",
                         unit_path=min((s.unit_path for s in todo), key=len), changes={"year": year,
                                                                                      "systems": len(todo)})
    return todo


def systems_bulk_setup(*, actor, units: list[Unit], years: list[int], members_per_unit: dict[int, list[str]],
                       note: str = "") -> list[MeetingSystem]:
    """Set up default systems with members and this year's schedule for many units (demo, imports)."""
    for unit in units:
        require_scope(actor, unit.path, "structure")
        _validate_system(unit, DEFAULT_CADENCE[unit.kind], 0.5)
    with transaction.atomic():
        systems = [MeetingSystem(unit=u, unit_path=u.path, level=u.kind, cadence=DEFAULT_CADENCE[u.kind],
                                 name=default_system_name(u)) for u in units]
        MeetingSystem.objects.bulk_create(systems, batch_size=1000)
        if not systems or systems[0].pk is None:  # backends without RETURNING
            by_unit = {s.unit_id: s for s in MeetingSystem.objects.filter(unit__in=units, active=True)}
            systems = [by_unit[u.pk] for u in units]
        SystemMember.objects.bulk_create(
            [SystemMember(system=s, unit_path=s.unit_path, name=name)
             for s in systems for name in members_per_unit.get(s.unit_id, [])], batch_size=2000)
        MeetingPeriod.objects.bulk_create([p for s in systems for y in years for p in _period_rows(s, y)],
                                          batch_size=2000)
        audit_record(actor=actor, action="meeting_system.bulk_setup", object_type="meetings.meetingsystem",
                     unit_path=min((u.path for u in units), key=len) if units else "",
                     changes={"count": len(units), "years": years, "note": note})
    return systems


def _check_ref(meeting_unit: Unit, ref_type: str, ref_id: str):
    if not ref_type:
        return
    if ref_type not in AGENDA_REF_TYPES:
        raise ValidationFailed(_("An agenda item links to a case, a need, a project or a key task, not “%(t)s”.")
                               % {"t": ref_type}, field="agenda")
    try:
        model = apps.get_model(ref_type)
    except (LookupError, ValueError):
        raise ValidationFailed(_("Records of type “%(t)s” are not available yet.") % {"t": ref_type},
                               field="agenda") from None
    obj = model.objects.filter(pk=ref_id).values("unit_path").first() if str(ref_id).isdigit() else None
    # The linked record must sit in the meeting unit's area (or above it: a city task on a community agenda).
    if obj is None or not (obj["unit_path"].startswith(meeting_unit.path) or meeting_unit.path.startswith(
            obj["unit_path"])):
        raise ValidationFailed(_("The linked record %(t)s #%(id)s does not exist in this unit's area.")
                               % {"t": ref_type, "id": ref_id}, field="agenda")


def due_on(system: MeetingSystem, day: datetime.date) -> tuple[object | None, list]:
    """Who is due at a meeting of `system` on `day`: the roster of the unit's big committee in office that day
    (the street's 大工委, the community's 大党委), else the system's own members (city and county meetings).
    Returns (committee or None, members)."""
    committee = big_committee_in_office(system.unit_id, day) if system.level in ("street", "community") else None
    if committee is not None:
        return committee, list(roster_on(committee, day))
    return None, list(SystemMember.objects.filter(system=system, active=True).order_by("id"))


def meeting_record(*, actor, system: MeetingSystem, held_on: datetime.date, title: str, minutes: str = "",
                   agenda: list[dict] | None = None, present_member_ids: list[int] | None = None,
                   deputies: dict[int, str] | None = None, leader_contact_point_ids: list[int] | None = None,
                   today: datetime.date | None = None) -> Meeting:
    """Record a held meeting. Those due come from `due_on` (the big committee's roster when one is in office):
    `present_member_ids` came in person, `deputies` ({member id: deputy's name}) sent a deputy, the rest were
    absent; a deputy counts toward the quorum. The meeting fills its period (held on time) when quorate and
    inside the period."""
    require_scope(actor, system.unit_path, "write")
    today = today or timezone.localdate()
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("A meeting needs a title."), field="title")
    if held_on > today:
        raise ValidationFailed(_("A meeting cannot be recorded before it is held."), field="held_on")
    unit = Unit.objects.get(pk=system.unit_id)
    agenda = agenda or []
    for item in agenda:
        if not (item.get("title") or "").strip():
            raise ValidationFailed(_("Every agenda item needs a title."), field="agenda")
        _check_ref(unit, item.get("ref_type") or "", str(item.get("ref_id") or ""))
    committee, due = due_on(system, held_on)
    members = {m.pk: m for m in due}
    present = set(present_member_ids or [])
    deputies = {int(k): (v or "").strip() for k, v in (deputies or {}).items()}
    if present - set(members) or set(deputies) - set(members):
        raise ValidationFailed(_("Some people marked present are not due at this meeting (not on the roster "
                                 "on the day it was held)."), field="present_member_ids")
    if present & set(deputies):
        raise ValidationFailed(_("A member either came or sent a deputy, not both."), field="deputies")
    if any(not name or len(name) > 60 for name in deputies.values()):
        raise ValidationFailed(_("Give the deputy's name (at most 60 characters)."), field="deputies")
    points = {c.pk: c for c in ContactPoint.objects.filter(pk__in=leader_contact_point_ids or [], active=True)}
    if len(points) != len(set(leader_contact_point_ids or [])) or any(
            c.unit_id != unit.pk for c in points.values()):
        raise ValidationFailed(_("A higher leader attends at one of their contact points: this unit."),
                               field="leader_contact_point_ids")
    attending = len(present) + len(deputies)
    quorate = bool(members) and attending / len(members) >= system.quorum_share - 1e-9
    member_field = "roster_member" if committee is not None else "member"
    with transaction.atomic():
        meeting = Meeting.objects.create(
            system=system, unit=unit, unit_path=system.unit_path, held_on=held_on, title=title, minutes=minutes,
            member_count=len(members), present_count=attending, quorate=quorate,
            created_by=actor if getattr(actor, "pk", None) else None)
        AgendaItem.objects.bulk_create([
            AgendaItem(meeting=meeting, unit_path=meeting.unit_path, order=i, title=item["title"].strip(),
                       ref_type=item.get("ref_type") or "", ref_id=str(item.get("ref_id") or ""))
            for i, item in enumerate(agenda)])
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, unit_path=meeting.unit_path, name=m.name, **{member_field: m},
                        present=m.pk in present or m.pk in deputies, deputy=deputies.get(m.pk, ""))
             for m in members.values()]
            + [Attendance(meeting=meeting, unit_path=meeting.unit_path, contact_point=c, name=c.leader_name)
               for c in points.values()])
        period = _fill_period(system, meeting)
        # The notice that called this meeting (same system, same day) now compares answers with attendance.
        MeetingNotice.objects.filter(system=system, planned_on=held_on, meeting__isnull=True).update(meeting=meeting)
        _tell_minutes(meeting, [m.person_id for m in members.values() if m.person_id])
        audit_record(actor=actor, action="meeting.record", obj=meeting,
                     changes={"held_on": held_on, "present": len(present), "deputies": len(deputies),
                              "members": len(members), "committee": committee.pk if committee else None,
                              "quorate": quorate, "period": period.pk if period else None})
    return meeting


def _tell_minutes(meeting: Meeting, person_ids: list[int]) -> None:
    """The minutes reach the unit's desk and the members of the joint meeting who have an account."""
    users = list(get_user_model().objects.filter(person_id__in=person_ids, is_active=True).values_list("id", flat=True))
    notify(Message(kind="meeting.minutes", unit_path=meeting.unit_path, user_ids=users,
                   subject_type="meetings.meeting", subject_id=str(meeting.pk), subject_label=meeting.title[:80],
                   link=reverse("meetings:meeting", args=[meeting.pk]), key=f"meeting.minutes:{meeting.pk}",
                   text=_("Minutes of the joint meeting “%(title)s” (%(date)s) are recorded.") % {
                       "title": meeting.title, "date": meeting.held_on.isoformat()}))


def _fill_period(system, meeting):
    period = (MeetingPeriod.objects.select_for_update()
              .filter(system=system, starts_on__lte=meeting.held_on, ends_on__gte=meeting.held_on).first())
    if period is None or not meeting.quorate or period.status == PeriodStatus.HELD:
        return period
    period.status, period.meeting = PeriodStatus.HELD, meeting
    period.save(update_fields=["status", "meeting"])
    cards_resolve(kinds=["meeting_due", "meeting_missed"], subject_type="meetings.meetingperiod",
                         subject_ids=[period.pk])
    return period


def resolution_add(*, actor, meeting: Meeting, text: str, actions: list[dict]) -> Resolution:
    """A resolution and its action items: [{"title", "owner_name", "deadline", "owner_unit": Unit|None}]."""
    require_scope(actor, meeting.unit_path, "write")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("A resolution needs its text."), field="text")
    for a in actions:
        if not (a.get("title") or "").strip() or not (a.get("owner_name") or "").strip():
            raise ValidationFailed(_("Every action item needs a title and an owner."), field="actions")
        if not isinstance(a.get("deadline"), datetime.date):
            raise ValidationFailed(_("Every action item needs a deadline."), field="actions")
        if a["deadline"] < meeting.held_on:
            raise ValidationFailed(_("An action item's deadline cannot be before the meeting."), field="actions")
        owner_unit = a.get("owner_unit")
        if owner_unit is not None and not owner_unit.path.startswith(meeting.unit_path):
            raise ValidationFailed(_("An action item's owner unit must be in the meeting unit's area."),
                                   field="actions")
    with transaction.atomic():
        resolution = Resolution.objects.create(meeting=meeting, unit_path=meeting.unit_path, text=text)
        ActionItem.objects.bulk_create([
            ActionItem(resolution=resolution, unit_path=(a.get("owner_unit").path if a.get("owner_unit")
                                                         else meeting.unit_path),
                       title=a["title"].strip(), owner_name=a["owner_name"].strip(), owner_unit=a.get("owner_unit"),
                       deadline=a["deadline"]) for a in actions])
        audit_record(actor=actor, action="meeting.resolution_add", obj=resolution,
                     changes={"meeting": meeting.pk, "actions": len(actions)})
    return resolution


def action_items_add(*, actor, unit: Unit, source_type: str, source_id, actions: list[dict],
                     start: datetime.date) -> list[ActionItem]:
    """Follow-up actions of another record's decision (a deliberation: source_type "consult.matter"), the
    same kind of item as a resolution's: [{"title", "owner_name", "deadline", "owner_unit": Unit|None}].
    Each item sits on its owner unit (or `unit`), so the sweep's overdue cards land there."""
    require_scope(actor, unit.path, "write")
    if not actions:
        return []
    for a in actions:
        if not (a.get("title") or "").strip():
            raise ValidationFailed(_("Every action item needs a title and an owner."), field="actions")
        if not (a.get("owner_name") or "").strip():
            raise ValidationFailed(_("Every action item needs a title and an owner."), field="actions")
        if not isinstance(a.get("deadline"), datetime.date):
            raise ValidationFailed(_("Every action item needs a deadline."), field="actions")
        if a["deadline"] < start:
            raise ValidationFailed(_("An action item's deadline cannot be before the meeting."), field="actions")
        owner_unit = a.get("owner_unit")
        if owner_unit is not None and not owner_unit.path.startswith(unit.path):
            raise ValidationFailed(_("An action item's owner unit must be in the meeting unit's area."),
                                   field="actions")
    with transaction.atomic():
        items = ActionItem.objects.bulk_create([
            ActionItem(unit_path=(a.get("owner_unit") or unit).path, owner_unit=a.get("owner_unit") or unit,
                       source_type=source_type, source_id=str(source_id), title=a["title"].strip()[:200],
                       owner_name=a["owner_name"].strip()[:60], deadline=a["deadline"]) for a in actions])
        audit_record(actor=actor, action="action_item.bulk_add", object_type="meetings.actionitem",
                     unit_path=unit.path, changes={"source": f"{source_type}:{source_id}", "count": len(items)})
    return items


def action_item_complete(*, actor, item: ActionItem, note: str = "",
                         today: datetime.date | None = None) -> ActionItem:
    require_scope(actor, item.unit_path, "write")
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().get(pk=item.pk)
        if item.status == ActionStatus.DONE:
            raise Conflict(_("This action item is already done."))
        item.status, item.done_on, item.done_note = ActionStatus.DONE, today or timezone.localdate(), note.strip()
        item.save(update_fields=["status", "done_on", "done_note"])
        cards_resolve(kinds=["action_overdue"], subject_type="meetings.actionitem", subject_ids=[item.pk])
        audit_record(actor=actor, action="action_item.complete", obj=item, changes={"done_on": item.done_on})
    return item


def contact_point_create(*, actor, leader_name: str, leader_unit: Unit, unit: Unit, leader=None) -> ContactPoint:
    require_scope(actor, leader_unit.path, "structure")
    if not (leader_name or "").strip():
        raise ValidationFailed(_("A contact point needs the leader's name."), field="leader_name")
    if unit.pk == leader_unit.pk or not unit.path.startswith(leader_unit.path):
        raise ValidationFailed(_("A leader's contact point is a unit below the leader's own unit."), field="unit")
    if unit.kind not in MEETING_LEVELS:
        raise ValidationFailed(_("Contact points are counties, streets or communities."), field="unit")
    with transaction.atomic():
        point = ContactPoint.objects.create(leader_name=leader_name.strip(), leader=leader, leader_unit=leader_unit,
                                            unit=unit, unit_path=unit.path)
        audit_record(actor=actor, action="contact_point.create", obj=point,
                     changes={"leader_unit": leader_unit.code, "unit": unit.code})
    return point


def meetings_bulk_record(*, actor, rows: list[dict], note: str = "", today: datetime.date | None = None) -> int:
    """Record many held meetings at once (demo, imports); one audit event. Each row: {"system", "held_on",
    "title", "minutes", "present": [SystemMember], "absent": [SystemMember], "leaders": [ContactPoint],
    "agenda": [title], "resolution": (text, [action dicts]) or None}. Fills periods like `meeting_record`."""
    today = today or timezone.localdate()
    for r in rows:
        require_scope(actor, r["system"].unit_path, "write")
        if r["held_on"] > today or not (r.get("title") or "").strip():
            raise ValidationFailed(_("A meeting needs a title and cannot be recorded before it is held."))
        if any(c.unit_id != r["system"].unit_id for c in r.get("leaders", [])):
            raise ValidationFailed(_("A higher leader attends at one of their contact points: this unit."))
    with transaction.atomic():
        meetings = []
        for r in rows:
            s = r["system"]
            n = len(r["present"]) + len(r.get("absent", []))
            meetings.append(Meeting(system_id=s.pk, unit_id=s.unit_id, unit_path=s.unit_path, held_on=r["held_on"],
                                    title=r["title"].strip(), minutes=r.get("minutes", ""), member_count=n,
                                    present_count=len(r["present"]),
                                    quorate=bool(n) and len(r["present"]) / n >= s.quorum_share - 1e-9))
        Meeting.objects.bulk_create(meetings, batch_size=1000)
        agenda, attendance, resolutions, actions = [], [], [], []
        for m, r in zip(meetings, rows, strict=True):
            mid, path = m.pk, m.unit_path
            agenda += [AgendaItem(meeting_id=mid, unit_path=path, order=i, title=t)
                       for i, t in enumerate(r.get("agenda", []))]
            attendance += [Attendance(meeting_id=mid, unit_path=path, name=p.name, present=True, **_who(p))
                           for p in r["present"]]
            attendance += [Attendance(meeting_id=mid, unit_path=path, name=p.name, present=False, **_who(p))
                           for p in r.get("absent", [])]
            attendance += [Attendance(meeting_id=mid, unit_path=path, contact_point_id=c.pk, name=c.leader_name)
                           for c in r.get("leaders", [])]
            if r.get("resolution"):
                text, acts = r["resolution"]
                res = Resolution(meeting_id=mid, unit_path=path, text=text)
                resolutions.append(res)
                for a in acts:
                    if a["deadline"] < m.held_on:
                        raise ValidationFailed(_("An action item's deadline cannot be before the meeting."))
                    actions.append((res, a))
        AgendaItem.objects.bulk_create(agenda, batch_size=2000)
        Attendance.objects.bulk_create(attendance, batch_size=2000)
        Resolution.objects.bulk_create(resolutions, batch_size=1000)
        ActionItem.objects.bulk_create([
            ActionItem(resolution_id=res.pk, unit_path=res.unit_path, title=a["title"], owner_name=a["owner_name"],
                       deadline=a["deadline"], status=a.get("status", ActionStatus.OPEN), done_on=a.get("done_on"))
            for res, a in actions], batch_size=2000)
        # Fill the periods: the first quorate meeting inside each open period (one UPDATE).
        first = (Meeting.objects.filter(system_id=OuterRef("system_id"), quorate=True,
                                        held_on__gte=OuterRef("starts_on"), held_on__lte=OuterRef("ends_on"))
                 .order_by("held_on", "id").values("id")[:1])
        open_periods = MeetingPeriod.objects.filter(system__in={r["system"].pk for r in rows},
                                                    status=PeriodStatus.OPEN)
        filled = open_periods.filter(Exists(first)).update(status=PeriodStatus.HELD, meeting=Subquery(first))
        audit_record(actor=actor, action="meeting.bulk_record", object_type="meetings.meeting",
                     unit_path=min((m.unit_path for m in meetings), key=len) if meetings else "",
                     changes={"meetings": len(meetings), "periods_held": filled, "actions": len(actions),
                              "note": note})
    return len(meetings)


def _who(member) -> dict:
    """The attendance row's link: a big committee's roster member or a system member."""
    if isinstance(member, PartTimeMember):
        return {"roster_member_id": member.pk}
    return {"member_id": member.pk}


def contact_points_bulk_create(*, actor, points: list[ContactPoint], note: str = "") -> list[ContactPoint]:
    for p in points:
        require_scope(actor, p.leader_unit.path, "structure")
        if p.unit_id == p.leader_unit.pk or not p.unit.path.startswith(p.leader_unit.path):
            raise ValidationFailed(_("A leader's contact point is a unit below the leader's own unit."), field="unit")
        p.unit_path = p.unit.path
    with transaction.atomic():
        ContactPoint.objects.bulk_create(points)
        audit_record(actor=actor, action="contact_point.bulk_create", object_type="meetings.contactpoint",
                     changes={"count": len(points), "note": note})
    return points


def meeting_invite(*, actor, system: MeetingSystem, planned_on: datetime.date, title: str, place: str = "",
                   today: datetime.date | None = None) -> MeetingNotice:
    """Call a joint meeting ahead of its day: invite everyone due that day (`due_on`: the big committee's roster
    while one is in office, else the system's members), one invitation row each, and tell each invitee with an
    account through core notifications (key "meeting.invite:<invitation>:<round>", so a retried task sends
    nothing twice). The invitee answers on their phone (`invitation_reply`)."""
    require_scope(actor, system.unit_path, "write")
    today = today or timezone.localdate()
    title, place = (title or "").strip(), (place or "").strip()
    if not title:
        raise ValidationFailed(_("A meeting needs a title."), field="title")
    if len(title) > 160 or len(place) > 120:
        raise ValidationFailed(_("The title has at most 160 characters and the place at most 120."), field="title")
    if planned_on < today:
        raise ValidationFailed(_("Invitations are sent for a meeting still to come."), field="planned_on")
    _committee, due = due_on(system, planned_on)
    if not due:
        raise ValidationFailed(_("Nobody is due at this meeting on that day: set up the roster first."),
                               field="planned_on")
    persons = {m.person_id for m in due if m.person_id}
    accounts = dict(get_user_model().objects.filter(person_id__in=persons, is_active=True)
                    .values_list("person_id", "id"))
    now = timezone.now()
    with transaction.atomic():
        notice = MeetingNotice.objects.create(system=system, unit_path=system.unit_path, planned_on=planned_on,
                                              title=title, place=place,
                                              created_by=actor if getattr(actor, "pk", None) else None)
        field = "roster_member" if isinstance(due[0], PartTimeMember) else "member"
        invitations = Invitation.objects.bulk_create([
            Invitation(notice=notice, unit_path=notice.unit_path, name=m.name, **{field: m},
                       user_id=accounts.get(m.person_id), invited_at=now) for m in due])
        if invitations and invitations[0].pk is None:  # backends without RETURNING
            invitations = list(Invitation.objects.filter(notice=notice).order_by("id"))
        sent = _tell_invitees(notice, invitations)
        audit_record(actor=actor, action="meeting.invite", obj=notice,
                     changes={"system": system.pk, "planned_on": planned_on, "invited": len(invitations),
                              "told": sent})
    return notice


def meeting_reinvite(*, actor, notice: MeetingNotice, today: datetime.date | None = None) -> int:
    """Invite again those who have not answered yet (the answered are left alone); returns how many."""
    require_scope(actor, notice.unit_path, "write")
    today = today or timezone.localdate()
    if notice.planned_on < today or notice.meeting_id:
        raise Conflict(_("This meeting has taken place: nobody can be invited to it any more."))
    with transaction.atomic():
        notice = MeetingNotice.objects.select_for_update().get(pk=notice.pk)
        pending = list(Invitation.objects.filter(notice=notice, status=InvitationStatus.INVITED).order_by("id"))
        if not pending:
            raise Conflict(_("Everyone invited has answered."))
        notice.rounds += 1
        notice.save(update_fields=["rounds"])
        Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(
            invited_at=timezone.now(), times_invited=F("times_invited") + 1)
        sent = _tell_invitees(notice, pending)
        audit_record(actor=actor, action="meeting.reinvite", obj=notice,
                     changes={"round": notice.rounds, "invited": len(pending), "told": sent})
    return len(pending)


def _tell_invitees(notice: MeetingNotice, invitations: list[Invitation]) -> int:
    text = _("You are invited to the joint meeting “%(title)s” on %(date)s%(place)s. Please answer whether you "
             "will attend.") % {"title": notice.title, "date": notice.planned_on.isoformat(),
                                "place": (_(" at %(place)s") % {"place": notice.place}) if notice.place else ""}
    msgs = [Message(kind="meeting.invite", text=text, subject=notice.title[:60], user_ids=[inv.user_id],
                    subject_type="meetings.invitation", subject_id=str(inv.pk), subject_label=notice.title[:80],
                    link=reverse("meetings:invitation", args=[inv.pk]),
                    key=f"meeting.invite:{inv.pk}:{notice.rounds}")
            for inv in invitations if inv.user_id]
    notify_many(msgs)
    return len(msgs)


def invitation_reply(*, actor, invitation: Invitation, accept: bool, note: str = "",
                     today: datetime.date | None = None) -> Invitation:
    """The invitee answers their own invitation (anyone else: not found). The answer may change until the
    meeting's day; the row changes only from the state it was read in, so two taps cannot both win."""
    if actor is None or not getattr(actor, "pk", None) or invitation.user_id != actor.pk:
        raise NotFound()
    today = today or timezone.localdate()
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationFailed(_("The note has at most 200 characters."), field="note")
    notice = invitation.notice
    if notice.planned_on < today or notice.meeting_id:
        raise Conflict(_("This meeting has taken place: the answer can no longer change."))
    status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    with transaction.atomic():
        changed = Invitation.objects.filter(pk=invitation.pk, status=invitation.status).update(
            status=status, note=note, answered_at=timezone.now())
        if not changed:
            raise Conflict(_("The invitation was answered meanwhile; reload the page."))
        old = invitation.status
        invitation.refresh_from_db()
        audit_record(actor=actor, action="invitation.reply", obj=invitation,
                     changes={"status": [old, status], "notice": notice.pk})
    return invitation
