"""Issue 10, item 3: an upload cannot run script, leak a position, or blow up the server.

Written as an attacker tries it: a file that starts like a GIF but is HTML, a photo with GPS in its
EXIF, a PNG with HTML glued behind it, a decompression bomb, an HTML page sent as project evidence;
and then the served file is checked for its type and headers.
"""

import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiceng.core.testing import image_bytes, photo_upload

HTML_GIF = b"GIF89a<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def report(client):
    """Post the public phone page with the given photos; returns the response."""
    from jiceng.cases.models import Category

    def post(*photos):
        return client.post("/cases/report/", {
            "category": Category.objects.filter(children__isnull=True).values_list("code", flat=True).first() or "E0101",
            "description": "楼道里的灯坏了", "lat": "36.05", "lng": "111.42", "photos": list(photos)})

    return post


def _stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_html_that_starts_with_gif89a_is_refused_on_the_public_report_page(city, report, settings):
    from jiceng.cases.models import Attachment, Case

    r = report(SimpleUploadedFile("cat.gif", HTML_GIF, content_type="image/gif"))
    assert r.status_code == 422
    assert "图片" in r.content.decode()  # a clear Chinese message next to the form
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    assert _stored_files(settings.MEDIA_ROOT) == []


def test_html_as_gif_is_refused_as_an_action_photo_through_the_api(city, client_for):
    from jiceng.cases.models import Attachment, Category
    from jiceng.cases.services import case_submit

    case, _ = case_submit(actor=None, category=Category.objects.get(code="E0101"), description="路灯不亮",
                          source="api", lat=36.05, lng=111.42)
    r = client_for("grid_worker").post(f"/api/v1/cases/{case.code}/actions/with-photos", {
        "action": "register", "version": "1", "photos": [SimpleUploadedFile("x.html", HTML_GIF, "text/html")]})
    assert r.status_code == 422 and r.json()["code"] == "photo_not_image"
    assert "图片" in r.json()["detail"]
    case.refresh_from_db()
    assert case.status == "received" and case.version == 1 and Attachment.objects.count() == 0


def test_a_real_jpeg_with_gps_comes_back_without_exif_under_a_server_chosen_name(city, report, client_for):
    from PIL import Image

    from jiceng.cases.models import Attachment

    original = image_bytes("JPEG", size=(64, 48), gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the attacker's file has GPS
    r = report(SimpleUploadedFile("../../evil.html", original, content_type="text/html"))
    assert r.status_code == 200  # the thank-you page
    attachment = Attachment.objects.get()
    assert attachment.file.name.endswith(".jpg") and "evil" not in attachment.file.name
    assert attachment.content_type == "image/jpeg"
    r = client_for("grid_worker").get(attachment.file.url)
    assert r.status_code == 200
    body = b"".join(r.streaming_content)
    assert b"Exif" not in body and b"PhoneMaker" not in body
    stored = Image.open(io.BytesIO(body))
    assert stored.format == "JPEG" and stored.size == (64, 48)
    assert not stored.getexif() and not stored.getexif().get_ifd(0x8825)


def test_html_glued_behind_a_valid_png_is_not_stored(city, report, settings):
    from jiceng.cases.models import Attachment

    polyglot = image_bytes("PNG") + b"<script>alert(1)</script>"
    r = report(SimpleUploadedFile("p.png", polyglot, content_type="image/png"))
    assert r.status_code == 200  # the thank-you page
    stored = Attachment.objects.get().file.read()
    assert b"<script>" not in stored and stored.startswith(b"\x89PNG")


def _png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG that claims width x height grey pixels (the pixel data: zeros, compressed)."""
    import struct

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    compressor = zlib.compressobj(9)
    row = b"\0" * (width + 1)
    raw = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_before_its_pixels_are_read(city, report):
    from jiceng.cases.models import Case

    r = report(SimpleUploadedFile("bomb.png", _png_bomb(50_000, 50_000), content_type="image/png"))
    assert r.status_code == 413
    assert "像素" in r.content.decode()
    assert Case.objects.count() == 0


def test_a_served_photo_has_its_type_nosniff_and_a_policy_that_runs_nothing(city, report, client_for):
    from jiceng.cases.models import Attachment

    assert report(photo_upload("a.gif", "GIF")).status_code == 200  # the thank-you page
    attachment = Attachment.objects.get()
    assert attachment.file.name.endswith(".png")  # a GIF is stored as a PNG
    r = client_for("grid_worker").get(attachment.file.url)
    assert r.status_code == 200
    assert r["Content-Type"] == "image/png"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Security-Policy"].startswith("default-src 'none'")
    assert not r.get("Content-Disposition", "").startswith("attachment")


@pytest.fixture
def project(city):
    import datetime

    from jiceng.projects.services import project_create

    return project_create(actor=None, unit=city.community, title="加装电梯", problem="老楼无电梯", goals="年内完成", leader_name="刘书记",
                          deadline=datetime.date(2026, 12, 31))


def test_html_sent_as_project_evidence_named_pdf_is_refused(city, project, client_for, settings):
    from jiceng.projects.models import Evidence

    page = b"<!doctype html><html><script>fetch('/api/v1/people')</script></html>"
    r = client_for("community_worker").post(f"/api/v1/projects/projects/{project.pk}/evidence", {
        "title": "验收报告", "file": SimpleUploadedFile("report.pdf", page, "application/pdf")})
    assert r.status_code == 422 and r.json()["code"] == "file_type"
    assert "PDF" in r.json()["detail"]
    assert Evidence.objects.count() == 0 and _stored_files(settings.MEDIA_ROOT) == []


def test_a_pdf_evidence_is_served_as_an_attachment_with_its_type(city, project, client_for):
    from jiceng.projects.models import Evidence

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    r = client_for("community_worker").post(f"/api/v1/projects/projects/{project.pk}/evidence", {
        "title": "验收报告", "file": SimpleUploadedFile("report.html", pdf, "text/html")})
    assert r.status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.file.name.endswith(".pdf") and "report" not in evidence.file.name
    r = client_for("community_worker").get(evidence.file.url)
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment")
    assert r["X-Content-Type-Options"] == "nosniff" and r["Content-Security-Policy"].startswith("default-src 'none'")


def test_an_old_file_with_a_dangerous_extension_is_served_as_an_opaque_download(city, project, client_for):
    """Files stored before this fix keep their names: they are never served as HTML."""
    from django.core.files.base import ContentFile

    from jiceng.projects.models import Evidence

    evidence = Evidence.objects.create(project=project, unit_path=project.unit_path, title="旧文件")
    evidence.file.save("old.html", ContentFile(b"<script>alert(1)</script>"), save=True)
    r = client_for("community_worker").get(evidence.file.url)
    assert r.status_code == 200
    assert r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"].startswith("attachment")
    assert r["X-Content-Type-Options"] == "nosniff"
