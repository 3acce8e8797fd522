from jiceng.core.matrix import SEE_GRID, Check, statuses


def _photo_url(c):
    """A case photo reported in grid G1, through the cases service; its URL under /media/."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiceng.cases.models import Category
    from jiceng.cases.services import case_submit
    from jiceng.core.testing import image_bytes

    png = image_bytes("PNG")
    case, _ = case_submit(actor=None, category=Category.objects.get(code="E0101"), description="路灯不亮",
                          source="api", lat=36.05, lng=111.42,
                          photos=[SimpleUploadedFile("p.png", png, content_type="image/png")])
    return case.attachments.get().file.url


CHECKS = {
    "core:media": [
        Check("GET", _photo_url, statuses(200, allowed=SEE_GRID, others={"anonymous": 302}),
              note="a case photo: only for people whose area holds the case"),
        Check("GET", lambda c: "/media/does/not/exist.png", statuses(404, allowed=[], others={"anonymous": 302})),
    ],
}
