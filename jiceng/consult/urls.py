from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.consult import views, views_deliberation, views_stakeholders

app_name = "consult"
# The nav bar entries (jiceng/core/context.py collects every app's): (order, url name, label, who uses it:
# a capability or audience of jiceng/core/roles.py).
NAV = [(85, "consult:home", _("Asking the people"))]
urlpatterns = [
    path("", views.home, name="home"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("proposals/<int:pk>/<slug:action>/", views.proposal_action, name="proposal_action"),
    path("ballots/<int:pk>/", views.ballot, name="ballot"),
    path("ballots/<int:pk>/results/", views.results, name="results"),
    path("ballots/<int:pk>/<slug:action>/", views.ballot_action, name="ballot_action"),
    path("vote/<int:pk>/", views.vote, name="vote"),
    path("public/<str:code>/", views.public, name="public"),
    path("public/ballots/<int:pk>/", views.public_results, name="public_results"),
    path("export/<slug:table>/", views.export, name="export"),
    path("compounds/<str:code>/", views_deliberation.compound, name="compound"),
    path("compounds/<str:code>/registries/", views_stakeholders.compound_registries, name="compound_registries"),
    path("communities/<str:code>/", views_deliberation.community, name="community"),
    path("communities/<str:code>/registries/", views_stakeholders.community_registries, name="community_registries"),
    path("matters/", views_deliberation.matters, name="matters"),
    path("matters/<int:pk>/", views_deliberation.matter, name="matter"),
]
