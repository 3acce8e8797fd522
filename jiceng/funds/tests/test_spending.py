"""Spending beyond a budget waits for the level above; execution rates count what was approved."""

import datetime

import pytest

from jiceng.core.errors import Forbidden
from jiceng.funds import selectors, services

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_over_budget_needs_the_level_above(city, types):
    work = types["community_work"]
    services.budget_set(actor=None, unit=city.community, year=YEAR, fund_type=work, source="city", amount="1000")
    first = services.expenditure_record(actor=city.users["community_worker"], unit=city.community, fund_type=work,
                                        spent_on=datetime.date(YEAR, 1, 2), amount="800", purpose="活动")
    assert first.status == "recorded"
    second = services.expenditure_record(actor=city.users["community_worker"], unit=city.community, fund_type=work,
                                         spent_on=datetime.date(YEAR, 1, 3), amount="300", purpose="活动")
    assert second.status == "pending" and second.over_by == 100
    assert selectors.execution(city.community, YEAR)[0]["rate"] == 0.8
    with pytest.raises(Forbidden):
        services.expenditure_decide(actor=city.users["community_worker"], expenditure=second, approve=True)
    services.expenditure_decide(actor=city.users["street_official"], expenditure=second, approve=True)
    assert selectors.execution(city.community, YEAR)[0]["rate"] == 1.1


def test_execution_page_shows_the_rate(city, types, client_for):
    services.budget_set(actor=None, unit=city.community, year=YEAR, fund_type=types["community_work"],
                        source="city", amount="1000")
    services.expenditure_record(actor=None, unit=city.community, fund_type=types["community_work"],
                                spent_on=datetime.date(YEAR, 1, 2), amount="250", purpose="活动")
    page = client_for("community_worker").get(f"/funds/spending/?unit={city.community.code}")
    assert "25%" in page.content.decode()
