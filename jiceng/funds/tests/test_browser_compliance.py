"""In Chromium: the cockpit shows the three funds figures live; a street below 800,000 appears on its
county's compliance table, gets a reminder letter from the page, and leaves the table (the letter
resolved, the cockpit back to every street) when its budget is raised on the budgets page."""

import datetime

import pytest
from django.utils import timezone

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = timezone.localdate().year


def _figure(page, key: str) -> str:
    return page.inner_text(f'.figure[data-key="{key}"] .value').strip()


def test_a_short_street_is_reminded_and_leaves_the_table_when_raised_and_the_cockpit_follows(page):
    from jiceng.funds import selectors, services
    from jiceng.funds.models import ReminderLetter

    city = build_city()
    types = {t.code: t for t in selectors.fund_types()}
    for street in (city.street, city.street2):
        services.budget_set(actor=None, unit=street, year=YEAR, fund_type=types["street_running"], source="county",
                            amount="800000")
    for community in (city.community, city.community2):
        for code in ("community_work", "community_service"):
            services.budget_set(actor=None, unit=community, year=YEAR, fund_type=types[code], source="street",
                                amount="100000")
    project = services.livelihood_project_create(actor=None, unit=city.community, title="加装路灯",
                                                 estimated_cost="20000")
    project = services.livelihood_feasibility(actor=None, project=project, feasible=True, note="可行")
    services.livelihood_choose(actor=None, project=project, chosen_by="joint_meeting", on=timezone.localdate())

    browser_login(page, "city_admin", "pass-city_admin")
    page.goto(f"/cockpit/?unit={city.city.code}")
    assert _figure(page, "streets_running_funds_compliant") == "2"
    assert _figure(page, "communities_funds_compliant") == "2"
    assert _figure(page, "livelihood_projects_year") == "1"

    # The county cuts street S1's running funds to 700,000: the cockpit shows it at once.
    services.budget_set(actor=None, unit=city.street, year=YEAR, fund_type=types["street_running"], source="county",
                        amount="700000")
    page.reload()
    assert _figure(page, "streets_running_funds_compliant") == "1"

    # The county's compliance table lists the street and its shortfall; the city sends a reminder letter.
    page.goto(f"/funds/compliance/?unit={city.county.code}&year={YEAR}")
    table = page.inner_text("#compliance")
    assert city.street.name in table and "100000" in table and city.street2.name not in table
    page.fill("#id_deadline", (timezone.localdate() + datetime.timedelta(days=20)).isoformat())
    page.click("form:has(#id_deadline) button[type=submit]")
    page.wait_for_url(f"**/funds/compliance/?unit={city.county.code}**")
    letter = ReminderLetter.objects.get()
    assert letter.unit_id == city.county.pk and letter.resolved_at is None and letter.shortfalls == 1
    assert letter.title in page.content()

    # The street's budget is raised on the budgets page: it leaves the table and the letter is resolved.
    page.goto(f"/funds/budgets/?unit={city.street.code}&year={YEAR}")
    page.fill("#id_unit", city.street.code)
    page.select_option("#id_fund_type", "street_running")
    page.select_option("#id_source", "county")
    page.fill("#id_amount", "800000")
    with page.expect_navigation():
        page.click("form:has(#id_amount) button[type=submit]")
    assert "800000" in page.inner_text("table.list")
    page.goto(f"/funds/compliance/?unit={city.county.code}&year={YEAR}")
    assert city.street.name not in page.inner_text("#compliance")
    letter.refresh_from_db()
    assert letter.resolved_at is not None
    page.goto(f"/cockpit/?unit={city.city.code}")
    assert _figure(page, "streets_running_funds_compliant") == "2"
    assert page.outside_requests == []
