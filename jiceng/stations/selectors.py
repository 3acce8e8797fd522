"""Reads of service positions, always within the user's scope (public reads only of the public fields)."""

from django.db.models import Prefetch

from jiceng.core.errors import NotFound
from jiceng.core.scope import scope_filter, scoped_get, subtree_q
from jiceng.stations.models import Amenity, OpeningHours, PositionPhoto, ServicePosition


def _with_details(qs):
    return qs.select_related("unit").prefetch_related(
        Prefetch("amenities", queryset=Amenity.objects.order_by("sort", "code")),
        Prefetch("hours", queryset=OpeningHours.objects.order_by("day", "opens")))


def positions_in_scope(*, user, unit=None, level: str | None = None, state: str | None = None):
    qs = scope_filter(ServicePosition.objects.all(), user, "unit_path")
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "unit_path"))
    if level:
        qs = qs.filter(level=level)
    if state:
        qs = qs.filter(state=state)
    return _with_details(qs).order_by("level", "unit_path", "id")


def position_get(*, user, pk: int) -> ServicePosition:
    """The access helper: 404 for unknown ids and for positions outside the user's area."""
    return scoped_get(_with_details(ServicePosition.objects.all()), user=user, pk=pk)


def position_public(*, pk: int) -> ServicePosition:
    """A position for its public page (every position is public, except what the page leaves out)."""
    position = _with_details(ServicePosition.objects.all()).filter(pk=pk).first()
    if position is None:
        raise NotFound()
    return position


def photo_get(*, user, pk: int) -> PositionPhoto:
    return scoped_get(PositionPhoto.objects.select_related("position"), user=user, pk=pk)


def amenities_active():
    return list(Amenity.objects.filter(active=True).order_by("sort", "code"))


def hours_rows(position) -> list:
    return [(h.day, h.opens, h.closes) for h in position.hours.all()]
