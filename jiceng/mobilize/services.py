"""Writes for double registration (C1), the three lists (C2) and activities with service hours (C3).

Wartime calls (C4) are in `jiceng.mobilize.calls`.
"""

import datetime
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import crypto
from jiceng.core.audit import audit_record
from jiceng.core.bulk import adapt, insert_rows, reserve_ids
from jiceng.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from jiceng.core.excel import Column, RowErrors, Table, Text, append_row, workbook_bytes
from jiceng.core.geo.distance import distance_m
from jiceng.core.pii import id_birth_date, id_gender, validate_id_number, validate_phone
from jiceng.core.scope import require_scope, require_scope_all, user_can
from jiceng.mobilize.models import (
    Activity,
    ActivityKind,
    AgencyRegistration,
    Blackout,
    Category,
    MatchedProject,
    Member,
    Need,
    ProjectEvaluation,
    ProjectStage,
    RegistrationStatus,
    Resource,
    Signup,
    Skill,
    Urgency,
)
from jiceng.orgs.models import Unit, UnitKind
from jiceng.people.models import PartyMembership, Person
from jiceng.people.selectors import people_in_scope_with_id_hash_in
from jiceng.people.services import people_bulk_create, pii_columns

CHECK_IN_RADIUS_M = 200


# --- small shared rules ---------------------------------------------------------------------------


def skill_bits() -> dict[str, int]:
    return {s.code: s.bit for s in Skill.objects.filter(active=True)}


def skills_mask(codes, *, field: str = "skills", bits: dict | None = None) -> int:
    """Bit mask of skill codes; an unknown code is a clear validation error."""
    bits = skill_bits() if bits is None else bits
    mask = 0
    for code in codes or []:
        code = str(code).strip()
        if not code:
            continue
        if code not in bits:
            raise ValidationFailed(_("Unknown skill “%(skill)s”. Known skills: %(known)s.")
                                   % {"skill": code, "known": ", ".join(sorted(bits))}, field=field)
        mask |= 1 << bits[code]
    return mask


def skills_codes(mask: int, bits: dict | None = None) -> list[str]:
    bits = skill_bits() if bits is None else bits
    return [code for code, bit in sorted(bits.items(), key=lambda kv: kv[1]) if mask & (1 << bit)]


def community_resolve(code: str, *, field: str = "community") -> Unit:
    """A community of this city by its code; anything else is a clear validation error."""
    unit = Unit.objects.filter(code=(code or "").strip()).first()
    if unit is None or unit.kind != UnitKind.COMMUNITY:
        raise ValidationFailed(_("“%(code)s” is not a community of this city.") % {"code": code}, field=field)
    return unit


def validate_weekly(weekly: str | None) -> str:
    if weekly is None or weekly == "":
        return "1" * 168
    if len(weekly) != 168 or set(weekly) - {"0", "1"}:
        raise ValidationFailed(_("Weekly availability has 168 hours, each 0 or 1 (Monday 00:00 first)."),
                               field="weekly")
    return weekly


def weekly_from_ranges(ranges) -> str:
    """[(weekday 0=Monday, from hour, to hour), …] → the 168-hour string."""
    hours = ["0"] * 168
    for day, start, end in ranges:
        if not (0 <= day <= 6 and 0 <= start < end <= 24):
            raise ValidationFailed(_("An availability range is a weekday 0–6 and hours 0–24, ending after it starts."),
                                   field="weekly")
        for h in range(start, end):
            hours[day * 24 + h] = "1"
    return "".join(hours)


def place_of(unit_path: str) -> tuple[float | None, float | None]:
    """The deepest located unit on a path (household → … → community): the member's home point."""
    codes = [c for c in unit_path.split("/") if c]
    rows = Unit.objects.filter(code__in=codes, lat__isnull=False).values_list("path", "lat", "lng")
    best = max(rows, key=lambda r: len(r[0]), default=None)
    return (best[1], best[2]) if best else (None, None)


def _is_self(actor, person_id) -> bool:
    return actor is not None and getattr(actor, "person_id", None) is not None and actor.person_id == person_id


def _lives_under(actor, path: str) -> bool:
    person = getattr(actor, "person", None) if actor is not None else None
    return person is not None and person.unit_path.startswith(path)


