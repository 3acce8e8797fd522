"""The people app's side of the units, as orgs sees it.

Residents live in the people app, which sits above orgs in the layering (docs/architecture.md). orgs
still counts them in its tallies and shows, imports and exports them on a unit's page: it does so through
the selectors and services the people app registers here when Django starts (`PeopleConfig.ready`), so
that orgs imports nothing of people and the dependency runs one way, people -> orgs.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class PeopleSource:
    residents: Callable  # () -> queryset of resident rows, with `unit_path` and `household`
    search: Callable  # (*, user, unit) -> scope-filtered people of a unit
    importer: Callable  # (*, actor, upload) -> rows imported (an Excel upload, all or nothing)
    exporter: Callable  # (*, user, unit) -> xlsx bytes of the unit's people, masked
    # (unit) -> [{"grid", "covered", "households", "share"}]: central households' coverage per grid (A2)
    central_coverage: Callable | None = None
    non_residents: Callable | None = None  # () -> queryset of the registered people who are not residents


_source: PeopleSource | None = None


def register(source: PeopleSource) -> None:
    global _source  # noqa: PLW0603  # the one registration, made once at start-up
    _source = source


def people() -> PeopleSource:
    if _source is None:
        raise ImproperlyConfigured("jiceng.people is not installed: orgs has no residents to count.")
    return _source
