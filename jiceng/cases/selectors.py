"""Reads of cases, always within the user's scope."""

from types import SimpleNamespace

from django.db.models import BigIntegerField, Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from jiceng.accounts.models import Grant
from jiceng.cases.deadlines import due_state
from jiceng.cases.models import (
    CARD_KIND,
    OPEN_STATUSES,
    Case,
    CaseEvent,
    Category,
    Department,
    Open311Key,
    Status,
    Whistle,
)
from jiceng.cases.public import snap
from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.models import SupervisionCard
from jiceng.core.scope import scope_filter, scope_prefixes, scoped_get, subtree_q
from jiceng.network.geoio import display_geojson
from jiceng.orgs.models import Unit

LIST_FIELDS = ("category", "handler", "grid")
QUEUE_STATUSES = [s for s in OPEN_STATUSES if s != Status.SUSPENDED]  # = migration 0008's index condition
LIST_DEFER = ("grid__geom", "handler__geom")


def case_get(*, user, code: str) -> Case:
    """The access helper for cases: 404 for unknown codes and for cases outside the user's area."""
    case = (scope_filter(Case.objects.select_related("category", "handler", "grid"), user, "unit_path")
            .filter(code=code).first())
    if case is None:
        raise NotFound()
    return case


def cases_in_scope(*, user, unit=None, status: str | None = None, level: str | None = None,
                   open_only: bool = False, category: str | None = None):
    qs = scope_filter(Case.objects.select_related(*LIST_FIELDS).defer(*LIST_DEFER), user, "unit_path")
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "unit_path"))
    if status:
        qs = qs.filter(status__in=status.split(","))
    if open_only:  # listed, not excluded: the partial index of open cases serves it
        qs = qs.filter(status__in=OPEN_STATUSES)
    if level:
        qs = qs.filter(level=level)
    if category:
        qs = qs.filter(category__code=category)
    return qs.order_by("-received_at", "-id")


def queue_for(*, user):
    """Open cases that the user's units hold now (handler inside the user's subtrees)."""
    prefixes = scope_prefixes(user, "write")
    if not prefixes:
        return Case.objects.none()
    q = Q()
    for p in prefixes:
        q |= subtree_q(p, "handler_path")
    # The statuses listed (not excluded) as the partial index case_queue_deadline has them: the first
    # rows by deadline are an index scan that stops at the page, never a sort of the area's open cases.
    return (Case.objects.filter(q).filter(status__in=QUEUE_STATUSES)
            .select_related(*LIST_FIELDS).defer(*LIST_DEFER).order_by("deadline_at", "id"))


def supervision_board(*, user, unit=None):
    """Open supervision cards held by units in the user's area (the level above the late handler), with
    what the board shows of each case: code, category, description, the unit holding it now, its deadline
    columns (for the one deadline rule) and the unit that missed the deadline (`late_unit`)."""
    case = Case.objects.filter(pk=Cast(OuterRef("subject_id"), BigIntegerField()))
    qs = scope_filter(SupervisionCard.objects.filter(kind=CARD_KIND, resolved_at__isnull=True).select_related("unit")
                      .annotate(case_code=Subquery(case.values("code")[:1]),
                                case_category=Subquery(case.values("category__name")[:1]),
                                case_description=Subquery(case.values("description")[:1]),
                                case_handler=Subquery(case.values("handler__name")[:1]),
                                case_status=Subquery(case.values("status")[:1]),
                                case_deadline=Subquery(case.values("deadline_at")[:1]),
                                case_warn_at=Subquery(case.values("warn_at")[:1]),
                                late_unit=Subquery(Unit.objects.filter(path=KeyTextTransform("handler_path",
                                                                                              OuterRef("data")))
                                                   .values("name")[:1])), user, "unit_path")
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "unit_path"))
    return qs.order_by("raised_at")


def board_cards(cards, now) -> list:
    """Cards of `supervision_board` with their case's deadline read by the one rule (`card.due`)."""
    for card in cards:
        card.due = due_state(SimpleNamespace(status=card.case_status, deadline_at=card.case_deadline,
                                             warn_at=card.case_warn_at, overdue=True), now)
    return cards


def case_card_get(*, user, pk: int) -> SupervisionCard:
    """The access helper for a case's supervision card: 404 unknown, of another kind or outside the
    user's area (the chase service answers 403 for a role that may not supervise)."""
    return scoped_get(SupervisionCard.objects.filter(kind=CARD_KIND).select_related("unit"), user=user, pk=pk)


class QueueFilter:
    """What the desk's to-do table shows: a status (the tiles), words in the code, category, description
    or address, and an order. Validated by `DeskFilterForm`."""

    SORTS = {"deadline": ("deadline_at", "id"), "-deadline": ("-deadline_at", "-id"),
             "received": ("received_at", "id"), "-received": ("-received_at", "-id"),
             "status": ("status", "deadline_at", "id"), "category": ("category__code", "deadline_at", "id")}