# --- C1: agencies ---------------------------------------------------------------------------------


def agency_register(*, actor, community: Unit, name: str, agreement_start: datetime.date,
                    agreement_end: datetime.date, commitments: str, party_org=None) -> AgencyRegistration:
    require_scope(actor, community.path, "write")
    if community.kind != UnitKind.COMMUNITY:
        raise ValidationFailed(_("Agencies register with a community."), field="community")
    name, commitments = (name or "").strip(), (commitments or "").strip()
    if not name:
        raise ValidationFailed(_("The agency party organization needs a name."), field="name")
    if not commitments:
        raise ValidationFailed(_("A co-building agreement lists the agency's commitments."), field="commitments")
    if agreement_end <= agreement_start:
        raise ValidationFailed(_("The agreement must end after it starts."), field="agreement_end")
    with transaction.atomic():
        if AgencyRegistration.objects.filter(community=community, name=name).exists():
            raise Conflict(_("This agency is already registered with this community."), field="name")
        reg = AgencyRegistration.objects.create(
            name=name, party_org=party_org, community=community, unit_path=community.path,
            agreement_start=agreement_start, agreement_end=agreement_end, commitments=commitments)
        audit_record(actor=actor, action="agency.register", obj=reg,
                     changes={"name": name, "community": community.code,
                              "term": [agreement_start, agreement_end]})
    return reg


def _registration_confirm(*, actor, registration, action: str):
    """The community confirms a pending registration (an agency's or a member's), exactly once."""
    require_scope(actor, registration.unit_path, "write")
    with transaction.atomic():
        n = type(registration).objects.filter(pk=registration.pk, status=RegistrationStatus.PENDING).update(
            status=RegistrationStatus.CONFIRMED, confirmed_at=timezone.now())
        if not n:
            raise Conflict(_("This registration is not waiting for confirmation."))
        audit_record(actor=actor, action=action, obj=registration)
    registration.refresh_from_db()
    return registration


def agency_confirm(*, actor, agency: AgencyRegistration) -> AgencyRegistration:
    return _registration_confirm(actor=actor, registration=agency, action="agency.confirm")


def agencies_bulk_create(*, actor, agencies: list[AgencyRegistration], note: str = "") -> int:
    if not agencies:
        return 0
    for a in agencies:
        if a.agreement_end <= a.agreement_start or not a.name or not a.commitments:
            raise ValidationFailed(_("Every agency needs a name, commitments and a term that ends after it starts."))
        a.unit_path = a.community.path
    with transaction.atomic():
        AgencyRegistration.objects.bulk_create(agencies, batch_size=2000)
        audit_record(actor=actor, action="agency.bulk_register", object_type="mobilize.agencyregistration",
                     unit_path=min({a.unit_path for a in agencies}, key=len),
                     changes={"count": len(agencies), "note": note})
    return len(agencies)


# --- C1: in-service members -----------------------------------------------------------------------


def member_register(*, actor, community: Unit, employer: str, skills=(), weekly: str | None = None,
                    blackouts=(), person=None, agency: AgencyRegistration | None = None) -> Member:
    """Register an in-service member with the community they live in; the community confirms later.

    A member registers themselves (their account's person) or a community worker registers them.
    """
    if community.kind != UnitKind.COMMUNITY:
        raise ValidationFailed(_("“%(code)s” is not a community of this city.") % {"code": community.code},
                               field="community")
    if person is None:
        person = getattr(actor, "person", None) if actor is not None else None
        if person is None:
            raise ValidationFailed(_("Say who registers: your account has no person record."), field="person")
    if not _is_self(actor, person.pk):
        require_scope(actor, community.path, "write")
    employer = (employer or "").strip()
    if not employer:
        raise ValidationFailed(_("Name the employer organization."), field="employer")
    mask = skills_mask(skills)
    weekly = validate_weekly(weekly)
    blackouts = list(blackouts or [])
    for start, end in blackouts:
        if end < start:
            raise ValidationFailed(_("A blackout period must end on or after its first day."), field="blackouts")
    membership = PartyMembership.objects.filter(person=person).first()
    lat, lng = place_of(person.unit_path if person.unit_path.startswith(community.path) else community.path)
    with transaction.atomic():
        if Member.objects.filter(person=person).exists():
            raise Conflict(_("This member is already registered with a community."), field="person")
        try:
            with transaction.atomic():
                member = Member.objects.create(
                    person=person, membership=membership, name=person.name, community=community,
                    unit_path=community.path, employer=employer, agency=agency, skills=mask, weekly=weekly,
                    lat=lat, lng=lng)
        except IntegrityError:
            raise Conflict(_("This member is already registered with a community."), field="person") from None
        Blackout.objects.bulk_create([Blackout(member=member, start=s, end=e) for s, e in blackouts])
        audit_record(actor=actor, action="member.register", obj=member,
                     changes={"community": community.code, "employer": employer, "skills": mask,
                              "blackouts": len(blackouts)})
    return member


