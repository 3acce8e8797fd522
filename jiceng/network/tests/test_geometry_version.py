"""The database bumps the geometry version whenever grid geometry changes, whoever changes it."""

import shapely

from jiceng.network.models import GeometryVersion
from jiceng.network.routing import _fingerprint
from jiceng.orgs import services as org_services
from jiceng.orgs.models import Unit


def test_grid_inserts_updates_and_deletes_move_the_fingerprint_other_writes_do_not(city):
    start = _fingerprint()
    org_services.unit_update(actor=None, unit=city.grid, name="第一网格（新名）")
    assert _fingerprint() == start  # a rename is no geometry change
    Unit.objects.filter(kind="household").update(address="x")
    assert _fingerprint() == start
    Unit.objects.filter(pk=city.grid.pk).update(geom=shapely.to_wkb(shapely.box(111.4, 36.0, 111.44, 36.1)))
    moved = _fingerprint()
    assert moved != start and moved[0] == start[0] + 1
    grid = org_services.unit_create(actor=None, parent=city.community, kind="grid", code="141002001001005",
                                    name="新网格")
    assert _fingerprint()[0] == moved[0] + 1
    grid.delete()
    assert _fingerprint()[0] == moved[0] + 2


def test_a_missing_version_row_is_recreated_by_the_next_grid_change(city):
    GeometryVersion.objects.all().delete()
    assert _fingerprint() == (0, "")
    Unit.objects.filter(pk=city.grid.pk).update(geom=shapely.to_wkb(shapely.box(111.4, 36.0, 111.44, 36.1)))
    assert _fingerprint()[0] == 1
