"""Figures of the one network for a unit and everything under it (A6)."""

from jiceng.core.scope import subtree_q
from jiceng.network.models import CompoundProfile


def figures(unit, *, today) -> dict:
    return {
        "three_without_compounds_open": CompoundProfile.objects.filter(
            subtree_q(unit.path, "unit_path"), three_without=True, arrangement="").count(),
    }