def member_enrol(*, actor, community: Unit, name: str, id_number: str, phone: str = "", employer: str = "",
                 skills=(), agency: AgencyRegistration | None = None) -> Member:
    """A community worker registers an in-service member on the page: the person is found by identity
    number among the people the worker may see, or recorded as a non-resident of the community (as an
    employer's upload does); then `member_register`. The registration waits for confirmation."""
    require_scope(actor, community.path, "write")
    if community.kind != UnitKind.COMMUNITY:
        raise ValidationFailed(_("“%(code)s” is not a community of this city.") % {"code": community.code},
                               field="community")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A member needs a name."), field="name")
    norm_id = validate_id_number(id_number)
    norm_phone = validate_phone(phone) if phone else ""
    if agency is not None and not community.path.startswith("/".join(agency.unit_path.split("/")[:-2]) + "/"):
        raise ValidationFailed(_("The agency is registered in another street."), field="agency")
    employer = (employer or "").strip() or (agency.name if agency is not None else "")
    with transaction.atomic():
        person = (people_in_scope_with_id_hash_in(user=actor, hashes=[crypto.lookup_hash(norm_id)])
                  .order_by("id").first())
        if person is None:
            person = Person(name=name, gender=id_gender(norm_id), birth_date=id_birth_date(norm_id),
                            unit_path=community.path, is_resident=False,
                            **pii_columns(id_number=norm_id, phone=norm_phone))
            people_bulk_create(actor=actor, people=[person], note="member registration")
        return member_register(actor=actor, community=community, employer=employer, skills=skills,
                               person=person, agency=agency)


def member_confirm(*, actor, member: Member) -> Member:
    return _registration_confirm(actor=actor, registration=member, action="member.confirm")


def _adapter(model, field_name: str):
    """`adapt` for one column, remembering each distinct value (demo rows share a few timestamps)."""
    cache: dict = {}

    def conv(value):
        try:
            return cache[value]
        except KeyError:
            out = cache[value] = adapt(model, field_name, value)
            return out

    return conv


MEMBER_FIELDS = ["id", "person", "membership", "name", "community", "unit_path", "employer", "agency", "skills",
                 "weekly", "lat", "lng", "status", "confirmed_at", "created_at"]
MEMBER_ROW_KEYS = ("person_id", "membership_id", "name", "community_id", "unit_path", "employer", "agency_id",
                   "skills", "weekly", "lat", "lng", "status", "confirmed_at")


def members_bulk_create(*, actor, members: list[Member], note: str = "") -> int:
    """Insert validated member rows (demo city, uploads) in one transaction; one audit event.
    The objects get their ids (their own if every one brings one, else reserved)."""
    rows = [{k: getattr(m, k) for k in MEMBER_ROW_KEYS} for m in members]
    given = [m.pk for m in members]
    ids = members_bulk_insert(actor=actor, rows=rows, note=note, ids=given if members and all(given) else None)
    for pk, m in zip(ids, members, strict=True):
        m.pk = pk
        m._state.adding, m._state.db = False, "default"
    return len(members)


