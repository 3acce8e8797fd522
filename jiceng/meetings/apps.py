from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "jiceng.meetings"
    label = "meetings"
