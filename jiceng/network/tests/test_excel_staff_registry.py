"""Grid staff on the one Excel pattern: /excel/grid-staff/… round-trips under the unit of ?unit=, and a sheet
with Chinese headers names every problem by row and column."""

from jiceng.core.testing import registry_round_trip, xlsx_upload
from jiceng.network import services
from jiceng.network.models import GridStaff


def test_the_registry_round_trips(city, client_for):
    services.grid_staff_assign(actor=None, grid=city.grid, role="leader", name="刘网格长")
    services.grid_staff_assign(actor=None, grid=city.grid_b, role="full_time", name="陈网格员")
    first, second = registry_round_trip(client_for("community_worker"), "grid-staff", city.community.code,
                                        lambda: GridStaff.objects.all().delete())
    assert first == second and len(first) == 3


def test_problems_are_named_by_row_and_column(city, client_for):
    upload = xlsx_upload([["网格代码", "岗位", "姓名", "起始日期"],
                          [city.grid.code, "网格长", "刘网格长", "2025-01-01"],
                          [city.grid.code, "队长", "某人", ""],
                          [city.grid2.code, "专职网格员", "别街道", ""],
                          [city.grid_b.code, "专职网格员", "", "昨天"]])
    r = client_for("city_admin").post(f"/excel/grid-staff/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 422
    assert sorted((e["row"], e["column"]) for e in r.context["errors"]) == [
        (3, "岗位"), (4, "网格代码"), (5, "姓名"), (5, "起始日期")]
    assert not GridStaff.objects.exists()