def members_bulk_insert(*, actor, rows: list[dict], note: str = "", ids: list[int] | None = None) -> list[int]:
    """The fast path of `members_bulk_create` for plain rows (dicts with MEMBER_ROW_KEYS; `unit_path`
    is the community's path): validated, one transaction, one audit event, no model instances.
    Returns the new ids in row order."""
    if not rows:
        return []
    paths = {r["unit_path"] for r in rows}
    require_scope_all(actor, paths, "write")
    statuses = set(RegistrationStatus.values)
    for r in rows:
        validate_weekly(r["weekly"])
        if r["status"] not in statuses:
            raise ValidationFailed(_("Unknown registration status."), field="status")
    if len({r["person_id"] for r in rows}) != len(rows):
        raise Conflict(_("Some of these people are already registered."), field="person")
    now = adapt(Member, "created_at", timezone.now())
    confirmed_at = _adapter(Member, "confirmed_at")
    with transaction.atomic():
        try:
            with transaction.atomic():
                ids = list(ids) if ids else reserve_ids(Member, len(rows))
                insert_rows(Member, MEMBER_FIELDS, (
                    (pk, r["person_id"], r["membership_id"], r["name"], r["community_id"], r["unit_path"],
                     r["employer"], r["agency_id"], r["skills"], r["weekly"], r["lat"], r["lng"], r["status"],
                     confirmed_at(r["confirmed_at"]), now)
                    for pk, r in zip(ids, rows, strict=True)))
        except IntegrityError:
            raise Conflict(_("Some of these people are already registered."), field="person") from None
        audit_record(actor=actor, action="member.bulk_register", object_type="mobilize.member",
                     unit_path=min(paths, key=len), changes={"count": len(rows), "note": note})
    return ids


# The members' sheet (H5's one table helper): read by the upload, written by the members export.
MEMBER_SHEET = Table([
    Column("name", "姓名", Text(60), required=True),
    Column("id_number", "身份证号", Text(30), required=True),
    Column("phone", "电话", Text(30), default=""),
    Column("community", "社区代码", Text(32), required=True, get="community.code"),
    Column("skills", "技能", Text(500), default=""),
    Column("employer", "工作单位", Text(120), default=""),
], title="在职党员")


def members_upload(*, actor, data, agency: AgencyRegistration | None = None, within: Unit | None = None) -> int:
    """An employer's Excel list of members: all rows or none, with every row's problems listed.

    Columns (first row is the header, zh-Hans or the keys): 姓名 name, 身份证号 id_number, 电话 phone,
    社区代码 community (home community code), 技能 skills (codes separated by commas), 工作单位 employer
    (defaults to the agency's name). `within`: the communities must lie under this unit.
    """
    rows = MEMBER_SHEET.parse(data)  # size, unpacked size and rows checked before parsing
    bits = skill_bits()
    communities = {u.code: u for u in Unit.objects.filter(kind=UnitKind.COMMUNITY)}
    errors, parsed, seen = RowErrors(), [], set()
    for n, row in rows:
        name, code = row["name"], row["community"]
        try:
            norm_id = validate_id_number(row["id_number"])
            norm_phone = validate_phone(row["phone"]) if row["phone"] else ""
            community = communities.get(code)
            if community is None or (within is not None and not community.path.startswith(within.path)):
                raise ValidationFailed(_("“%(code)s” is not a community of this city.") % {"code": code},
                                       field="community")
            if actor is not None and not user_can(actor, community.path, "write"):
                raise ValidationFailed(_("The community %(code)s is outside your area.") % {"code": code},
                                       field="community")
            mask = skills_mask(row["skills"].replace("，", ",").split(","), bits=bits)
            employer = row["employer"] or (agency.name if agency else "")
            if not employer:
                raise ValidationFailed(_("Name the employer organization."), field="employer")
            if norm_id in seen:
                raise ValidationFailed(_("This identity number appears twice in the file."), field="id_number")
            seen.add(norm_id)
            parsed.append((n, name, norm_id, norm_phone, community, mask, employer))
        except ValidationFailed as exc:
            errors.add(n, MEMBER_SHEET.header(exc.field or "") or "姓名", exc.message)
    hashes = {crypto.lookup_hash(p[2]): p for p in parsed}
    # Only people the uploader may read are matched (issue 10, item 6): a number registered outside the
    # uploader's area is treated as unknown, so the upload neither confirms it nor attaches that
    # record's real name; a new record is made for the member in their community.
    existing = {}
    for p in people_in_scope_with_id_hash_in(user=actor, hashes=list(hashes)).order_by("id"):
        existing.setdefault(p.id_number_hash, p)
    registered = set(Member.objects.filter(person__in=list(existing.values())).values_list("person_id", flat=True))
    for h, p in hashes.items():
        if h in existing and existing[h].pk in registered:
            errors.add(p[0], "身份证号", _("This member is already registered with a community."))
    errors.errors.sort(key=lambda e: e["row"])
    errors.raise_if_any()
    with transaction.atomic():
        new_people = {}
        for h, (_n, name, norm_id, norm_phone, community, _mask, _emp) in hashes.items():
            if h not in existing:
                new_people[h] = Person(name=name, gender=id_gender(norm_id), birth_date=id_birth_date(norm_id),
                                       unit_path=community.path, is_resident=False,
                                       **pii_columns(id_number=norm_id, phone=norm_phone))
        people_bulk_create(actor=None, people=list(new_people.values()), note="member upload")
        by_hash = {**existing, **new_people}
        memberships = dict(PartyMembership.objects.filter(person__in=list(existing.values()))
                           .values_list("person_id", "pk"))
        members = []
        for h, (_n, _name, _id, _ph, community, mask, employer) in hashes.items():
            person = by_hash[h]
            lat, lng = place_of(person.unit_path if person.unit_path.startswith(community.path) else community.path)
            members.append(Member(person=person, membership_id=memberships.get(person.pk), name=person.name,
                                  community=community, unit_path=community.path, employer=employer,
                                  agency=agency, skills=mask, lat=lat, lng=lng))
        members_bulk_create(actor=actor, members=members, note="employer upload")
    return len(members)


