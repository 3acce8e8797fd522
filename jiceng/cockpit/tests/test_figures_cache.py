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
    assert len(again.captured_queries) == 0
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
