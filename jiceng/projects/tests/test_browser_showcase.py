"""In a real browser on a phone (390×844): the public showcase shows photos and progress bars, filters by
level through its form, and never scrolls sideways."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiceng.conftest import build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(colour):
    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, format="PNG")
    return SimpleUploadedFile("a.png", out.getvalue(), content_type="image/png")


def test_the_showcase_on_a_phone_filters_by_level_without_sideways_scroll(page):
    import datetime

    from jiceng.orgs.services import party_org_create
    from jiceng.projects import services

    city = build_city()
    party_org_create(actor=None, unit=city.community2, kind="community_committee", name="鼓楼社区党委",
                     parent=city.org_street2)
    year = datetime.date.today().year

    def make(unit, title, progress, colour=None):
        p = services.project_create(actor=None, unit=unit, title=title, problem="老旧小区楼道堆物，消防通道不畅通，居民反映强烈",
                                    goals="清理堆物，建立长效管理机制", deadline=datetime.date(year, 12, 31),
                                    year=year, leader_name="刘书记", public=True)
        services.progress_report_submit(actor=None, month=datetime.date(year, 1, 1), progress=progress, project=p)
        if colour:
            services.project_photo_add(actor=None, project=p, upload=_png(colour), caption=title)
        return p

    make(city.community, "幸福小区加装电梯", 65, (60, 120, 200))
    make(city.street, "解放路夜市整治", 30, (200, 90, 40))
    make(city.community2, "鼓楼社区停车棚改造", 90)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/projects/showcase/")
    assert page.locator(".showcase-card").count() == 3
    page.wait_for_function("() => [...document.querySelectorAll('img.showcase-photo')]"
                           ".every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator("img.showcase-photo").count() == 2
    bar = page.locator('.showcase-card:has-text("幸福小区加装电梯") .showcase-bar').bounding_box()
    track = page.locator('.showcase-card:has-text("幸福小区加装电梯") .showcase-progress').bounding_box()
    assert abs(bar["width"] / track["width"] - 0.65) < 0.02
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/wall18/showcase-390-all.png", full_page=True)

    page.select_option("#id_level", "street")
    page.click("#showcase-filters button[type=submit]")
    page.wait_for_url("**level=street**")
    titles = page.locator(".showcase-card h2").all_inner_texts()
    assert titles == ["解放路夜市整治"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "刘书记" not in page.content()
    page.screenshot(path="/tmp/wall18/showcase-390-street.png", full_page=True)
    assert page.outside_requests == []