# --- C2: the three lists --------------------------------------------------------------------------


def _check_dates(start, end, field):
    if end < start:
        raise ValidationFailed(_("The period must end on or after its first day."), field=field)


def _may_add_to_list(actor, community: Unit):
    if _lives_under(actor, community.path) and user_can(actor, actor.person.unit_path, "read"):
        return
    require_scope(actor, community.path, "write")


def _entry_checked(community: Unit, title: str, category: str, *, not_community: str, no_title: str) -> str:
    """What a need and a resource both check: listed with a community, a title (returned stripped), a known
    category."""
    if community.kind != UnitKind.COMMUNITY:
        raise ValidationFailed(not_community, field="community")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(no_title, field="title")
    if category not in Category.values:
        raise ValidationFailed(_("Unknown category “%(c)s”.") % {"c": category}, field="category")
    return title


def need_create(*, actor, community: Unit, title: str, category: str, source: str = "community", place: str = "",
                lat=None, lng=None, urgency: int = Urgency.NORMAL, wanted_from: datetime.date,
                wanted_to: datetime.date, quantity: int = 1) -> Need:
    """A need from a resident (of the community) or from the community itself."""
    _may_add_to_list(actor, community)
    title = _entry_checked(community, title, category, not_community=_("Needs are listed by a community."),
                           no_title=_("Say what is needed."))
    if source not in ("resident", "community"):
        raise ValidationFailed(_("A need comes from a resident or from the community."), field="source")
    if urgency not in Urgency.values:
        raise ValidationFailed(_("Urgency is 1 (low), 2 (normal) or 3 (high)."), field="urgency")
    if quantity < 1:
        raise ValidationFailed(_("The quantity is at least 1."), field="quantity")
    _check_dates(wanted_from, wanted_to, "wanted_to")
    if lat is None:
        lat, lng = community.lat, community.lng
    with transaction.atomic():
        need = Need.objects.create(community=community, unit_path=community.path, title=title, category=category,
                                   source=source, place=place, lat=lat, lng=lng, urgency=urgency,
                                   wanted_from=wanted_from, wanted_to=wanted_to, quantity=quantity)
        audit_record(actor=actor, action="need.create", obj=need, changes={"category": category, "title": title})
    return need


def resource_create(*, actor, community: Unit, title: str, category: str, available_from: datetime.date,
                    available_to: datetime.date, capacity: int = 1, agency=None, member=None,
                    lat=None, lng=None) -> Resource:
    if member is not None and _is_self(actor, member.person_id):
        pass
    else:
        require_scope(actor, community.path, "write")
    title = _entry_checked(community, title, category, not_community=_("Resources are listed with a community."),
                           no_title=_("Say what is offered."))
    if capacity < 1:
        raise ValidationFailed(_("The amount offered is at least 1."), field="capacity")
    _check_dates(available_from, available_to, "available_to")
    if lat is None:
        src = member or agency
        lat, lng = (src.lat, src.lng) if member is not None else (community.lat, community.lng)
    with transaction.atomic():
        res = Resource.objects.create(community=community, unit_path=community.path, title=title, category=category,
                                      agency=agency, member=member, lat=lat, lng=lng, capacity=capacity,
                                      available_from=available_from, available_to=available_to)
        audit_record(actor=actor, action="resource.create", obj=res, changes={"category": category, "title": title})
    return res


