"""The demo city's communities are graded as a real city's are: mostly B and A, some C, not all A."""

import collections

import pytest
from django.utils import timezone

from jiceng.cases import measures
from jiceng.demo.runner import DemoContext, build_demo_city
from jiceng.orgs.models import Unit

pytestmark = pytest.mark.django_db


def test_demo_community_grades_spread_like_a_real_city():
    build_demo_city(DemoContext(quiet=True, scale=0.03), only={"orgs", "cases"})
    today = timezone.localdate()
    start = today.replace(year=today.year - 1)
    grades = collections.Counter()
    for street in Unit.objects.filter(kind="street"):
        children = Unit.objects.filter(parent=street, kind="community")
        for m in measures.children_measures(street, children, start, today).values():
            grades[m.grade] += 1
    total = sum(grades.values())
    assert total >= 10
    assert grades["A"] < 0.5 * total  # not every unit an A
    assert grades["B"] >= 0.25 * total  # B is common
    assert grades["A"] + grades["B"] >= 0.6 * total  # mostly A and B
    assert grades["C"] + grades["D"] + grades["E"] >= 1  # and some below
