"""The figures of a unit are kept for JICENG_COCKPIT_CACHE_SECONDS (issue 17: the cockpit's cost must not
grow with the number of people and wall displays looking at it)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiceng.cockpit.registry import compute_figures


@pytest.mark.django_db
def test_a_units_figures_are_computed_once_per_period(city, settings):
    settings.JICENG_COCKPIT_CACHE_SECONDS = 60
    cache.clear()
    first = compute_figures(city.city)
    with CaptureQueriesContext(connection) as again:
        assert compute_figures(city.city) == first
    assert len(again.captured_queries) == 1  # the newest write's number: nothing recomputed
    with CaptureQueriesContext(connection) as other:
        compute_figures(city.street)
    assert len(other.captured_queries) > 0  # another unit has figures of its own
    cache.clear()


@pytest.mark.django_db
def test_without_a_period_every_call_computes(city, settings):
    settings.JICENG_COCKPIT_CACHE_SECONDS = 0
    compute_figures(city.city)
    with CaptureQueriesContext(connection) as again:
        compute_figures(city.city)
    assert len(again.captured_queries) > 0


@pytest.mark.django_db
def test_a_write_shows_at_the_next_look_in_every_process(city, settings):
    """The key carries the newest audit event's number: a write anywhere (any process) is seen at once."""
    from jiceng.people import services

    settings.JICENG_COCKPIT_CACHE_SECONDS = 60
    cache.clear()
    compute_figures(city.community)
    with CaptureQueriesContext(connection) as cached:
        compute_figures(city.community)
    assert len(cached.captured_queries) == 1
    services.person_create(actor=None, household=city.household, name="新居民", gender="F")
    with CaptureQueriesContext(connection) as fresh:
        compute_figures(city.community)
    assert len(fresh.captured_queries) > 1  # recomputed after the write
    cache.clear()

