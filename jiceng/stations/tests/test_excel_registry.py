"""Service positions on the one Excel pattern: /excel/positions/… round-trips under the unit of ?unit=."""

from jiceng.core.testing import registry_round_trip, xlsx_upload
from jiceng.stations.models import ServicePosition

HEAD = ["级别", "所属单位代码", "名称", "纬度", "经度", "坐标系", "地址", "设施", "周一", "节假日"]


def test_the_registry_round_trips(city, client_for):
    c = client_for("community_worker")
    good = ["小区驿站", city.compound.code, "幸福驿站", 36.05, 111.42, "WGS-84", "五一路12号", "热水、充电",
            "08:00-12:00,14:00-18:00", ""]
    assert c.post(f"/excel/positions/import?unit={city.community.code}",
                  {"file": xlsx_upload([HEAD, good])}).status_code == 302
    first, second = registry_round_trip(c, "positions", city.community.code,
                                        lambda: ServicePosition.objects.all().delete())
    assert first == second and len(first) == 2


def test_a_unit_outside_the_imported_unit_is_refused(city, client_for):
    row = ["小区驿站", city.compound2.code, "鼓楼驿站", 36.05, 111.55, "", "鼓楼", "", "", ""]
    r = client_for("city_admin").post(f"/excel/positions/import?unit={city.community.code}",
                                      {"file": xlsx_upload([HEAD, row])})
    assert r.status_code == 422 and r.context["errors"][0]["column"] == "所属单位代码"
    assert not ServicePosition.objects.exists()
