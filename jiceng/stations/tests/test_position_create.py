import datetime

import pytest

from jiceng.core.errors import Forbidden, NotFound, ValidationFailed
from jiceng.core.geo import coords
from jiceng.core.models import AuditEvent
from jiceng.stations.models import OpeningHours, ServicePosition
from jiceng.stations.services import position_create

LAT, LNG = 36.05, 111.42


def make(city, actor=None, **kw):
    args = dict(actor=actor, unit=city.compound, level="station", name="幸福小区驿站", lat=LAT, lng=LNG,
                address="五一路12号", amenities=["hot_water", "rest"], hours={0: "08:00-12:00, 14:00-18:00"})
    args.update(kw)
    return position_create(**args)


def test_it_stores_the_position_with_amenities_hours_and_an_audit_event(city):
    p = make(city, actor=city.users["community_worker"])
    assert p.unit_path == city.compound.path
    assert sorted(p.amenities.values_list("code", flat=True)) == ["hot_water", "rest"]
    assert list(OpeningHours.objects.filter(position=p).values_list("day", "opens", "closes")) == [
        (0, datetime.time(8), datetime.time(12)), (0, datetime.time(14), datetime.time(18))]
    event = AuditEvent.objects.filter(action="position.create", object_id=str(p.pk)).get()
    assert event.actor_label == "community_worker"


@pytest.mark.parametrize("crs,convert", [("gcj02", coords.wgs84_to_gcj02), ("bd09", coords.wgs84_to_bd09)])
def test_it_converts_chinese_map_coordinates_to_wgs84(city, crs, convert):
    lat, lng = convert(LAT, LNG)
    assert abs(lat - LAT) + abs(lng - LNG) > 1e-4  # the systems differ by hundreds of metres
    p = make(city, lat=lat, lng=lng, crs=crs)
    assert p.lat == pytest.approx(LAT, abs=1e-6) and p.lng == pytest.approx(LNG, abs=1e-6)


@pytest.mark.parametrize("kwargs,field", [
    ({"lat": 39.9, "lng": 116.4}, "lat"),  # Beijing: outside the city
    ({"hours": {0: "08:00-12:00, 11:00-13:00"}}, "hours"),
    ({"hours": {2: "18:00-08:00"}}, "hours"),
    ({"hours": {1: "8点到12点"}}, "hours"),
    ({"amenities": ["hot_water", "sauna"]}, "amenities"),
    ({"level": "community"}, "unit"),  # a community centre belongs to a community, not a compound
    ({"name": " "}, "name"),
    ({"crs": "utm"}, "crs"),
])
def test_it_refuses_bad_input_and_writes_nothing(city, kwargs, field):
    with pytest.raises(ValidationFailed) as err:
        make(city, **kwargs)
    assert err.value.field == field
    assert not ServicePosition.objects.exists()
    assert not AuditEvent.objects.filter(action="position.create").exists()


def test_it_checks_scope(city):
    with pytest.raises(NotFound):
        make(city, actor=city.users["outsider"])
    with pytest.raises(Forbidden):
        make(city, actor=city.users["party_member"])