def queue_filtered(*, user, status: str = "", q: str = "", sort: str = "deadline"):
    """The user's queue (`queue_for`) narrowed by status and a search, in the chosen order."""
    qs = queue_for(user=user)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(code__iexact=q) | Q(description__icontains=q) | Q(address__icontains=q)
                       | Q(category__name__icontains=q))
    return qs.order_by(*QueueFilter.SORTS.get(sort, QueueFilter.SORTS["deadline"]))


def queue_status_counts(*, user) -> dict:
    """The user's queue by status (the desk's tiles filter this same queue)."""
    qs = queue_for(user=user).order_by()
    return {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}


SYSTEM_ACTORS = {
    "auto_escalate": _("System (automatic escalation)"), "supervise": _("System (supervision)"),
    "warning": _("System (deadline warning)"), "deadline": _("System (deadline)"),
    "receive": _("Reporter"), "rate": _("Reporter"), "reopen": _("Reporter"),
}


def _person_name(user) -> str:
    if user.display_name and user.display_name != user.username:  # a login name is not a name
        return user.display_name
    person = getattr(user, "person", None)
    if person is not None and getattr(person, "name", ""):
        return person.name
    return user.get_full_name().strip()


def timeline_actor(event) -> str:
    """Who acted, as the staff case page shows it: role and name ("网格员 张三"), the role and unit when
    the account has no name (never a username), the system with what it did ("系统（自动升级）"), or the
    reporter for intake and rating without an account."""
    from jiceng.core.roles import Role  # the role labels

    user = event.actor
    if user is None:
        return str(SYSTEM_ACTORS.get(event.action, _("System")))
    grants = [g for g in user.grants.all() if g.active]
    near = [g for g in grants if event.handler_path.startswith(g.unit_path)] or grants
    grant = max(near, key=lambda g: len(g.unit_path), default=None)
    role = (str(Role(grant.role).label) if grant.role in Role.values else grant.role) if grant else ""
    name = _person_name(user)
    if role and name:
        return f"{role} {name}"
    if role:
        return f"{role} · {grant.unit.name}"
    return name or str(_("Staff"))


def case_timeline_staff(case: Case) -> list:
    """The full timeline for staff, each step with `who` (see `timeline_actor`); three queries whatever
    its length (steps, their actors with person, the actors' grants with units)."""
    events = list(case_timeline(case).select_related("actor", "actor__person")
                  .prefetch_related(Prefetch("actor__grants", queryset=Grant.objects.select_related("unit"))))
    for e in events:
        e.who = timeline_actor(e)
    return events


def departments_serving(case: Case):
    """The departments that serve the case's handling area (a unit above or inside it)."""
    ancestors = [case.handler_path[:i + 1] for i, ch in enumerate(case.handler_path) if ch == "/"]
    return Department.objects.filter(Q(unit_path__in=ancestors) | subtree_q(case.handler_path, "unit_path"))


def dispatch_units(case: Case) -> list[Unit]:
    """The units a dispatch can hand the case down to: those between its handling unit (excluded) and
    its grid (included), e.g. a community's case to the grid where it lies."""
    paths = [case.unit_path[:i + 1] for i, ch in enumerate(case.unit_path) if ch == "/"
             and i + 1 > len(case.handler_path)]
    return list(Unit.objects.filter(path__in=paths).only("id", "code", "name", "kind", "path").order_by("path"))


def dispatch_departments(case: Case) -> list[Department]:
    """The departments a dispatch can name: those serving the case's handling area, by line and name."""
    return list(departments_serving(case).order_by("business_line", "name")[:200])


def dispatch_target(case: Case, *, to_unit: str = "", to_department: int | None = None):
    """(unit, department) a dispatch names, looked up among the case's own choices (`dispatch_units`,
    `dispatch_departments`); a code or id outside them is a 422 on the field, never another area's row."""
    unit = dept = None
    if to_unit:
        unit = next((u for u in dispatch_units(case) if u.code == to_unit), None)
        if unit is None:
            raise ValidationFailed(_("Choose a unit below the handling unit, on the way to the case's grid."),
                                   field="to_unit")
    if to_department:
        dept = departments_serving(case).filter(pk=to_department).first()
        if dept is None:
            raise ValidationFailed(_("Choose a department that serves this area."), field="to_department")
    return unit, dept


def departments_for_case(case: Case, ids) -> list[Department]:
    """Departments by id among those that serve the case's handling area; an id outside them counts as
    unknown."""
    return list(departments_serving(case).filter(pk__in=set(ids)))


def open311_keys_for(*, user):
    """Open311 keys whose jurisdiction lies where the user may manage users (keys are credentials)."""
    return scope_filter(Open311Key.objects.select_related("unit"), user, "unit_path", "manage_users") \
        .order_by("-active", "-created_at", "-id")


