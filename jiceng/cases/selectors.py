"""Reads of cases, always within the user's scope."""

from django.db.models import BigIntegerField, Count, OuterRef, Q, Subquery
from django.db.models.functions import Cast

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
from jiceng.core.errors import NotFound
from jiceng.core.models import SupervisionCard
from jiceng.core.scope import scope_filter, scope_prefixes, scoped_get, subtree_q
from jiceng.network.geoio import display_geojson
from jiceng.orgs.models import Unit

LIST_FIELDS = ("category", "handler", "grid")
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
    return (Case.objects.filter(q).filter(status__in=OPEN_STATUSES).exclude(status=Status.SUSPENDED)
            .select_related(*LIST_FIELDS).defer(*LIST_DEFER).order_by("deadline_at", "id"))


def supervision_board(*, user, unit=None):
    """Open supervision cards held by units in the user's area (the level above the late handler)."""
    case = Case.objects.filter(pk=Cast(OuterRef("subject_id"), BigIntegerField()))
    qs = scope_filter(SupervisionCard.objects.filter(kind=CARD_KIND, resolved_at__isnull=True).select_related("unit")
                      .annotate(case_code=Subquery(case.values("code")[:1]),
                                case_category=Subquery(case.values("category__name")[:1]),
                                case_handler=Subquery(case.values("handler__name")[:1])), user, "unit_path")
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "unit_path"))
    return qs.order_by("raised_at")


def departments_serving(case: Case):
    """The departments that serve the case's handling area (a unit above or inside it)."""
    ancestors = [case.handler_path[:i + 1] for i, ch in enumerate(case.handler_path) if ch == "/"]
    return Department.objects.filter(Q(unit_path__in=ancestors) | subtree_q(case.handler_path, "unit_path"))


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
    """Similar cases offered on the public phone page: published ones only, without their codes."""
    out = []
    for c in found:
        if c.is_public:
            out.append({"category": c.category.name, "status": c.get_status_display(),
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
