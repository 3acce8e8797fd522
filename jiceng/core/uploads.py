"""Every uploaded file passes through here before it is stored (issue 10, item 3).

- Images are decoded with Pillow (bounded: pixel count and file size checked before the pixels are
  read, so a decompression bomb is refused, not expanded), turned upright, and re-encoded as JPEG, PNG
  or WebP. Re-encoding drops everything but the pixels: EXIF (with GPS), XMP, comments, and whatever
  bytes a "polyglot" file hid behind a valid header.
- Other documents (project evidence) are accepted only when their content is one of a short list of
  types (PDF, Word/Excel/PowerPoint OOXML); they are later served as attachments, never inline.
- The stored name and extension are chosen here (a random hex name), never taken from the client.

Each refusal is a ValidationFailed (422) with a Chinese message, or TooLarge (413) for size; the
caller stores nothing. `protected_media` (jiceng.core.views) serves the stored files with the type
recorded from the content, `X-Content-Type-Options: nosniff` and `Content-Security-Policy:
default-src 'none'`.
"""

from __future__ import annotations

import dataclasses
import io
import uuid
import warnings
import zipfile

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from jiceng.core.errors import TooLarge, ValidationFailed
from jiceng.core.limits import read_upload

MB = 1024 * 1024
MAX_IMAGE_BYTES = 5 * MB
MAX_IMAGE_PIXELS = 40_000_000  # 40 megapixels: any phone photo; a bomb claims far more
MAX_IMAGE_SIDE = 4096  # larger photos are scaled down on re-encoding (they are looked at, not printed)
MAX_DOCUMENT_BYTES = 10 * MB

# Pillow format -> (stored format, content type, extension). GIF becomes PNG (first frame).
IMAGE_OUTPUT = {
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "MPO": ("JPEG", "image/jpeg", "jpg"),  # phones' JPEG with a second frame
    "PNG": ("PNG", "image/png", "png"),
    "GIF": ("PNG", "image/png", "png"),
    "WEBP": ("WEBP", "image/webp", "webp"),
}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}

OOXML = {  # a part every such file has -> (content type, extension)
    "word/document.xml": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/workbook.xml": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/presentation.xml": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}


@dataclasses.dataclass
class CleanFile:
    """A file ready to store: `content.name` is the server-chosen name."""

    content: ContentFile
    content_type: str
    size: int

    @property
    def name(self) -> str:
        return self.content.name

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES


def server_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"


def _read(upload, *, max_bytes: int, field: str, code: str = "too_large") -> bytes:
    return read_upload(upload, max_bytes=max_bytes, field=field, code=code)


def _not_image(field: str):
    return ValidationFailed(_("A photo must be a JPEG, PNG, GIF or WebP image."), field=field,
                            code="photo_not_image")


def clean_image(upload, *, field: str = "photos", max_bytes: int = MAX_IMAGE_BYTES) -> CleanFile:
    """Decode, check and re-encode one uploaded image. Anything Pillow cannot fully decode is refused."""
    from PIL import Image, ImageOps

    data = _read(upload, max_bytes=max_bytes, field=field, code="photo_too_large")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "GIF", "WEBP"])
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise TooLarge(_("An image may have at most %(mp)d megapixels.") % {"mp": MAX_IMAGE_PIXELS // 10**6},
                               field=field, code="image_too_large")
            fmt = image.format
            image.load()
            image = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise TooLarge(_("An image may have at most %(mp)d megapixels.") % {"mp": MAX_IMAGE_PIXELS // 10**6},
                           field=field, code="image_too_large") from None
        except TooLarge:
            raise
        except Exception:  # noqa: BLE001 — Pillow raises many kinds for a broken or foreign file
            raise _not_image(field) from None
    out_format, content_type, extension = IMAGE_OUTPUT[fmt]
    if out_format == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    image.info = {}  # nothing of the original's metadata is carried over
    buffer = io.BytesIO()
    options = {"quality": 85, "optimize": True} if out_format == "JPEG" else {}
    if out_format == "WEBP":
        options = {"quality": 85}
    image.save(buffer, format=out_format, **options)
    body = buffer.getvalue()
    return CleanFile(ContentFile(body, name=server_name(extension)), content_type, len(body))


def clean_images(uploads, *, field: str = "photos", max_count: int, max_bytes: int = MAX_IMAGE_BYTES) -> list[CleanFile]:
    uploads = list(uploads or [])
    if len(uploads) > max_count:
        raise ValidationFailed(_("At most %(n)d photos at a time.") % {"n": max_count}, field=field,
                               code="too_many_photos")
    return [clean_image(u, field=field, max_bytes=max_bytes) for u in uploads]


def _document_type(data: bytes) -> tuple[str, str] | None:
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names:
            return next((kind for part, kind in OOXML.items() if part in names), None)
    return None


def clean_document(upload, *, field: str = "file", max_bytes: int = MAX_DOCUMENT_BYTES) -> CleanFile:
    """An evidence file: an image (re-encoded as above), a PDF or an Office (OOXML) document, by content."""
    data = _read(upload, max_bytes=max_bytes, field=field)
    kind = _document_type(data)
    if kind is None:
        try:
            return clean_image(ContentFile(data), field=field, max_bytes=max_bytes)
        except ValidationFailed as exc:
            if exc.code != "photo_not_image":
                raise
            raise ValidationFailed(_("The file must be an image (JPEG, PNG, GIF, WebP), a PDF or an Office "
                                     "document (.docx, .xlsx, .pptx)."), field=field, code="file_type") from None
    content_type, extension = kind
    return CleanFile(ContentFile(data, name=server_name(extension)), content_type, len(data))


# What protected_media answers for a stored file, from the extension this module chose.
SERVED_TYPES = {
    "jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf",
    **{ext: ct for ct, ext in OOXML.values()},
}


def served_type(name: str) -> tuple[str, bool]:
    """(content type, inline?) for a stored file name. Unknown extensions (files stored before this
    module) are served as opaque downloads."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = SERVED_TYPES.get(extension, "application/octet-stream")
    return content_type, content_type in IMAGE_TYPES
