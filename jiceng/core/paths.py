"""Columns that copy a unit's path (`unit_path`), found by convention, so a unit move updates them all."""

from django.apps import apps
from django.db.models import F, Value
from django.db.models.functions import Concat, Replace, Substr

from jiceng.core.scope import subtree_q


def path_columns():
    """(model, field name) for every Jiceng model with a live `unit_path` column."""
    for model in apps.get_models():
        if not model.__module__.startswith("jiceng."):
            continue
        # Records of the past (the audit log, published snapshots) keep the path they had.
        if getattr(model, "unit_path_is_historic", False):
            continue
        names = {f.name for f in model._meta.concrete_fields}
        if "unit_path" in names:
            yield model, "unit_path"


def moved_path(field: str, old_path: str, new_path: str, old_code: str, new_code: str):
    """SQL expression: a path under `old_path` after its unit moved to `new_path` with a new code.

    Codes below the moved unit extend its code, so every segment after the old path starts with the
    old code; segments are delimited by "/", so replacing "/<old code>" rewrites exactly those starts.
    """
    return Concat(Value(new_path[:-1]),
                  Replace(Substr(F(field), len(old_path)), Value("/" + old_code), Value("/" + new_code)))


def rewrite_paths(old_path: str, new_path: str, old_code: str, new_code: str, *, exclude=()) -> int:
    """Rewrite every copied path under a moved unit. Returns the number of rows changed."""
    changed = 0
    for model, field in path_columns():
        if model in exclude:
            continue
        changed += model.objects.filter(subtree_q(old_path, field)).update(
            **{field: moved_path(field, old_path, new_path, old_code, new_code)})
    return changed