def open311_key_get(*, user, pk: int) -> Open311Key:
    """The access helper for keys: 404 unknown or outside the user's area (403 from the service when
    the role may not manage them)."""
    return scoped_get(Open311Key.objects.select_related("unit"), user=user, pk=pk)


def public_duplicates(found: list[Case]) -> list[dict]:
    """Similar cases offered on the public phone page: published ones only, with their codes (published cases
    are on the public list with their follow page), so the resident can follow one ("same problem")."""
    out = []
    for c in found:
        if c.is_public:
            out.append({"code": c.code, "category": c.category.name, "status": c.get_status_display(),
                        "received_at": c.received_at, "point": snap(c.lat, c.lng)})
    return out


def case_timeline(case: Case, *, public_only: bool = False):
    qs = CaseEvent.objects.filter(case=case)
    if public_only:
        qs = qs.filter(public=True)
    return qs.order_by("at", "id")


def open_status_counts(*, user, unit=None) -> dict:
    """Open cases by status (the desk's actionable figures): read through the partial index of open cases."""
    qs = cases_in_scope(user=user, unit=unit, open_only=True).order_by()
    return {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}


def status_counts(*, user, unit=None) -> dict:
    qs = cases_in_scope(user=user, unit=unit).order_by()
    return {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}


def categories_leaves():
    return Category.objects.filter(active=True, parent__isnull=False).select_related("parent").order_by("code")


# The common problems shown first on the phone page, with their icons (static/cases/icons.svg).
COMMON_ICONS = {
    "E0101": "trash", "E0103": "broom", "C0102": "lamp", "C0101": "manhole", "E0401": "stall",
    "E0403": "bike", "E0502": "water", "C0402": "tree", "S0402": "lift", "S0302": "plug",
}


def category_groups(leaves) -> list[dict]:
    """The leaves grouped under their parent as the tree is (parents in code order): [{name, code,
    leaves}]. Two parents may share a name (an event and a component group), so the code tells them apart."""
    groups: dict[int, dict] = {}
    for leaf in leaves:
        parent = leaf.parent
        g = groups.setdefault(parent.pk, {"code": parent.code, "name": parent.name, "group": parent.group,
                                          "leaves": []})
        g["leaves"].append(leaf)
    return sorted(groups.values(), key=lambda g: g["code"])


def common_categories(leaves) -> list[dict]:
    """The common problems with an icon, in COMMON_ICONS order (only active leaves)."""
    by_code = {leaf.code: leaf for leaf in leaves}
    return [{"code": code, "name": by_code[code].name, "icon": icon}
            for code, icon in COMMON_ICONS.items() if code in by_code]


def home_point(user) -> tuple[float, float, int] | None:
    """Where the phone page's map opens for a signed-in user: the community holding the user's first
    grant (a resident's household, a grid worker's grid…) at street zoom, or the user's own unit when it is
    above a community; None for anonymous visitors and units without a point. One or two queries."""
    if not getattr(user, "is_authenticated", False):
        return None
    prefixes = scope_prefixes(user)
    if not prefixes:
        return None
    path = prefixes[0]
    parts = [p for p in path.split("/") if p]
    candidates = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    rows = list(Unit.objects.filter(path__in=candidates).exclude(lat=None).values_list("kind", "lat", "lng", "depth"))
    community = next((r for r in rows if r[0] == "community"), None)
    if community is not None:
        return community[1], community[2], 15
    if rows:
        kind, lat, lng, _depth = max(rows, key=lambda r: r[3])
        return lat, lng, {"street": 14, "county": 12}.get(kind, 12)
    return None


def map_outline(*, kind: str, under: str = "/", limit: int = 300) -> dict:
    """Display outlines of the units of `kind` under a path, drawn on the report forms' and desk's maps
    so that a pin can be put without a base map (intranets often have none)."""
    return display_geojson(Unit.objects.filter(kind=kind, path__startswith=under).exclude(geom=None)
                           .only("code", "name", "geom").order_by("path")[:limit])


def city_center() -> tuple[float, float] | None:
    """The city unit's point (the public report form's first map view), if it has one."""
    row = Unit.objects.filter(kind="city").exclude(lat=None).values_list("lat", "lng").first()
    return tuple(row) if row else None


def whistle_get(*, user, pk: int) -> Whistle:
    """The access helper for whistles: the called department's own user, or staff of the area; 404 else."""
    w = Whistle.objects.select_related("department", "case").filter(pk=pk).first()
    if w is None or (w.department.user_id != getattr(user, "pk", None)
                     and not scope_filter(Whistle.objects.filter(pk=pk), user, "unit_path").exists()):
        raise NotFound()
    return w


def cases_reported_by(*, user):
    """The cases a signed-in user reported, newest first (a resident's "my reports"): the user's own
    reports only, whatever the user's area."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return (Case.objects.filter(reporter=user).select_related("category", "grid").defer(*LIST_DEFER)
            .order_by("-received_at", "-id"))
