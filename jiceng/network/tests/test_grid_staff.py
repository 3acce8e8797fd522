"""Grid staff: roles, one leader at a time, a worker in several grids, coverage gaps, four-haves."""

import datetime

import pytest

from jiceng.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from jiceng.network import selectors, services


def test_coverage_lists_grids_without_a_leader_or_a_worker(city):
    services.grid_staff_assign(actor=None, grid=city.grid, role="leader", name="刘网格长")
    services.grid_staff_assign(actor=None, grid=city.grid, role="part_time", name="陈兼职")
    services.grid_staff_assign(actor=None, grid=city.grid_b, role="full_time", name="陈兼职")  # serves two grids
    gaps = {g["code"]: g["missing"] for g in selectors.staff_coverage(city.city)}
    assert city.grid.code not in gaps
    assert gaps[city.grid_b.code] == ["leader"]
    assert gaps[city.grid2.code] == ["leader", "worker"]


def test_a_grid_has_one_active_leader(city):
    services.grid_staff_assign(actor=None, grid=city.grid, role="leader", name="刘网格长")
    with pytest.raises(Conflict):
        services.grid_staff_assign(actor=None, grid=city.grid, role="leader", name="另一人")
    first = selectors.grid_staff(city.grid).get(role="leader")
    services.grid_staff_end(actor=None, staff=first)
    services.grid_staff_assign(actor=None, grid=city.grid, role="leader", name="另一人")


def test_staff_are_assigned_within_scope(city):
    users = city.users
    services.grid_staff_assign(actor=users["grid_worker"], grid=city.grid, role="full_time", name="自己")
    with pytest.raises(Forbidden):
        services.grid_staff_assign(actor=users["party_member"], grid=city.grid, role="full_time", name="某人")
    with pytest.raises(NotFound):
        services.grid_staff_assign(actor=users["outsider"], grid=city.grid, role="full_time", name="某人")


def test_the_four_haves_are_recorded_for_a_party_secretary(city):
    secretary = services.grid_staff_assign(actor=None, grid=city.grid, role="party_secretary", name="王书记")
    rec = services.four_haves_record(actor=None, staff=secretary, assessed_on=datetime.date(2026, 6, 1), ability=4,
                                     prestige=5, public_spirit=3, enthusiasm=4)
    assert rec.passed
    rec = services.four_haves_record(actor=None, staff=secretary, assessed_on=datetime.date(2026, 7, 1), ability=2,
                                     prestige=5, public_spirit=3, enthusiasm=4)
    assert not rec.passed
    worker = services.grid_staff_assign(actor=None, grid=city.grid, role="full_time", name="陈网格员")
    with pytest.raises(ValidationFailed):
        services.four_haves_record(actor=None, staff=worker, assessed_on=datetime.date(2026, 6, 1), ability=4,
                                   prestige=4, public_spirit=4, enthusiasm=4)
    with pytest.raises(ValidationFailed):
        services.four_haves_record(actor=None, staff=secretary, assessed_on=datetime.date(2026, 6, 1), ability=6,
                                   prestige=4, public_spirit=4, enthusiasm=4)


def test_off_duty_staff_are_not_named_by_locate(city, client_for):
    services.grid_staff_assign(actor=None, grid=city.grid, role="full_time", name="在岗", on_duty=True)
    services.grid_staff_assign(actor=None, grid=city.grid, role="part_time", name="休息", on_duty=False)
    names = [s["name"] for s in client_for("resident").get("/api/v1/locate?lat=36.05&lng=111.42").json()["staff"]]
    assert names == ["在岗"]
