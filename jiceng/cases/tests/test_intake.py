"""Intake: a case lands at its grid, idempotency keys, bad input writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiceng.cases.models import Case, CaseEvent, Rollup
from jiceng.cases.services import case_submit
from jiceng.cases.tests.conftest import G1_POINT, G2_POINT, OUTSIDE
from jiceng.core.errors import ValidationFailed
from jiceng.core.models import AuditEvent
from jiceng.core.testing import image_bytes

PNG = image_bytes("PNG")


def test_a_case_lands_at_the_grid_of_its_location(submit, city):
    case = submit()
    assert case.grid == city.grid and case.handler == city.grid and case.level == "grid"
    assert case.unit_path == city.grid.path
    assert case.status == "received" and case.version == 1
    assert case.deadline_at is not None and case.warn_at < case.deadline_at
    assert CaseEvent.objects.filter(case=case, action="receive").count() == 1
    assert AuditEvent.objects.filter(action="case.submit", object_id=str(case.pk)).count() == 1


def test_a_category_with_a_higher_default_level_goes_to_that_level(submit, city):
    from jiceng.cases.models import Category

    case = submit(point=G2_POINT, category=Category.objects.get(code="E0501"))  # 路面塌陷: street
    assert case.grid == city.grid2 and case.handler == city.street2 and case.level == "street"


def test_the_same_idempotency_key_returns_the_first_case(city, cat):
    kw = dict(actor=None, category=cat, description="x", source="api", lat=G1_POINT[0], lng=G1_POINT[1],
              idempotency_key="k-1")
    first, created = case_submit(**kw)
    again, created_again = case_submit(**kw)
    assert created and not created_again and first.pk == again.pk
    assert Case.objects.count() == 1
    assert Rollup.objects.get().received == 1


@pytest.mark.parametrize(("kw", "code"), [
    ({"lat": OUTSIDE[0], "lng": OUTSIDE[1]}, "outside_city"),
    ({"description": "长" * 4001}, "too_long"),
    ({"description": "   "}, "validation"),
    ({"photos": [SimpleUploadedFile("a.png", b"not an image", "image/png")]}, "photo_not_image"),
    ({"photos": [SimpleUploadedFile("a.png", PNG + b"\0" * (5 * 1024 * 1024), "image/png")]}, "photo_too_large"),
    ({"lat": None, "lng": None}, "no_location"),
])
def test_bad_input_is_refused_and_nothing_is_written(city, cat, kw, code):
    args = dict(actor=None, category=cat, description="路灯不亮", source="phone", lat=G1_POINT[0], lng=G1_POINT[1])
    args.update(kw)
    with pytest.raises(ValidationFailed) as err:
        case_submit(**args)
    assert err.value.code == code
    assert Case.objects.count() == 0 and Rollup.objects.count() == 0


def test_a_photo_is_stored_with_the_case(city, cat):
    case, _ = case_submit(actor=None, category=cat, description="x", source="phone", lat=G1_POINT[0],
                          lng=G1_POINT[1], photos=[SimpleUploadedFile("p.png", PNG, "image/png")])
    att = case.attachments.get()
    assert att.content_type == "image/png" and att.size == len(PNG)


def test_gcj02_coordinates_are_converted(city, cat):
    from jiceng.core.geo.coords import from_wgs84

    glat, glng = from_wgs84(G1_POINT[0], G1_POINT[1], "gcj02")
    case, _ = case_submit(actor=None, category=cat, description="x", source="api", lat=glat, lng=glng, crs="gcj02")
    assert abs(case.lat - G1_POINT[0]) < 1e-5 and case.grid == city.grid


def test_public_intake_is_throttled_per_address(city, cat, settings):
    from jiceng.cases.services import Throttled

    settings.JICENG_INTAKE_MAX_PER_HOUR = 2
    kw = dict(actor=None, category=cat, description="x", source="phone", lat=G1_POINT[0], lng=G1_POINT[1])
    case_submit(client_address="1.2.3.4", **kw)
    case_submit(client_address="1.2.3.4", **kw)
    with pytest.raises(Throttled):
        case_submit(client_address="1.2.3.4", **kw)
    case_submit(client_address="5.6.7.8", **kw)
    assert Case.objects.count() == 3
