"""Network sweep, run by `manage.py sweep`: re-check the parents whose units changed since their last
integrity check (rows marked stale by the orgs_unit triggers), a bounded batch per run."""

from jiceng.network import integrity

PER_RUN = 5000


def sweep(now) -> dict:
    return {"tiling_checks": integrity.refresh(limit=PER_RUN)}
