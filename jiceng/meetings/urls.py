from django.urls import path

from jiceng.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.meeting_page, name="meeting"),
    path("<int:pk>/resolutions/", views.resolution_add, name="resolution_add"),
    path("systems/<int:pk>/", views.system_page, name="system"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("contact-points/", views.contact_points, name="contact_points"),
]
