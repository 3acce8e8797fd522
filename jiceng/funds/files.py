"""Vouchers and photos, checked by what they contain (never by their name or declared type).

Images are decoded and re-encoded with Pillow, which drops anything hidden in them (metadata, scripts,
trailing data). PDFs must start like a PDF, end like one, and carry no scripts or launch actions.
(A shared core/uploads.py is being written elsewhere; when it lands these checks can move there.)
"""

import io
import secrets

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from jiceng.core.errors import ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
PDF_FORBIDDEN = (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


def _read(upload, field: str) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationFailed(_("A file may be at most %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
                               field=field, code="file_too_large")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed(_("A file may be at most %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
                               field=field, code="file_too_large")
    if not data:
        raise ValidationFailed(_("The file is empty."), field=field, code="file_empty")
    return data


def _image(data: bytes, field: str) -> ContentFile | None:
    """The image re-encoded (JPEG, or PNG when it has transparency); None when it is not an image."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in ("JPEG", "PNG", "GIF", "WEBP", "BMP"):
                return None
            img.load()
            has_alpha = img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info)
            out = io.BytesIO()
            if has_alpha:
                img.convert("RGBA").save(out, format="PNG", optimize=True)
                ext = "png"
            else:
                img.convert("RGB").save(out, format="JPEG", quality=85)
                ext = "jpg"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(8)}.{ext}")


def _pdf(data: bytes, field: str) -> ContentFile | None:
    if not data.startswith(b"%PDF-"):
        return None
    if b"%%EOF" not in data[-2048:]:
        raise ValidationFailed(_("The PDF file is damaged or incomplete."), field=field, code="pdf_broken")
    if any(token in data for token in PDF_FORBIDDEN):
        raise ValidationFailed(_("PDF files with scripts, attachments or actions are not accepted."), field=field,
                               code="pdf_active")
    return ContentFile(data, name=f"{secrets.token_hex(8)}.pdf")


def clean_voucher(upload, field: str = "voucher") -> tuple[ContentFile, str]:
    """A voucher: an image (re-encoded) or a PDF. Returns (file, content type)."""
    data = _read(upload, field)
    pdf = _pdf(data, field)
    if pdf is not None:
        return pdf, "application/pdf"
    image = _image(data, field)
    if image is None:
        raise ValidationFailed(_("A voucher must be an image (JPEG, PNG, GIF, WebP) or a PDF file."), field=field,
                               code="voucher_not_image_or_pdf")
    return image, "image/png" if image.name.endswith(".png") else "image/jpeg"


def clean_photo(upload, field: str = "photos") -> ContentFile:
    data = _read(upload, field)
    image = _image(data, field)
    if image is None:
        raise ValidationFailed(_("A photo must be a JPEG, PNG, GIF or WebP image."), field=field,
                               code="photo_not_image")
    return image
