from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "jiceng.projects"
    label = "projects"
