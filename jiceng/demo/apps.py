from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jiceng.demo"
    label = "demo"

    def ready(self):
        from jiceng.demo import checks  # noqa: F401 - registers the demo-only system check
