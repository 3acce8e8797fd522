from django.urls import path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from jiceng.cases import views
from jiceng.cases.open311 import views as o311

app_name = "cases"
# The nav bar entries (jiceng/core/context.py collects every app's): (order, url name, label, who uses it:
# a capability or audience of jiceng/core/roles.py).
NAV = [
    (36, "cases:report", _("Report a problem"), "public"),
    (37, "cases:mine", _("My reports"), "public"),
    (38, "cases:board", _("Board"), "supervise"),
    (40, "cases:desk", _("Cases"), "office"),
    (41, "cases:queue", _("My queue"), "grid_workers"),
    (42, "cases:patrol", _("Patrol report"), "grid_workers"),
]
URL_PREFIX = ""
FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    path("cases/report/", views.report, name="report"),
    path("cases/report/duplicates/", views.report_duplicates, name="report_duplicates"),
    path("cases/report/code/", views.report_code, name="report_code"),
    path("cases/report/nearby/", views.report_nearby, name="report_nearby"),
    path("cases/patrol/", views.patrol, name="patrol"),
    path("cases/follow/", views.follow_lookup, name="follow_lookup"),
    path("cases/follow/<str:code>/", views.follow, name="follow"),
    path("cases/follow/<str:code>/photos/<int:photo_id>/", views.follow_photo, name="follow_photo"),
    path("cases/public/", views.public_cases, name="public"),
    path("cases/queue/", views.queue, name="queue"),
    path("cases/mine/", views.mine, name="mine"),
    path("cases/desk/", views.desk, name="desk"),
    path("cases/board/", views.board, name="board"),
    path("cases/hotline/", views.hotline, name="hotline"),
    # The in-app notifications moved to the accounts app (every capability's, not only cases'); old links work.
    path("cases/notifications/", RedirectView.as_view(pattern_name="accounts:notifications", permanent=True),
         name="notifications"),
    path("cases/open311-keys/", views.open311_keys, name="open311_keys"),
    path("cases/open311-keys/<int:key_id>/revoke/", views.open311_key_revoke, name="open311_key_revoke"),
    path("cases/<str:code>/", views.detail, name="detail"),
    path("cases/<str:code>/act/", views.act, name="act"),
    path("cases/<str:code>/whistle/", views.whistle, name="whistle"),
    path("cases/<str:code>/merge/", views.merge, name="merge"),
    path("cases/cards/<int:card_id>/chase/", views.chase, name="chase"),
    path("cases/whistles/<int:whistle_id>/report-in/", views.report_in, name="report_in"),
    path("open311/v2/", o311.root, name="open311_root"),
    re_path(r"^open311/v2/discovery" + FMT, o311.discovery, name="open311_discovery"),
    re_path(r"^open311/v2/services" + FMT, o311.services_list, name="open311_services"),
    re_path(r"^open311/v2/services/(?P<service_code>[^/.]+)" + FMT, o311.service_definition,
            name="open311_service"),
    re_path(r"^open311/v2/requests" + FMT, o311.requests_view, name="open311_requests"),
    re_path(r"^open311/v2/requests/(?P<request_id>[^/.]+)" + FMT, o311.request_detail, name="open311_request"),
    re_path(r"^open311/v2/tokens/(?P<token>[^/.]+)" + FMT, o311.token_detail, name="open311_token"),
]