MATCH_RADIUS_M = 10_000


def match_score(need: Need, res: Resource) -> dict:
    """Score parts in 0..1 and their weighted total (category 0.4, distance 0.3, time 0.2, capacity 0.1)."""
    category = 1.0 if res.category == need.category else 0.0
    if None in (need.lat, need.lng, res.lat, res.lng):
        metres, near = None, 0.5
    else:
        metres = distance_m(need.lat, need.lng, res.lat, res.lng)
        near = max(0.0, 1.0 - metres / MATCH_RADIUS_M)
    lo, hi = max(need.wanted_from, res.available_from), min(need.wanted_to, res.available_to)
    wanted_days = (need.wanted_to - need.wanted_from).days + 1
    overlap = max(0, (hi - lo).days + 1) / wanted_days
    capacity = min(1.0, res.capacity / need.quantity)
    total = 0.4 * category + 0.3 * near + 0.2 * overlap + 0.1 * capacity
    return {"score": round(total, 4), "category": category, "distance_m": None if metres is None
            else round(metres), "time_overlap": round(overlap, 4), "capacity": round(capacity, 4)}


def project_create(*, actor, need: Need, resources: list[Resource], title: str = "") -> MatchedProject:
    require_scope(actor, need.unit_path, "write")
    if not resources:
        raise ValidationFailed(_("A project matches a need with at least one resource."), field="resources")
    street_path = "/".join(need.unit_path.split("/")[:-2]) + "/"
    for r in resources:
        if not r.unit_path.startswith(street_path):
            raise ValidationFailed(_("Resources come from the need's street."), field="resources")
    with transaction.atomic():
        project = MatchedProject.objects.create(need=need, unit_path=need.unit_path, title=(title or need.title).strip(),
                                         set_at=timezone.now())
        project.resources.set(resources)
        audit_record(actor=actor, action="project.set", obj=project,
                     changes={"need": need.pk, "resources": [r.pk for r in resources]})
    return project


def project_check(*, actor, project: MatchedProject, note: str) -> MatchedProject:
    require_scope(actor, project.unit_path, "write")
    if not (note or "").strip():
        raise ValidationFailed(_("Say what the check found."), field="note")
    with transaction.atomic():
        n = MatchedProject.objects.filter(pk=project.pk, stage=ProjectStage.SET).update(
            stage=ProjectStage.CHECKED, check_note=note.strip(), checked_at=timezone.now())
        if not n:
            raise Conflict(_("Only a project that is set can be checked."))
        audit_record(actor=actor, action="project.check", obj=project)
    project.refresh_from_db()
    return project


def project_evaluate(*, actor, project: MatchedProject, score: int, comment: str = "") -> ProjectEvaluation:
    """A resident served by the project evaluates it (1–5); the project's score is the residents' mean."""
    person = getattr(actor, "person", None)
    if person is None or not person.unit_path.startswith(project.unit_path):
        require_scope(actor, project.unit_path, "read")
        raise Forbidden(_("Only residents of the community evaluate its projects."))
    return _evaluation_add(actor=actor, project=project, person=person, score=score, comment=comment,
                           twice=_("You have already evaluated this project."))


def project_evaluation_record(*, actor, project: MatchedProject, id_number: str, score: int,
                              comment: str = "") -> ProjectEvaluation:
    """A community worker records the evaluation a resident gave on a visit or a paper form: the resident
    is found by identity number among the people of the project's community that the worker may see."""
    require_scope(actor, project.unit_path, "write")
    norm_id = validate_id_number(id_number)
    person = (people_in_scope_with_id_hash_in(user=actor, hashes=[crypto.lookup_hash(norm_id)])
              .filter(unit_path__startswith=project.unit_path).order_by("id").first())
    if person is None:
        raise ValidationFailed(_("No resident of this community has this identity number."), field="id_number")
    return _evaluation_add(actor=actor, project=project, person=person, score=score, comment=comment,
                           twice=_("This resident has already evaluated this project."))


