"""The "should build, build all" gap list and the two coverages in the cockpit."""

import datetime

from jiceng.cockpit.registry import compute_figures
from jiceng.neworgs import selectors
from jiceng.neworgs.services import neworg_create, neworg_update
from jiceng.neworgs.tests.conftest import station_fields

TODAY = datetime.date(2026, 12, 7)


def test_three_or_more_members_without_an_own_or_joint_branch_are_gaps(city):
    gap = neworg_create(actor=None, **station_fields(party_members=3))
    grid_only = neworg_create(actor=None, **station_fields(party_members=5, org_coverage="grid"))
    small = neworg_create(actor=None, **station_fields(party_members=2))
    own = neworg_create(actor=None, **station_fields(party_members=7, org_coverage="own", branch_name="某公司党支部"))
    listed = set(selectors.gap_list(user=city.users["community_worker"], unit=city.community))
    assert listed == {gap, grid_only} and small not in listed and own not in listed


def test_the_gap_list_stays_in_scope(city):
    neworg_create(actor=None, **station_fields())
    neworg_create(actor=None, **station_fields(lng=111.55))  # street S2
    assert selectors.gap_list(user=city.users["outsider"], unit=city.street2).count() == 1
    assert selectors.gap_list(user=city.users["grid_worker"], unit=city.grid).count() == 1
    assert selectors.gap_list(user=city.users["city_admin"], unit=city.city).count() == 2


def test_figures_are_shares_and_absent_orgs_make_no_invented_share(city):
    figures = compute_figures(city.street, today=TODAY)
    assert figures["new_orgs_registered"] == 0 and figures["new_orgs_party_org_coverage"] is None
    a = neworg_create(actor=None, **station_fields(party_members=4))
    neworg_create(actor=None, **station_fields(party_members=1, work_coverage="instructor", work_contact="王敏"))
    neworg_create(actor=None, **station_fields(party_members=0, org_coverage="grid"))
    neworg_create(actor=None, **station_fields(party_members=0))
    figures = compute_figures(city.street, today=TODAY)
    assert figures["new_orgs_registered"] == 4
    assert figures["new_orgs_party_org_coverage"] == 0.25
    assert figures["new_orgs_party_work_coverage"] == 0.5
    assert figures["new_orgs_should_build_gaps"] == 1
    neworg_update(actor=None, org=a, org_coverage="joint", branch_name="五一路快递联合党支部")
    figures = compute_figures(city.street, today=TODAY)
    assert figures["new_orgs_party_org_coverage"] == 0.5 and figures["new_orgs_should_build_gaps"] == 0
    assert compute_figures(city.street2, today=TODAY)["new_orgs_registered"] == 0


def test_coverage_by_child_matches_the_direct_count(city):
    neworg_create(actor=None, **station_fields(org_coverage="grid"))
    neworg_create(actor=None, **station_fields(lng=111.47))  # grid G1b
    rows = selectors.coverage_by_child(city.community, [city.grid, city.grid_b])
    assert rows[city.grid.path]["org"] == 1 and rows[city.grid.path]["org_share"] == 1.0
    assert rows[city.grid_b.path]["total"] == 1 and rows[city.grid_b.path]["gaps"] == 1
