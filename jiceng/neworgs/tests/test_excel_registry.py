"""New organizations on the one Excel pattern: /excel/neworgs/… round-trips, and an import lands only under
the unit of ?unit=."""

from jiceng.core.testing import registry_round_trip, xlsx_upload
from jiceng.neworgs.models import NewOrg
from jiceng.neworgs.tests.conftest import code


def test_the_registry_round_trips(city, client_for, station):
    first, second = registry_round_trip(client_for("community_worker"), "neworgs", city.community.code,
                                        lambda: NewOrg.objects.all().delete())
    assert first == second and len(first) == 2


def test_an_import_outside_the_unit_writes_nothing(city, client_for):
    upload = xlsx_upload([["名称", "类型", "统一社会信用代码", "纬度", "经度"],
                          ["五一路便利店", "个体工商户", code(), 36.05, 111.42]])
    r = client_for("city_admin").post(f"/excel/neworgs/import?unit={city.community2.code}", {"file": upload})
    assert r.status_code == 422 and r.context["errors"][0]["row"] == 2
    assert not NewOrg.objects.exists()