def _evaluation_add(*, actor, project: MatchedProject, person, score: int, comment: str,
                    twice: str) -> ProjectEvaluation:
    if not 1 <= int(score) <= 5:
        raise ValidationFailed(_("The score is 1 to 5."), field="score")
    with transaction.atomic():
        project = MatchedProject.objects.select_for_update().get(pk=project.pk)
        if project.stage == ProjectStage.SET:
            raise Conflict(_("A project is evaluated after it has been checked."))
        try:
            with transaction.atomic():
                ev = ProjectEvaluation.objects.create(project=project, person=person, score=score,
                                                      comment=(comment or "")[:300])
        except IntegrityError:
            raise Conflict(twice) from None
        scores = list(project.evaluations.values_list("score", flat=True))
        project.score = sum(scores) / len(scores)
        project.stage, project.evaluated_at = ProjectStage.EVALUATED, timezone.now()
        project.save(update_fields=["score", "stage", "evaluated_at"])
        audit_record(actor=actor, action="project.evaluate", obj=project, changes={"score": score})
    return ev


# --- C3: activities and hours ---------------------------------------------------------------------


def activity_create(*, actor, community: Unit, kind: str, title: str, starts_at, ends_at, capacity: int,
                    lat=None, lng=None) -> Activity:
    require_scope(actor, community.path, "write")
    if kind not in ActivityKind.values:
        raise ValidationFailed(_("Unknown activity kind “%(k)s”.") % {"k": kind}, field="kind")
    if not (title or "").strip():
        raise ValidationFailed(_("An activity needs a title."), field="title")
    if ends_at <= starts_at:
        raise ValidationFailed(_("The activity must end after it starts."), field="ends_at")
    if capacity < 1:
        raise ValidationFailed(_("The sign-up limit is at least 1."), field="capacity")
    with transaction.atomic():
        act = Activity.objects.create(community=community, unit_path=community.path, kind=kind, title=title.strip(),
                                      starts_at=starts_at, ends_at=ends_at, capacity=capacity,
                                      lat=lat if lat is not None else community.lat,
                                      lng=lng if lng is not None else community.lng,
                                      code=f"{secrets.randbelow(10**6):06d}")
        audit_record(actor=actor, action="activity.create", obj=act, changes={"kind": kind, "capacity": capacity})
    return act


def _member_acts(actor, member: Member, path: str):
    if not _is_self(actor, member.person_id):
        require_scope(actor, path, "write")


def activity_signup(*, actor, activity: Activity, member: Member) -> Signup:
    _member_acts(actor, member, activity.unit_path)
    if member.status != RegistrationStatus.CONFIRMED:
        raise ValidationFailed(_("Only confirmed registered members sign up."), field="member")
    with transaction.atomic():
        act = Activity.objects.select_for_update().get(pk=activity.pk)
        if Signup.objects.filter(activity=act, member=member).exists():
            raise Conflict(_("Already signed up."))
        if Signup.objects.filter(activity=act).count() >= act.capacity:
            raise Conflict(_("The activity is full."), code="full")
        signup = Signup.objects.create(activity=act, member=member, unit_path=act.unit_path,
                                       year=timezone.localtime(act.starts_at).year)
        audit_record(actor=actor, action="activity.signup", obj=act, changes={"member": member.pk})
    return signup


def credited_hours(activity: Activity, checked_in_at, checked_out_at) -> Decimal:
    start = max(checked_in_at, activity.starts_at)
    end = min(checked_out_at, activity.ends_at)
    seconds = max(0.0, (end - start).total_seconds())
    return Decimal(round(seconds / 3600, 2)).quantize(Decimal("0.01"))


def _presence_ok(activity: Activity, code: str | None, lat, lng) -> None:
    if code:
        if not secrets.compare_digest(str(code).strip(), activity.code):
            raise ValidationFailed(_("The code does not match the one shown at the activity."), field="code")
        return
    if lat is not None and lng is not None and activity.lat is not None:
        if distance_m(lat, lng, activity.lat, activity.lng) <= CHECK_IN_RADIUS_M:
            return
        raise ValidationFailed(_("You are not at the activity's place."), field="location")
    raise ValidationFailed(_("Give the code shown at the activity, or your location."), field="code")


