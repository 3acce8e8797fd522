import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiceng.core.errors import ValidationFailed
from jiceng.stations.models import PositionPhoto
from jiceng.stations.services import position_create, position_photo_add


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def position(city):
    return position_create(actor=None, unit=city.compound, level="station", name="驿站", lat=36.05, lng=111.42,
                           address="五一路")


def test_a_photo_is_decoded_and_re_encoded(position, city):
    payload = png_bytes() + b"<script>alert(1)</script>"  # trailing bytes after the image
    photo = position_photo_add(actor=city.users["community_worker"], position=position,
                               upload=SimpleUploadedFile("a.png", payload, content_type="image/png"))
    stored = photo.file.read()
    assert b"<script>" not in stored and stored.startswith(b"\xff\xd8")  # re-encoded as JPEG
    assert (photo.width, photo.height) == (40, 30)


@pytest.mark.parametrize("payload", [b"GIF89a" + b"\x00" * 40, b"<svg onload=alert(1)></svg>", b"\x89PNG\r\n\x1a\n"])
def test_what_does_not_decode_is_refused_and_nothing_is_written(position, city, payload):
    with pytest.raises(ValidationFailed) as err:
        position_photo_add(actor=city.users["community_worker"], position=position,
                           upload=SimpleUploadedFile("x.png", payload, content_type="image/png"))
    assert err.value.code == "photo_not_image"
    assert not PositionPhoto.objects.exists()


def test_the_page_upload_says_so_in_chinese(position, client_for):
    c = client_for("community_worker")
    r = c.post(f"/stations/positions/{position.pk}/photos/",
               {"photo": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")},
               HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422 and "照片无法识别" in r.content.decode()
    ok = c.post(f"/stations/positions/{position.pk}/photos/",
                {"photo": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")})
    assert ok.status_code == 302
    photo = PositionPhoto.objects.get()
    public = c.get(f"/stations/photos/{photo.pk}/")
    assert public.status_code == 200 and public["Content-Type"] == "image/jpeg"
