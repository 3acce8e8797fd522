"""Writes for deliberation on record (D2): open a matter (from a dispute, a compound problem, a case
reported up or a joint meeting's resolution), invite the parties, record sessions with attendance and
minutes and the parties' proposals, and decide. The decision's follow-up actions are joint-meeting action
items (`meetings.services.action_items_add`), and a decision on a matter opened from a case closes that
case through the case workflow (`cases.services.case_act`)."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.consult.models.deliberation import (
    DecisionMethod,
    Matter,
    MatterDecision,
    MatterKind,
    MatterParty,
    MatterProposal,
    MatterSession,
    MatterStatus,
    PartyKind,
    SessionAttendance,
)
from jiceng.consult.models.stakeholders import OwnersCommittee, PropertyCompany
from jiceng.core.audit import audit_record
from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.core.notify import Message, notify
from jiceng.core.scope import require_scope
from jiceng.core.text import checked_text
from jiceng.orgs.models import Unit

MATTER_UNIT_KINDS = ("community", "compound")
MAX_DAYS_TO_DECIDE = 366
# The case workflow, step by step from each open status to closed (a settled dispute closes its case).
SETTLE_STEPS = {"received": "register", "registered": "dispatch", "dispatched": "start", "rework": "start",
                "suspended": "resume", "in_progress": "handle", "handled": "verify", "verified": "close"}


def _require_open(matter: Matter):
    if matter.status != MatterStatus.OPEN:
        raise Conflict(_("This matter has been decided."), code="matter_decided")


def _party_row(matter_unit: Unit, p: dict) -> MatterParty:
    kind = p.get("kind")
    if kind not in PartyKind.values:
        raise ValidationFailed(_("Unknown kind of party."), field="parties")
    oc, company = p.get("owners_committee"), p.get("property_company")
    if kind == PartyKind.OWNERS_COMMITTEE:
        if not isinstance(oc, OwnersCommittee) or not oc.unit_path.startswith(matter_unit.path):
            raise ValidationFailed(_("Invite an owners' committee of this area."), field="parties")
        name = oc.name
    elif kind == PartyKind.PROPERTY_COMPANY:
        if not isinstance(company, PropertyCompany) or not company.services.filter(
                active=True, unit_path__startswith=matter_unit.path).exists():
            raise ValidationFailed(_("Invite a property company that serves this area."), field="parties")
        name = company.name
    else:
        oc = company = None
        name = checked_text(p.get("name"), "parties", 120)
    return MatterParty(kind=kind, name=name, owners_committee=oc if kind == PartyKind.OWNERS_COMMITTEE else None,
                       property_company=company if kind == PartyKind.PROPERTY_COMPANY else None)


def matter_open(*, actor, unit: Unit, kind: str, title: str, decide_by: datetime.date, description: str = "",
                case=None, resolution=None, parties: list[dict] | None = None,
                today: datetime.date | None = None) -> Matter:
    """Open a matter for consultation by a community or a compound (its branch). A case must lie in the
    unit's area and still be open; a resolution must be of a joint meeting of this unit or above it.
    parties: [{"kind", "name", "owners_committee", "property_company"}]."""
    today = today or timezone.localdate()
    if unit.kind not in MATTER_UNIT_KINDS:
        raise ValidationFailed(_("A matter is opened by a community or a compound branch."), field="unit")
    require_scope(actor, unit.path, "write")
    if kind not in MatterKind.values:
        raise ValidationFailed(_("Unknown kind of matter."), field="kind")
    title = checked_text(title, "title", 160)
    description = checked_text(description, "description", 4000, required=False)
    if not isinstance(decide_by, datetime.date) or not today <= decide_by <= today + datetime.timedelta(
            days=MAX_DAYS_TO_DECIDE):
        raise ValidationFailed(_("The date to decide by is from today to a year ahead."), field="decide_by")
    if kind == MatterKind.CASE:
        if case is None:
            raise ValidationFailed(_("Choose the case this matter comes from."), field="case")
        require_scope(actor, case.unit_path, "read")  # 404 for a case outside the actor's area
        if not case.unit_path.startswith(unit.path):
            raise ValidationFailed(_("Case %(code)s is not in this unit's area.") % {"code": case.code}, field="case")
        if case.status not in SETTLE_STEPS:
            raise ValidationFailed(_("Case %(code)s is no longer open.") % {"code": case.code}, field="case")
        if Matter.objects.filter(case=case, status=MatterStatus.OPEN).exists():
            raise Conflict(_("Case %(code)s is under deliberation already.") % {"code": case.code})
    elif case is not None:
        raise ValidationFailed(_("Only a matter of kind “case reported up” links a case."), field="case")
    if kind == MatterKind.RESOLUTION:
        if resolution is None:
            raise ValidationFailed(_("Choose the joint meeting resolution this matter comes from."),
                                   field="resolution")
        if not (unit.path.startswith(resolution.unit_path) or resolution.unit_path.startswith(unit.path)):
            raise ValidationFailed(_("This resolution is of a joint meeting outside this unit's area."),
                                   field="resolution")
    elif resolution is not None:
        raise ValidationFailed(_("Only a matter of kind “joint meeting resolution” links a resolution."),
                               field="resolution")
    rows = [_party_row(unit, p) for p in parties or []]
    with transaction.atomic():
        matter = Matter.objects.create(unit=unit, unit_path=unit.path, kind=kind, title=title,
                                       description=description, case=case, resolution=resolution,
                                       opened_on=today, decide_by=decide_by,
                                       opened_by=actor if getattr(actor, "pk", None) else None)
        for r in rows:
            r.matter, r.unit_path = matter, matter.unit_path
        MatterParty.objects.bulk_create(rows)
        notify(Message(kind="consult.matter", unit_path=matter.unit_path, subject_type="consult.matter",
                       subject_id=str(matter.pk), subject_label=matter.title[:80],
                       link=reverse("consult:matter", args=[matter.pk]), key=f"consult.matter.open:{matter.pk}",
                       text=_("Matter “%(title)s” is open for deliberation; decide by %(by)s.") % {
                           "title": matter.title, "by": decide_by.isoformat()}))
        audit_record(actor=actor, action="matter.open", obj=matter,
                     changes={"kind": kind, "case": case.code if case else None,
                              "resolution": resolution.pk if resolution else None, "parties": len(rows)})
    return matter


def party_invite(*, actor, matter: Matter, kind: str, name: str = "", owners_committee=None,
                 property_company=None) -> MatterParty:
    require_scope(actor, matter.unit_path, "write")
    _require_open(matter)
    row = _party_row(matter.unit, {"kind": kind, "name": name, "owners_committee": owners_committee,
                                   "property_company": property_company})
    with transaction.atomic():
        row.matter, row.unit_path = matter, matter.unit_path
        row.save()
        audit_record(actor=actor, action="matter.invite", obj=matter, changes={"party": kind})
    return row


def session_record(*, actor, matter: Matter, held_on: datetime.date, minutes: str, attendance: list[dict],
                   today: datetime.date | None = None) -> MatterSession:
    """A held session: its minutes and who attended for which invited party
    (attendance: [{"party": MatterParty, "name": str, "person": Person | None}])."""
    require_scope(actor, matter.unit_path, "write")
    _require_open(matter)
    today = today or timezone.localdate()
    if not isinstance(held_on, datetime.date) or held_on > today:
        raise ValidationFailed(_("A session cannot be recorded before it is held."), field="held_on")
    if held_on < matter.opened_on:
        raise ValidationFailed(_("A session is held after the matter is opened."), field="held_on")
    minutes = checked_text(minutes, "minutes", 20000)
    parties = {p.pk: p for p in matter.parties.all()}
    if not attendance:
        raise ValidationFailed(_("Record who attended for the invited parties."), field="attendance")
    for a in attendance:
        party = a.get("party")
        if party is None or party.pk not in parties:
            raise ValidationFailed(_("Attendance is recorded for the invited parties only."), field="attendance")
        checked_text(a.get("name"), "attendance", 60)
    with transaction.atomic():
        session = MatterSession.objects.create(matter=matter, unit_path=matter.unit_path, held_on=held_on,
                                               minutes=minutes,
                                               created_by=actor if getattr(actor, "pk", None) else None)
        SessionAttendance.objects.bulk_create([
            SessionAttendance(session=session, unit_path=matter.unit_path, party=a["party"],
                              name=a["name"].strip(), person=a.get("person")) for a in attendance])
        audit_record(actor=actor, action="matter.session", obj=matter,
                     changes={"held_on": held_on, "attendance": len(attendance)})
    return session


def proposal_add(*, actor, matter: Matter, party: MatterParty, text: str) -> MatterProposal:
    require_scope(actor, matter.unit_path, "write")
    _require_open(matter)
    if party.matter_id != matter.pk:
        raise ValidationFailed(_("A proposal comes from one of the invited parties."), field="party")
    text = checked_text(text, "text", 4000)
    with transaction.atomic():
        row = MatterProposal.objects.create(matter=matter, unit_path=matter.unit_path, party=party, text=text)
        audit_record(actor=actor, action="matter.proposal", obj=matter, changes={"party": party.pk})
    return row


def _settle_case(actor, case, text: str):
    """Walk the case through its workflow to closed, each step a workflow action of the actor."""
    from jiceng.cases import services as cases

    comment = _("Settled by deliberation: %(text)s") % {"text": text}
    for _step in range(len(SETTLE_STEPS) + 1):
        case.refresh_from_db()
        action = SETTLE_STEPS.get(case.status)
        if action is None:
            return case
        case = cases.case_act(actor=actor, case=case, action=action, version=None, comment=comment[:2000])
    return case


def matter_decide(*, actor, matter: Matter, session: MatterSession | None, method: str, text: str,
                  votes: tuple[int, int, int] | None = None, public: bool = False, actions: list[dict] | None = None,
                  today: datetime.date | None = None) -> MatterDecision:
    """Decide a matter at one of its sessions, by consensus or by a recorded vote (for, against,
    abstaining; carried by more for than against), with follow-up actions
    ([{"title", "owner_name", "deadline", "owner_unit"}]). A matter from a case closes the case."""
    from jiceng.meetings.services import action_items_add

    require_scope(actor, matter.unit_path, "write")
    _require_open(matter)
    today = today or timezone.localdate()
    if session is None or session.matter_id != matter.pk:
        raise ValidationFailed(_("A decision is taken at a session of this matter: record the session first."),
                               field="session")
    if method not in DecisionMethod.values:
        raise ValidationFailed(_("Decide by consensus or by a vote."), field="method")
    text = checked_text(text, "text", 4000)
    if method == DecisionMethod.VOTE:
        if votes is None or len(votes) != 3 or any(not isinstance(v, int) or v < 0 or v > 999 for v in votes):
            raise ValidationFailed(_("Record the votes for, against and abstaining."), field="votes")
        if votes[0] <= votes[1]:
            raise ValidationFailed(_("The vote did not carry: more votes against than for."), field="votes")
    else:
        votes = None
    for a in actions or []:
        if not (a.get("owner_name") or "").strip():
            raise ValidationFailed(_("Every follow-up action needs an owner."), field="actions")
    with transaction.atomic():
        if Matter.objects.filter(pk=matter.pk, status=MatterStatus.OPEN).update(status=MatterStatus.DECIDED) != 1:
            raise Conflict(_("This matter has been decided."), code="matter_decided")
        decision = MatterDecision.objects.create(
            matter=matter, unit_path=matter.unit_path, session=session, method=method, text=text, public=bool(public),
            votes_for=votes[0] if votes else None, votes_against=votes[1] if votes else None,
            abstentions=votes[2] if votes else None, decided_on=today)
        action_items_add(actor=actor, unit=matter.unit, source_type="consult.matter", source_id=matter.pk,
                         actions=actions or [], start=session.held_on)
        closed = None
        if matter.case_id:
            closed = _settle_case(actor, matter.case, text).code
        matter.status = MatterStatus.DECIDED
        audit_record(actor=actor, action="matter.decide", obj=matter,
                     changes={"method": method, "actions": len(actions or []), "case_closed": closed,
                              "public": bool(public)})
    return decision
