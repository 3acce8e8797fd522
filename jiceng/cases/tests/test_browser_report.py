"""In a real browser: a resident reports from the phone page with a map pin and a photo, then follows it."""

import pytest

from jiceng.conftest import build_city
from jiceng.core.testing import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = image_bytes("PNG", size=(1, 1))  # a real image: photos are decoded and re-encoded


def test_a_resident_reports_from_the_phone_page_with_a_photo(page):
    from jiceng.cases.models import Case

    city = build_city()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/cases/report/")
    page.select_option("#category", "E0101")
    page.fill("#description", "小区门口垃圾堆放三天了")
    page.locator("#pin").scroll_into_view_if_needed()  # the pin comes first; typing scrolled the page on
    box = page.locator("#pin").bounding_box()
    # the map opens on the city's point (111.5, 36.1); 60 px right and down is about (111.52, 36.085)
    page.mouse.click(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2 + 60)
    assert page.input_value("#lat") and page.input_value("#lng")
    page.set_input_files("#photos", files=[{"name": "photo.png", "mimeType": "image/png", "buffer": PNG}])
    page.check("input[name=anonymous]")
    page.click("#submit")
    page.wait_for_selector("#follow-secret")  # the thank-you page shows the follow secret once
    code = page.inner_text("#case-code").strip()
    case = Case.objects.get(code=code)
    assert case.grid == city.grid2  # (111.52, 36.085) lies in 鼓楼第一网格
    assert case.anonymous and case.attachments.count() == 1 and case.attachments.get().content_type == "image/png"
    assert page.outside_requests == []


def test_with_the_sms_check_a_resident_confirms_the_number_by_code(page, settings):
    import re

    from jiceng.cases.models import Case
    from jiceng.core.notify import ConsoleSmsGateway

    settings.JICENG_INTAKE_SMS_CHECK = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ConsoleSmsGateway.sent.clear()
    build_city()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/cases/report/")
    page.select_option("#category", "E0101")
    page.fill("#description", "路灯不亮")
    page.locator("#pin").scroll_into_view_if_needed()  # the pin comes first; typing scrolled the page on
    box = page.locator("#pin").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.fill("#phone", "13912345678")
    page.click("#send-code")
    page.wait_for_selector("#sms-status:has-text('139****5678')")
    code = re.search(r"\d{6}", ConsoleSmsGateway.sent[-1][1]).group(0)
    page.fill("#sms_code", "000000" if code != "000000" else "111111")
    page.click("#submit")
    assert "4" in page.inner_text("#form-error")  # wrong: "4 tries left", in the page's language
    assert Case.objects.count() == 0
    page.fill("#sms_code", code)
    page.click("#submit")
    page.wait_for_selector("#follow-secret")
    case = Case.objects.get(code=page.inner_text("#case-code").strip())
    assert case.reporter_phone_masked == "139****5678"
    assert page.outside_requests == []
