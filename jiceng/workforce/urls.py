from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.workforce import views

app_name = "workforce"
# The nav bar entries (jiceng/core/context.py collects every app's): (order, url name, label, who uses it:
# a capability or audience of jiceng/core/roles.py).
NAV = [(70, "workforce:home", _("Workforce"), "office")]
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.worker_new, name="worker_new"),
    path("roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path("import/", views.roster_import, name="roster_import"),
    path("workers/<int:pk>/", views.worker_page, name="worker"),
    path("workers/<int:pk>/transfer/", views.worker_transfer, name="worker_transfer"),
    path("workers/<int:pk>/status/", views.worker_status, name="worker_status"),
    path("workers/<int:pk>/post/", views.worker_post, name="worker_post"),
    path("workers/<int:pk>/attendance/", views.worker_attendance, name="worker_attendance"),
    path("workers/<int:pk>/evaluations/", views.evaluation_new, name="evaluation_new"),
    path("workers/<int:pk>/payslips/<str:month>/", views.payslip, name="payslip"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/<int:pk>/appeal/", views.evaluation_appeal, name="evaluation_appeal"),
    path("evaluations/<int:pk>/decide/", views.evaluation_decide, name="evaluation_decide"),
    path("payrolls/", views.payrolls, name="payrolls"),
    path("payrolls/<int:pk>/", views.payroll_page, name="payroll"),
    path("payrolls/<int:pk>/approve/", views.payroll_approve, name="payroll_approve"),
    path("payrolls/<int:pk>/bank.xlsx", views.payroll_xlsx, name="payroll_xlsx"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("streets/", views.streets, name="streets"),
    path("streets/<str:code>/config/", views.street_config, name="street_config"),
    path("seats/", views.seats, name="seats"),
    path("seats/new/", views.seat_new, name="seat_new"),
    path("scale/", views.scale, name="scale"),
    path("scale/<str:code>/", views.scale_set, name="scale_set"),
    path("scale/<str:code>/pay/", views.pay_table_set, name="pay_table_set"),
    path("powers/", views.powers, name="powers"),
    path("powers/new/", views.power_new, name="power_new"),
    path("powers/<int:pk>/grants/", views.power_grant, name="power_grant"),
]
