"""Vouchers and project photos, checked by what they contain (never by their name or declared type).

Images go through the platform's `jiceng.core.uploads` (Pillow decode with bomb limits, upright,
re-encoded so that metadata and hidden bytes are dropped, a server-chosen name). A voucher may also be
a PDF: on top of the content check, funds refuses PDFs that carry scripts, launch actions or embedded
files (a voucher is a receipt, nothing in it needs to run), and Office documents are not vouchers.
"""

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from jiceng.core.errors import ValidationFailed
from jiceng.core.limits import read_upload
from jiceng.core.uploads import MAX_DOCUMENT_BYTES, CleanFile, clean_image, clean_images, server_name

PDF_FORBIDDEN = (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


def _pdf(data: bytes, field: str) -> CleanFile:
    if b"%%EOF" not in data[-2048:]:
        raise ValidationFailed(_("The PDF file is damaged or incomplete."), field=field, code="pdf_broken")
    if any(token in data for token in PDF_FORBIDDEN):
        raise ValidationFailed(_("PDF files with scripts, attachments or actions are not accepted."), field=field,
                               code="pdf_active")
    return CleanFile(ContentFile(data, name=server_name("pdf")), "application/pdf", len(data))


def clean_voucher(upload, field: str = "voucher") -> CleanFile:
    """A voucher: an image (re-encoded by core.uploads) or a PDF without active content."""
    data = read_upload(upload, max_bytes=MAX_DOCUMENT_BYTES, field=field, code="file_too_large")
    if not data:
        raise ValidationFailed(_("The file is empty."), field=field, code="file_empty")
    if data.startswith(b"%PDF-"):
        return _pdf(data, field)
    try:
        return clean_image(ContentFile(data), field=field, max_bytes=MAX_DOCUMENT_BYTES)
    except ValidationFailed as exc:
        if exc.code != "photo_not_image":
            raise
        raise ValidationFailed(_("A voucher must be an image (JPEG, PNG, GIF, WebP) or a PDF file."), field=field,
                               code="voucher_not_image_or_pdf") from None


def clean_photos(uploads, *, max_count: int) -> list[CleanFile]:
    """A project step's photos, each re-encoded by core.uploads."""
    return clean_images(uploads, field="photos", max_count=max_count)
