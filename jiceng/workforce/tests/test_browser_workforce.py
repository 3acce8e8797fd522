"""In a real browser: the statistics page draws its charts; the Done-when journey (a street prepares June's
payroll, the county approves it, its bank sheet matches the pay slips to the fen; a street missing its
veterans' service station is in the gap list; a new worker moves the figure)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _city_with_workers():
    from jiceng.workforce import services
    from jiceng.workforce.tests.conftest import hire

    city = build_city()
    today = timezone.localdate()
    for year in {today.year, today.year - 1}:
        services.pay_table_set(actor=None, county=city.county, year=year, base_amount="3000.00")
    hire(1, city.community, post="principal", channel="transition", hire_date=datetime.date(2015, 1, 5),
         education="master", qualification="intermediate")
    hire(2, city.community, hire_date=datetime.date(2019, 6, 1))
    hire(4, city.community, post="deputy", channel="cadre", hire_date=datetime.date(2022, 6, 1), education="college")
    return city


def test_the_statistics_page_draws_its_charts(page):
    _city_with_workers()
    browser_login(page, "street_official", "pass-street_official")
    page.wait_for_load_state()
    page.goto("/workforce/statistics/")
    page.wait_for_selector(".workforce-chart[data-drawn='1']")
    charts = page.locator(".workforce-chart")
    assert charts.count() == 6
    for i in range(charts.count()):
        assert charts.nth(i).get_attribute("data-drawn") == "1"
        assert charts.nth(i).locator("svg.main-svg").count() >= 1
    assert "正职" in page.inner_text("#chart-post")
    assert not page.outside_requests


def test_june_payroll_from_the_street_to_the_bank_and_the_gap_list(page):
    from jiceng.workforce import services
    from jiceng.workforce.models import ConfigItem, PayrollRun

    city = _city_with_workers()
    today = timezone.localdate()
    june = datetime.date(today.year if today.month >= 6 else today.year - 1, 6, 1)
    for item in ConfigItem.values:
        services.street_config_set(actor=None, street=city.street, item=item, present=item != "veterans_station",
                                   staffing=0 if item == "veterans_station" else 3)

    browser_login(page, "street_official", "pass-street_official")
    page.wait_for_load_state()
    page.goto("/workforce/payrolls/")
    page.fill("#prepare-form input[name=street]", city.street.code)
    page.fill("#prepare-form input[name=month]", june.strftime("%Y-%m"))
    page.click("#prepare-form button")
    page.wait_for_url("**/workforce/payrolls/*/")
    assert "已编制" in page.inner_text("#run-status")
    assert page.locator("#approve").count() == 0  # the street may not approve
    run = PayrollRun.objects.get(street=city.street, month=june)

    page.goto("/workforce/streets/")
    gaps = page.inner_text("#gaps")
    assert city.street.name in gaps and "退役军人服务保障站" in gaps

    page.context.clear_cookies()
    browser_login(page, "city_admin", "pass-city_admin")
    page.wait_for_load_state()
    page.goto(f"/workforce/payrolls/{run.pk}/")
    page.click("#approve")
    page.wait_for_load_state()
    assert "已审批" in page.inner_text("#run-status")
    with page.expect_download() as info:
        page.click("#bank-sheet")
    sheet = load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).worksheets[0]
    bank = {row[1]: Decimal(str(row[3])) for row in list(sheet.iter_rows(values_only=True))[1:]}
    slips = {}
    for line in run.lines.all():
        page.goto(f"/workforce/workers/{line.worker_id}/payslips/{june:%Y-%m}/")
        slips[line.name] = Decimal(page.get_attribute("[data-total]", "data-total"))
    assert bank == slips and sum(bank.values()) == PayrollRun.objects.get(pk=run.pk).total

    page.goto(f"/workforce/?unit={city.community.code}")
    before = int(page.inner_text("[data-key=professional_community_workers]"))
    from jiceng.workforce.tests.conftest import hire

    hire(9, city.community)
    page.reload()
    assert int(page.inner_text("[data-key=professional_community_workers]")) == before + 1
    assert not page.outside_requests


def test_the_cockpit_shows_the_six_figures_live_and_the_worker_page_explains_the_grade(page):
    from jiceng.workforce import services
    from jiceng.workforce.models import Worker
    from jiceng.workforce.tests.conftest import hire

    city = _city_with_workers()
    secretary = Worker.objects.get(post="principal")
    services.seat_assign(actor=None, community=city.community, person=secretary.person, committee="party",
                         role="secretary", term_start=datetime.date(2024, 3, 1), term_end=datetime.date(2029, 2, 28))
    services.seat_assign(actor=None, community=city.community, person=secretary.person, committee="residents",
                         role="director", term_start=datetime.date(2024, 3, 1), term_end=datetime.date(2029, 2, 28))
    browser_login(page, "city_admin", "pass-city_admin")
    page.wait_for_load_state()
    page.goto("/cockpit/")
    keys = ["professional_community_workers", "professional_workers_as_secretary",
            "professional_workers_in_two_committees", "two_committee_average_age",
            "secretary_director_one_shoulder_rate", "streets_fully_configured"]
    for key in keys:
        assert page.locator(f".figure[data-key={key}]").count() == 1, key
    value = page.locator(".figure[data-key=professional_community_workers] .value")
    before = int(value.inner_text())
    assert before == 3
    assert page.inner_text(".figure[data-key=secretary_director_one_shoulder_rate] .value").startswith("100")
    hire(9, city.community)
    page.reload()
    assert int(value.inner_text()) == before + 1

    page.context.clear_cookies()
    browser_login(page, "community_worker", "pass-community_worker")
    page.wait_for_load_state()
    page.goto(f"/workforce/workers/{secretary.pk}/")
    steps = page.locator("#grade-steps li")
    recorded = list(secretary.grade_steps.all())
    assert steps.count() == len(recorded) >= 2
    first = steps.nth(0).inner_text()
    assert "2015-01-05" in first and "硕士" in first  # the starting grade, with the education credited
    assert f"{recorded[-1].grade}" in page.inner_text("#worker-grade")
    assert not page.outside_requests
