"""Background work: the 15-minute coverage is recomputed by the worker (`manage.py db_worker`) after a
position opens, closes or moves, or the walking network is replaced."""

from django_tasks import task

from jiceng.stations.coverage import coverage_compute


@task()
def coverage_recompute():
    run = coverage_compute()
    return {"as_of": run.as_of.isoformat() if run else None, "positions": run.positions if run else 0}
