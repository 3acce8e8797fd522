"""The public disclosure page (居务公开) of a community: budgets, spending and projects, no personal data."""

import datetime

import pytest

from jiceng.funds import services

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_anyone_sees_budgets_spending_and_projects_without_names(city, types, client):
    services.budget_set(actor=None, unit=city.community, year=YEAR, fund_type=types["community_work"],
                        source="city", amount="120000")
    services.expenditure_record(actor=city.users["community_worker"], unit=city.community,
                                fund_type=types["community_work"], spent_on=datetime.date(YEAR, 1, 2),
                                amount="300", purpose="购买垃圾桶")
    services.livelihood_project_create(actor=None, unit=city.community, title="修补路面", estimated_cost="5000")
    r = client.get(f"/funds/public/{city.community.code}/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "120000" in body and "购买垃圾桶" in body and "修补路面" in body
    for personal in ("community_worker", "张伟", "139", "voucher"):
        assert personal not in body
    data = client.get(f"/api/v1/funds/public/{city.community.code}").json()
    assert data["spending"][0]["purpose"] == "购买垃圾桶"
    assert "recorded_by" not in str(data)


def test_only_communities_have_a_disclosure_page(city, client):
    assert client.get(f"/funds/public/{city.street.code}/").status_code == 404
    assert client.get("/api/v1/funds/public/999").status_code == 404
