"""Budgets on the one Excel pattern: /excel/budgets/… round-trips, service refusals are named by row and
column, and rows outside the unit of ?unit= are refused."""

from jiceng.core.testing import registry_round_trip, xlsx_upload
from jiceng.funds import services
from jiceng.funds.models import Budget

from .conftest import YEAR

HEAD = ["单位代码", "年度", "经费类型", "来源", "金额"]


def test_the_registry_round_trips(city, types, client_for):
    services.budget_set(actor=None, unit=city.community, year=YEAR, fund_type=types["community_work"],
                        source="city", amount="120000.50")
    first, second = registry_round_trip(client_for("street_official"), "budgets", city.street.code,
                                        lambda: Budget.objects.all().delete())
    assert first == second and len(first) == 2
    assert str(Budget.objects.get().amount) == "120000.50"


def test_every_problem_is_named_by_row_and_column(city, types, client_for):
    upload = xlsx_upload([HEAD, [city.community.code, YEAR, "社区工作经费", "市", 100000],
                          [city.community.code, YEAR, "社区工作经费", "宇宙", 100],
                          [city.community.code, 1900, "服务群众专项经费", "市", 100],
                          [city.community2.code, YEAR, "社区工作经费", "市", 100]])
    r = client_for("city_admin").post(f"/excel/budgets/import?unit={city.street.code}", {"file": upload})
    assert r.status_code == 422
    assert sorted((e["row"], e["column"]) for e in r.context["errors"]) == [(3, "来源"), (5, "单位代码")]
    upload = xlsx_upload([HEAD, [city.community.code, 1900, "服务群众专项经费", "市", 100]])
    r = client_for("city_admin").post(f"/excel/budgets/import?unit={city.street.code}", {"file": upload})
    assert [(e["row"], e["column"]) for e in r.context["errors"]] == [(2, "年度")]
    assert not Budget.objects.exists()
