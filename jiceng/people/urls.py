from django.urls import path

from jiceng.people import views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/reveal/", views.person_reveal, name="reveal"),
]
