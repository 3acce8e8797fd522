"""Issue 18, items 2, 3 and 6 walked in a real browser on a phone (390x844): the report map shows the city
at once without a tile server (the platform's own base map), the pin comes first and shows an address,
similar open reports near the pin offer "same problem", and the reporter follows the case and says
whether it has been fixed. No page scrolls sideways. Screenshots go to /tmp/maps18/."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiceng.conftest import browser_login, build_city
from jiceng.core.testing import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp/maps18")
PNG = image_bytes("PNG", size=(64, 48))
SHOTS.mkdir(parents=True, exist_ok=True)


def _shot(page, name, selector=None):
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = page.locator(selector) if selector else page
    return target.screenshot(path=str(SHOTS / f"{name}.png"))


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _base_map_drawn(page, selector):
    """The map has the platform's base layer: its class, outlines and names in the DOM, and the paper
    background in its pixels (Leaflet's empty map is #ddd)."""
    from PIL import Image

    page.wait_for_selector(f"{selector} path.jc-grid", state="attached")
    page.wait_for_selector(f"{selector} .jc-label")
    assert "jc-basemap" in page.get_attribute(selector, "class")
    image = Image.open(io.BytesIO(page.locator(selector).screenshot(path=str(SHOTS / "last-map.png")))).convert("RGB")
    pixels = list(image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata())
    warm = sum(1 for p in pixels if p[0] - p[2] >= 6)  # paper and the areas' fills are warm; Leaflet's #ddd is not
    grey = sum(1 for p in pixels if p == (0xDD, 0xDD, 0xDD))
    assert warm > len(pixels) * 0.6 and grey < len(pixels) * 0.05, (warm, grey, len(pixels))
    return page.locator(f"{selector} .jc-label").all_inner_texts()


def _published_case_nearby(city):
    from jiceng.cases.models import Category
    from jiceng.cases.services import case_submit

    case, _ = case_submit(actor=None, category=Category.objects.get(code="E0101"), description="东门口垃圾堆了三天",
                          source="phone", lat=36.0498, lng=111.4502, publish=True,
                          photos=[SimpleUploadedFile("p.png", PNG, "image/png")])
    return case


def _set_up(settings):
    settings.LEAFLET_CONFIG = {**settings.LEAFLET_CONFIG, "TILES": ""}
    from django.core.cache import cache

    cache.clear()
    city = build_city()
    from jiceng.network.services import gazetteer_rebuild
    from jiceng.orgs.services import unit_update

    def box(x0, y0, x1, y1):
        return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}

    unit_update(actor=None, unit=city.compound, geometry=box(111.447, 36.0485, 111.4497, 36.0510))
    unit_update(actor=None, unit=city.building, geometry=box(111.4488, 36.0497, 111.4495, 36.0503))
    gazetteer_rebuild(actor=None, unit=city.city)
    return city


def test_a_resident_sees_the_city_at_once_and_a_similar_case_near_the_pin(page, settings):
    city = _set_up(settings)
    nearby = _published_case_nearby(city)
    page.set_viewport_size(PHONE)
    browser_login(page, "resident", "pass-resident")
    page.goto("/cases/report/")
    # the pin comes first: the map is above the kind of problem, the photo and the description
    order = page.evaluate("""['#pin', '#category', '#photos', '#description'].map(
        s => document.querySelector(s).getBoundingClientRect().top)""")
    assert order == sorted(order)
    labels = _base_map_drawn(page, "#pin")  # no tile server, no "use my location": the city is there
    # opened on the resident's community: its name or its grids' (labels that overlap are dropped)
    assert {"五一路社区", "第一网格", "第二网格"} & set(labels)
    _shot(page, "report-phone-map")
    _no_sideways_scroll(page)
    box = page.locator("#pin").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 - 20, box["y"] + box["height"] / 2)  # by 1号楼, in 第一网格
    page.wait_for_selector("#where:has-text('号')")
    assert "五一路" in page.inner_text("#where")  # the nearest gazetteer address, not coordinates
    page.wait_for_selector("#nearby:not([hidden]) a.same-problem")
    assert "暴露垃圾" in page.inner_text("#nearby")
    assert page.locator("#pin path.nearby-point").count() == 1  # and on the map
    _shot(page, "report-phone-nearby")
    page.click("#nearby a.same-problem")
    page.wait_for_url(f"**/cases/follow/{nearby.code}/")
    page.wait_for_selector("#follow-photos img")
    assert page.evaluate("document.querySelector('#follow-photos img').naturalWidth") == 64
    _base_map_drawn(page, "#follow-map")
    assert page.locator("#follow-map path.follow-point").count() == 1
    _shot(page, "follow-same-problem")
    _no_sideways_scroll(page)
    assert page.outside_requests == []


def test_a_resident_reports_pin_first_with_a_photo_then_says_it_is_fixed(page, settings):
    from jiceng.cases.models import Case
    from jiceng.cases.services import case_act

    city = _set_up(settings)
    page.set_viewport_size(PHONE)
    page.goto("/cases/report/")
    _base_map_drawn(page, "#pin")
    box = page.locator("#pin").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 - 40, box["y"] + box["height"] / 2 + 30)
    assert page.input_value("#lat") and page.input_value("#lng")
    page.fill("#category-search", "路灯")  # the kind: searched, not scrolled through 36 options
    page.click("#category-matches button")
    assert page.input_value("#category") == "C0102"
    assert page.get_attribute("#common-categories [data-code=C0102]", "aria-pressed") == "true"
    page.set_input_files("#photos", files=[{"name": "photo.png", "mimeType": "image/png", "buffer": PNG}])
    page.fill("#description", "路灯晚上不亮")
    _shot(page, "report-phone-filled")
    _no_sideways_scroll(page)
    page.click("#submit")
    page.wait_for_selector("#follow-secret")
    code = page.inner_text("#case-code").strip()
    secret = page.inner_text("#follow-secret").strip()
    case = Case.objects.get(code=code)
    assert case.category.code == "C0102" and case.attachments.count() == 1
    steps = [("register", ""), ("dispatch", ""), ("start", ""), ("handle", "灯泡已更换，请您查看"),
             ("rework", "内部：照片不清楚"), ("start", ""), ("handle", "灯泡已更换，请您查看"), ("verify", ""), ("close", "")]
    for action, comment in steps:  # the pin fell in 第二网格: its community's worker handles it
        case = case_act(actor=city.users["community_worker"], case=case, action=action, version=case.version,
                        comment=comment)
    page.goto(f"/cases/follow/{code}/")
    steps_text = page.inner_text("#follow-steps")
    assert "灯泡已更换，请您查看" in steps_text and "内部" not in steps_text  # replies yes, staff notes no
    assert page.inner_text("#fixed-question") == "问题解决了吗？"
    page.check("input[name=rating][value=satisfied]")
    page.fill("#secret", secret)
    _shot(page, "follow-rate")
    _no_sideways_scroll(page)
    page.click("#rate-form button")
    page.wait_for_selector("#your-rating")
    case.refresh_from_db()
    assert case.rating == "satisfied"
    assert page.outside_requests == []


def test_an_unknown_code_is_a_chinese_page_with_the_favicon(page, settings):
    _set_up(settings)
    page.set_viewport_size(PHONE)
    response = page.goto("/cases/follow/NOSUCHCODE/")
    assert response.status == 404
    assert page.inner_text("#unknown-code h1") == "没有这个编号的事件"
    href = page.get_attribute("link[rel=icon]", "href")
    assert page.request.get(href).status == 200
    _no_sideways_scroll(page)
