"""Open311 GeoReport v2: list services, post with the demo key, read back in JSON and XML, spec errors."""

import datetime
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from jiceng.cases.models import Case
from jiceng.cases.services import DEMO_OPEN311_KEY as DEMO_KEY
from jiceng.cases.services import open311_key_create


@pytest.fixture
def o311(city):
    open311_key_create(actor=None, name="demo", unit=city.city, key=DEMO_KEY)
    return Client()


def post(client, fmt="json", **data):
    body = {"api_key": DEMO_KEY, "service_code": "E0101", "lat": "36.05", "long": "111.42",
            "description": "垃圾桶满了", "email": "", "device_id": "dev-1"}
    body.update(data)
    return client.post(f"/open311/v2/requests.{fmt}", body)


def test_discovery_and_services_in_both_formats(o311):
    d = o311.get("/open311/v2/discovery.json").json()
    assert d["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    services = o311.get("/open311/v2/services.json").json()
    e0101 = next(s for s in services if s["service_code"] == "E0101")
    assert e0101["service_name"] == "暴露垃圾" and e0101["metadata"] is True
    xml = ET.fromstring(o311.get("/open311/v2/services.xml").content)
    assert xml.tag == "services" and "E0101" in [e.text for e in xml.findall("service/service_code")]
    definition = o311.get("/open311/v2/services/E0101.json").json()
    assert definition["service_code"] == "E0101" and definition["attributes"][0]["code"] == "urgency"
    assert ET.fromstring(o311.get("/open311/v2/services/E0101.xml").content).tag == "service_definition"


def test_post_a_request_with_the_demo_key_and_read_it_back(o311, city):
    r = post(o311)
    assert r.status_code == 201
    sid = r.json()[0]["service_request_id"]
    assert isinstance(sid, str)
    one = o311.get(f"/open311/v2/requests/{sid}.json").json()[0]
    assert one["service_request_id"] == sid and one["status"] == "open" and one["service_code"] == "E0101"
    assert one["requested_datetime"].endswith("Z")
    xml = ET.fromstring(o311.get(f"/open311/v2/requests/{sid}.xml").content)
    assert xml.tag == "service_requests" and xml.find("request/service_request_id").text == sid
    assert o311.get(f"/open311/v2/tokens/{sid}.json").json()[0]["service_request_id"] == sid
    listed = o311.get("/open311/v2/requests.json?status=open&service_code=E0101,E0102").json()
    assert [x["service_request_id"] for x in listed] == [sid]
    assert o311.get("/open311/v2/requests.json?status=closed").json() == []


def test_the_same_request_replayed_adds_nothing(o311):
    a = post(o311).json()[0]["service_request_id"]
    b = post(o311)
    assert b.status_code == 200 and b.json()[0]["service_request_id"] == a
    assert Case.objects.count() == 1


def test_api_key_and_jurisdiction_in_the_query_are_accepted(o311, city):
    r = o311.post(f"/open311/v2/requests.json?api_key={DEMO_KEY}&jurisdiction_id={city.city.code}",
                  {"service_code": "E0101", "lat": "36.05", "long": "111.42", "description": "x"})
    assert r.status_code == 201


@pytest.mark.parametrize(("data", "status"), [
    ({"api_key": "wrong"}, 403),
    ({"api_key": ""}, 403),
    ({"service_code": "NOPE"}, 404),
    ({"lat": "30", "long": "100"}, 400),
    ({"description": "长" * 4001}, 400),
    ({"lat": "", "long": ""}, 400),
    ({"jurisdiction_id": "999999"}, 404),
])
def test_errors_use_the_spec_format_and_write_nothing(o311, data, status):
    r = post(o311, **data)
    assert r.status_code == status
    body = r.json()
    assert isinstance(body, list) and body[0]["code"] == status and body[0]["description"]
    xml = post(o311, fmt="xml", **data)
    root = ET.fromstring(xml.content)
    assert root.tag == "errors" and root.find("error/code").text == str(status)
    assert Case.objects.count() == 0


def test_a_date_span_over_90_days_is_refused(o311):
    start = datetime.date(2026, 1, 1)
    r = o311.get(f"/open311/v2/requests.json?start_date={start}T00:00:00Z&end_date=2026-06-01T00:00:00Z")
    assert r.status_code == 400 and r.json()[0]["code"] == 400
    assert o311.get("/open311/v2/requests/NOPE.json").status_code == 404
    assert o311.get("/open311/v2/requests.json?start_date=&end_date=").status_code == 200  # empty = absent
