"""Registering new organizations: routed to a grid like a case, validated, scoped, audited."""

import pytest

from jiceng.core.errors import Conflict, Forbidden, ValidationFailed
from jiceng.core.models import AuditEvent
from jiceng.neworgs.models import NewOrg
from jiceng.neworgs.services import neworg_create, neworg_update
from jiceng.neworgs.tests.conftest import code, station_fields


def test_a_point_is_routed_to_its_grid_and_the_write_is_audited(city):
    org = neworg_create(actor=city.users["grid_worker"], **station_fields())
    assert org.grid == city.grid and org.unit_path == city.grid.path
    assert org.gap is True  # 4 party members, no branch
    event = AuditEvent.objects.filter(action="neworg.create").get()
    assert event.unit_path == city.grid.path and event.actor_label == "grid_worker"


def test_an_address_is_routed_through_the_gazetteer(city):
    from jiceng.network.services import gazetteer_rebuild

    gazetteer_rebuild(actor=None, unit=city.city)
    org = neworg_create(actor=None, **station_fields(lat=None, lng=None, address="五一路12号幸福小区1号楼"))
    assert org.grid == city.grid


def test_a_wrong_check_character_is_refused_in_chinese_and_nothing_is_written(city):
    from django.utils import translation

    good = code()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as exc:
        neworg_create(actor=city.users["grid_worker"], **station_fields(credit_code=bad))
    assert exc.value.field == "credit_code" and "校验" in str(exc.value.message)
    assert not NewOrg.objects.exists() and not AuditEvent.objects.filter(action__startswith="neworg").exists()


@pytest.mark.parametrize("over,field", [
    ({"party_members": 12, "employees": 5}, "party_members"),
    ({"kind": "bank"}, "kind"),
    ({"employees": -1}, "employees"),
    ({"name": ""}, "name"),
    ({"org_coverage": "joint", "branch_name": ""}, "branch_name"),
    ({"work_coverage": "instructor", "work_contact": ""}, "work_contact"),
    ({"lat": 10.0, "lng": 10.0}, "lat"),
])
def test_bad_fields_are_named_and_nothing_is_written(city, over, field):
    with pytest.raises(ValidationFailed) as exc:
        neworg_create(actor=None, **station_fields(**over))
    assert exc.value.field == field
    assert not NewOrg.objects.exists()


def test_a_place_outside_the_workers_area_or_a_read_only_role_is_refused(city):
    with pytest.raises(ValidationFailed) as exc:
        neworg_create(actor=city.users["grid_worker"], **station_fields(lng=111.55))  # the other street
    assert exc.value.code == "outside_area"
    with pytest.raises(Forbidden):
        neworg_create(actor=city.users["party_member"], **station_fields())
    assert not NewOrg.objects.exists()


def test_the_same_code_twice_in_the_area_is_a_conflict(city, station):
    with pytest.raises(Conflict):
        neworg_create(actor=city.users["community_worker"], **station_fields(credit_code=station.credit_code))


def test_grid_branch_coverage_needs_a_branch_in_the_grid(city):
    org = neworg_create(actor=None, **station_fields(org_coverage="grid", party_members=1))
    assert org.branch_name == "第一网格党支部" and org.gap is False
    with pytest.raises(ValidationFailed) as exc:
        neworg_create(actor=None, **station_fields(org_coverage="grid", lng=111.47))  # grid G1b has no branch
    assert exc.value.field == "org_coverage"


def test_a_joint_branch_takes_it_off_the_gap_list_and_a_move_reroutes_it(city, station):
    assert station.gap
    org = neworg_update(actor=city.users["grid_worker"], org=station, org_coverage="joint",
                        branch_name="五一路快递物流联合党支部", branch_since="2026-11-01")
    assert org.gap is False and org.branch_since.isoformat() == "2026-11-01"
    event = AuditEvent.objects.filter(action="neworg.update").get()
    assert event.changes["org_coverage"] == ["none", "joint"] and event.changes["gap"] == ["True", "False"]
    moved = neworg_update(actor=None, org=org, lat=36.05, lng=111.47)
    assert moved.grid == city.grid_b and moved.unit_path == city.grid_b.path
