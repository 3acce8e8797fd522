"""Columns that copy a unit's path (`unit_path`), found by convention, so a unit move updates them all."""

from django.apps import apps
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

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


def rewrite_paths(old_prefix: str, new_prefix: str, *, exclude=()) -> int:
    """Replace a path prefix everywhere it is copied. Returns the number of rows changed."""
    changed = 0
    for model, field in path_columns():
        if model in exclude:
            continue
        changed += model.objects.filter(subtree_q(old_prefix, field)).update(
            **{field: Concat(Value(new_prefix), Substr(F(field), len(old_prefix) + 1))}
        )
    return changed
