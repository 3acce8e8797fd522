"""The integrity report names gaps, overlaps and crossings with their area, and changes nothing."""

from jiceng.network.selectors import integrity_report
from jiceng.orgs.models import Unit


def test_the_small_city_tiles_cleanly(city):
    report = integrity_report(city.city)
    assert report and all(not r["findings"] for r in report if r["child_kind"] == "grid")


def test_a_gap_is_reported_with_its_area_and_a_fix(city):
    import shapely

    Unit.objects.filter(pk=city.grid_b.pk).update(geom=shapely.to_wkb(shapely.box(111.46, 36.0, 111.5, 36.1)))
    report = integrity_report(city.community)
    (entry,) = [r for r in report if r["parent"]["code"] == city.community.code]
    (gap,) = [f for f in entry["findings"] if f["kind"] == "gap"]
    assert 9_900_000 < gap["area_m2"] < 10_100_000  # 0.01° x 0.1° at 36°N: 900 m x 11.1 km
    assert gap["fix"]


def test_the_report_page_and_api_show_the_findings(city, client_for):
    response = client_for("community_worker").get(f"/api/v1/network/units/{city.community.code}/integrity")
    assert response.status_code == 200 and response.json()["problems"] == 0