def _signup_at_activity(actor, activity: Activity, member: Member, code, lat, lng) -> Signup | None:
    """The member's sign-up, locked, once the actor may act for the member and the member is shown to be at
    the activity (its code or the place); None when the member has not signed up."""
    _member_acts(actor, member, activity.unit_path)
    _presence_ok(activity, code, lat, lng)
    return Signup.objects.select_for_update().filter(activity=activity, member=member).first()


def activity_check_in(*, actor, activity: Activity, member: Member, code: str | None = None, lat=None, lng=None,
                      now=None) -> Signup:
    now = now or timezone.now()
    with transaction.atomic():
        signup = _signup_at_activity(actor, activity, member, code, lat, lng)
        if signup is None:
            raise NotFound(_("Sign up first."))
        if signup.checked_in_at:
            raise Conflict(_("Already checked in."))
        signup.checked_in_at = now
        signup.save(update_fields=["checked_in_at"])
        audit_record(actor=actor, action="activity.check_in", obj=activity, changes={"member": member.pk})
    return signup


def activity_check_out(*, actor, activity: Activity, member: Member, code: str | None = None, lat=None, lng=None,
                       now=None) -> Signup:
    now = now or timezone.now()
    with transaction.atomic():
        signup = _signup_at_activity(actor, activity, member, code, lat, lng)
        if signup is None or not signup.checked_in_at:
            raise Conflict(_("Check in first."))
        if signup.checked_out_at:
            raise Conflict(_("Already checked out."))
        signup.checked_out_at = now
        signup.hours = credited_hours(activity, signup.checked_in_at, now)
        signup.save(update_fields=["checked_out_at", "hours"])
        audit_record(actor=actor, action="activity.check_out", obj=activity,
                     changes={"member": member.pk, "hours": signup.hours})
    return signup


SIGNUP_FIELDS = ["id", "activity", "member", "unit_path", "checked_in_at", "checked_out_at", "hours", "year"]


def signups_bulk_create(*, actor, signups: list, note: str = "") -> int:
    """Insert sign-ups with hours (demo year) in one transaction through the fast path; one audit event.

    `signups`: Signup objects or plain tuples (activity_id, member_id, unit_path, checked_in_at,
    checked_out_at, hours, year)."""
    if not signups:
        return 0
    rows = [s if isinstance(s, tuple) else (s.activity_id, s.member_id, s.unit_path, s.checked_in_at,
                                            s.checked_out_at, s.hours, s.year) for s in signups]
    for r in rows:
        if r[3] is not None and r[4] is not None and r[4] < r[3]:
            raise ValidationFailed(_("A check-out comes after the check-in."), field="checked_out_at")
    cin_db, cout_db, hours_db = (_adapter(Signup, f) for f in ("checked_in_at", "checked_out_at", "hours"))
    with transaction.atomic():
        try:
            with transaction.atomic():
                ids = reserve_ids(Signup, len(rows))
                insert_rows(Signup, SIGNUP_FIELDS, (
                    (pk, a, m, path, cin_db(cin), cout_db(cout), hours_db(hours), year)
                    for pk, (a, m, path, cin, cout, hours, year) in zip(ids, rows, strict=True)))
        except IntegrityError:
            raise Conflict(_("A member signed up twice for the same activity.")) from None
        for pk, s in zip(ids, signups, strict=True):
            if not isinstance(s, tuple):
                s.pk = pk
                s._state.adding, s._state.db = False, "default"
        audit_record(actor=actor, action="activity.bulk_signups", object_type="mobilize.signup",
                     unit_path=min({r[2] for r in rows}, key=len), changes={"count": len(rows), "note": note})
    return len(rows)


def employer_report_xlsx(*, rows, employer: str, year: int) -> bytes:
    """The yearly report to an employer party organization: its members' hours and activities."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = str(year)
    append_row(ws, [_("Employer organization"), employer, _("Year"), year])
    append_row(ws, [_("Party member"), _("Community"), _("Activities"), _("Hours"), _("Wartime shifts")])
    for r in rows:
        append_row(ws, [r["name"], r["community"], r["activities"], float(r["hours"] or 0), r["shifts"]])
    return workbook_bytes(wb)
