"""Every funds and consult table exports to Excel, within the user's area."""

import io

import pytest
from openpyxl import load_workbook

from jiceng.funds import services

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("table", ["budgets", "compliance", "letters", "spending", "execution", "projects",
                                   "standards"])
def test_each_funds_table_exports(city, types, client_for, table):
    services.budget_set(actor=None, unit=city.community, year=YEAR, fund_type=types["community_work"],
                        source="city", amount="120000")
    r = client_for("street_official").get(f"/funds/export/{table}/?unit={city.street.code}&year={YEAR}")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet.max_row >= 1 and sheet.cell(1, 1).value


@pytest.mark.parametrize("table", ["surveys", "proposals", "ballots", "participation", "papers"])
def test_each_consult_table_exports(city, client_for, table):
    r = client_for("street_official").get(f"/consult/export/{table}/?unit={city.street.code}")
    assert r.status_code == 200 and load_workbook(io.BytesIO(r.content)).active.cell(1, 1).value


def test_an_unknown_table_is_404(city, client_for):
    assert client_for("street_official").get("/funds/export/people/").status_code == 404
    assert client_for("street_official").get("/consult/export/people/").status_code == 404


def test_the_budget_export_stays_in_the_area(city, types, client_for):
    services.budget_set(actor=None, unit=city.community2, year=YEAR, fund_type=types["community_work"],
                        source="city", amount="120000")
    r = client_for("street_official").get(f"/funds/export/budgets/?year={YEAR}")
    assert city.community2.code not in str(list(load_workbook(io.BytesIO(r.content)).active.values))
