"""The integrity report is kept incrementally: triggers mark the parents a unit change touches, the sweep
re-checks them, the page reads the stored checks (with their as_of) and re-checks a few stale ones itself."""

import shapely

from jiceng.network import integrity
from jiceng.network.models import TilingCheck
from jiceng.network.selectors import integrity_report, integrity_summary
from jiceng.network.sweeps import sweep
from jiceng.orgs.models import Unit
from jiceng.orgs.services import unit_create


def _gap(city):
    Unit.objects.filter(pk=city.grid_b.pk).update(geom=shapely.to_wkb(shapely.box(111.46, 36.0, 111.5, 36.1)))


def _as_report(summary):
    return [(e["parent"]["code"], e["child_kind"], [f["kind"] for f in e["findings"]]) for e in summary.entries]


def test_the_stored_report_matches_the_report_computed_from_scratch(city):
    integrity.refresh()
    _gap(city)
    for unit in (city.city, city.street, city.community):
        scratch = integrity_report(unit)
        summary = integrity_summary(unit)
        assert summary.checked == len(scratch)
        assert summary.problems == sum(len(r["findings"]) for r in scratch) > 0
        assert _as_report(summary) == [(r["parent"]["code"], r["child_kind"], [f["kind"] for f in r["findings"]])
                                       for r in scratch if r["findings"]]


def test_a_raw_geometry_change_marks_only_the_parents_it_touches(city):
    integrity.refresh()
    assert not TilingCheck.objects.filter(stale=True).exists()
    _gap(city)
    stale = set(TilingCheck.objects.filter(stale=True).values_list("code", flat=True))
    assert stale == {city.community.code, city.grid_b.code}  # the grid's parent, and the grid as a parent
    assert sweep(None) == {"tiling_checks": 2}
    row = TilingCheck.objects.get(parent_id=city.community.pk)
    assert not row.stale and row.problems == 1 and row.findings[0]["kind"] == "gap"


def test_beyond_a_few_stale_parents_the_page_shows_the_last_check_and_says_so(city, client_for, monkeypatch):
    integrity.refresh()
    checked_at = TilingCheck.objects.get(parent_id=city.community.pk).checked_at
    before = integrity_summary(city.city).problems
    _gap(city)
    monkeypatch.setattr(integrity, "CHECK_ON_THE_SPOT", 1)
    summary = integrity_summary(city.city)
    assert summary.problems == before and summary.pending == 2 and summary.as_of <= checked_at
    html = client_for("city_admin").get(f"/network/integrity/{city.city.code}/").content.decode()
    assert "2 units changed since" in html or "2 个单元" in html
    integrity.refresh()
    summary = integrity_summary(city.city)
    assert summary.problems == before + 1 and summary.pending == 0 and summary.as_of >= checked_at


def test_new_and_deleted_units_keep_their_rows_current(city):
    integrity.refresh()
    before = {(e["parent"]["code"], f["kind"]) for e in integrity_report(city.community) for f in e["findings"]}
    grid = unit_create(actor=None, parent=city.community, kind="grid", code="141002001001009", name="第九网格",
                       geometry={"type": "Polygon", "coordinates": [[[111.41, 36.11], [111.42, 36.11], [111.42, 36.12],
                                                                     [111.41, 36.12], [111.41, 36.11]]]})
    assert set(TilingCheck.objects.filter(stale=True).values_list("code", flat=True)) == {city.community.code,
                                                                                         grid.code}
    summary = integrity_summary(city.community)
    now = {(e["parent"]["code"], f["kind"]) for e in summary.entries for f in e["findings"]}
    assert (city.community.code, "outside_parent") in now
    integrity.refresh()
    Unit.objects.filter(pk=grid.pk).delete()
    assert not TilingCheck.objects.filter(parent_id=grid.pk).exists()
    assert TilingCheck.objects.get(parent_id=city.community.pk).stale
    after = integrity_summary(city.community)
    assert {(e["parent"]["code"], f["kind"]) for e in after.entries for f in e["findings"]} == {
        (c, k) for c, k in before}
