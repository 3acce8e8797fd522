"""Every Excel export is audited: who downloaded what, when (issue 10, item 11).

Exports are built in many apps (units, people, cases, staff, compounds, projects, workforce, funds …);
rather than trusting each to remember, `ExportAuditMiddleware` writes one audit event for every
successful response whose type is a spreadsheet, for a signed-in user: the path and query that named
the export, never its content. Services that audit an export in more detail (people) keep doing so."""

from django.db import transaction
from django.http import HttpResponse

from jiceng.core.audit import audit_record

SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An Excel workbook as a download named `filename` (pages and API alike); its type is the one the
    audit middleware below records."""
    response = HttpResponse(content, content_type=SPREADSHEET)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ExportAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (response.status_code == 200 and response.get("Content-Type", "").startswith(SPREADSHEET)
                and user is not None and user.is_authenticated):
            with transaction.atomic():
                audit_record(actor=user, action="export.download", object_type="export",
                             changes={"path": request.path, "query": request.META.get("QUERY_STRING", "")[:500]})
        return response
