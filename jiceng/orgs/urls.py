from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.orgs import views

app_name = "orgs"
# The nav bar entries (jiceng/core/context.py collects every app's): (order, url name, label, who uses it:
# a capability or audience of jiceng/core/roles.py).
NAV = [(10, "orgs:units", _("Units"), "staff")]
URL_PREFIX = ""
urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.units, name="units"),
    path("units/<str:code>/", views.unit_page, name="unit"),
    path("units/<str:code>/import/units/", views.unit_import, name="import_units"),
    path("units/<str:code>/import/people/", views.people_import, name="import_people"),
    path("units/<str:code>/export/<str:what>.xlsx", views.unit_export, name="export"),
    path("units/<str:code>/party-orgs/", views.party_orgs_page, name="party_orgs"),
    path("party-orgs/<int:pk>/", views.party_org_page, name="party_org"),
    path("party-orgs/<int:pk>/move/", views.party_org_move, name="party_org_move"),
    path("party-orgs/<int:pk>/dissolve/", views.party_org_dissolve, name="party_org_dissolve"),
    path("units/<str:code>/big-committee/", views.committees_page, name="committees"),
    path("big-committees/<int:pk>/", views.committee_page, name="committee"),
    path("big-committees/<int:pk>/members/", views.committee_member_add, name="committee_member_add"),
    path("big-committees/<int:pk>/renew/", views.committee_renew, name="committee_renew"),
    path("big-committees/members/<int:pk>/leave/", views.committee_member_leave, name="committee_member_leave"),
]
