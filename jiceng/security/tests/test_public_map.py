"""Attack and use: the city's public list and map of cases (issue 10, item 1).

Anyone may open /cases/public/. It lists and maps published cases only (publishable category, public
channel, the reporter's consent), each at the centre of its 100 m cell, without address, name, phone
or grid; a script in a description reaches the page as text; filters that are not ours fall back to
the defaults; the query count does not grow with the cases shown."""

import json
import re

import pytest
from django.test import Client

from jiceng.cases.models import Category
from jiceng.cases.public import PUBLIC_PAGE_SIZE, snap
from jiceng.cases.services import case_submit
from jiceng.core.testing import assert_queries

PHONE = "13912345678"
SCRIPT = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def _submit(code="E0101", point=(36.05123, 111.42345), **kw):
    kw.setdefault("description", f"东门垃圾满溢，请联系{PHONE} {SCRIPT}")
    case, _ = case_submit(actor=kw.pop("actor", None), category=Category.objects.get(code=code),
                          lat=point[0], lng=point[1], **kw)
    return case


@pytest.fixture
def cases(city):
    return {
        "public": _submit(source="phone", publish=True, address="五一路12号幸福小区1号楼1单元101室",
                          reporter_name="李四", reporter_phone=PHONE),
        "open311": _submit(source="open311", publish=True, point=(36.06, 111.47)),
        "no_consent": _submit(source="phone", publish=False),
        "hotline": _submit(source="hotline", publish=True, actor=city.users["grid_worker"]),
        "dispute": _submit(code="S0101", source="phone", publish=True, description="邻居张三家漏水"),
    }


def _points(html: str) -> list:
    found = re.search(r'<script id="public-points" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_anonymous_sees_only_published_cases_snapped_without_personal_data(cases):
    r = Client().get("/cases/public/")
    assert r.status_code == 200
    html = r.content.decode()
    shown = {name for name, case in cases.items() if f"/cases/follow/{case.code}/" in html}
    assert shown == {"public", "open311"}
    case = cases["public"]
    for secret in (PHONE, "五一路12号", "李四", case.grid.name, str(case.lat), str(case.lng)):
        assert secret not in html
    points = _points(html)
    assert {(p["lat"], p["lng"]) for p in points} == {snap(case.lat, case.lng), snap(36.06, 111.47)}
    assert sum(p["open"] + p["closed"] for p in points) == 2


def test_a_script_in_a_description_reaches_the_page_as_text(cases):
    html = Client().get("/cases/public/").content.decode()
    assert "<script>alert(1)" not in html and "onerror=alert(2)>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_filters_narrow_the_list_and_bad_values_fall_back_to_the_defaults(cases, city):
    open311 = cases["open311"]
    client = Client()
    html = client.get("/cases/public/", {"state": "closed"}).content.decode()
    assert open311.code not in html and cases["public"].code not in html
    for bad in ({"days": "7"}, {"days": "x"}, {"state": "<b>"}, {"group": "S01"}, {"page": "-3"}, {"page": "999"}):
        r = client.get("/cases/public/", bad)
        assert r.status_code == 200 and open311.code in r.content.decode(), bad
    group = open311.category.parent.code
    assert open311.code in client.get("/cases/public/", {"group": group}).content.decode()
    assert open311.code not in client.get("/cases/public/", {"state": "closed", "group": group}).content.decode()


def test_the_list_pages_and_its_query_count_does_not_grow_with_the_cases(city):
    for i in range(PUBLIC_PAGE_SIZE + 5):
        _submit(source="phone", publish=True, description=f"路灯不亮 {i}", point=(36.05 + i / 1000, 111.42))
    client = Client()
    with assert_queries(6, label="public cases page"):
        first = client.get("/cases/public/")
    assert first.content.decode().count("/cases/follow/") == PUBLIC_PAGE_SIZE
    second = client.get("/cases/public/", {"page": 2}).content.decode()
    assert second.count("/cases/follow/") == 5
    assert sum(p["open"] + p["closed"] for p in _points(first.content.decode())) == PUBLIC_PAGE_SIZE + 5


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_map_draws_a_point_per_published_cell_and_its_tooltip_is_text(page):
    from jiceng.conftest import build_city

    build_city()
    case = _submit(source="phone", publish=True)
    _submit(source="phone", publish=False, point=(36.07, 111.49))
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/cases/report/")
    page.click("#public-link")
    page.wait_for_selector("#public-map .public-point")
    assert page.locator("#public-map .public-point").count() == 1
    assert SCRIPT in page.inner_text("#public-list")  # the description, as text
    page.locator("#public-map .public-point").first.hover(force=True)
    tip = page.wait_for_selector(".leaflet-tooltip")
    assert case.category.name in tip.inner_text() and "1" in tip.inner_text()
    assert dialogs == [] and page.outside_requests == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
