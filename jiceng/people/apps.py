from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "jiceng.people"
    label = "people"
