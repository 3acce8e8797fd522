"""Find per-app modules (api, urls, figures, demo, matrix) by convention, so apps plug in alone."""

import functools
import importlib
import importlib.util

from django.apps import apps


def jiceng_apps():
    return [cfg for cfg in apps.get_app_configs() if cfg.name.startswith("jiceng.")]


def app_modules(submodule: str):
    """(app_config, module) for every Jiceng app that has `<app>.<submodule>`, looked up once per process."""
    return _app_modules(submodule)


@functools.cache
def _app_modules(submodule: str) -> tuple:
    found = []
    for cfg in jiceng_apps():
        name = f"{cfg.name}.{submodule}"
        if importlib.util.find_spec(name) is not None:
            found.append((cfg, importlib.import_module(name)))
    return tuple(found)
