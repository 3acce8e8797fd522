"""Core sweep, run by `manage.py sweep`: tasks left RUNNING by a dead worker go back to the queue.

django-tasks' database worker claims a task (status RUNNING, its id appended to `worker_ids`) and sets
SUCCESSFUL or FAILED when the task ends. A worker killed in the middle (SIGKILL, out of memory, a lost
machine) leaves the row RUNNING for ever. A task RUNNING for longer than JICENG_TASK_LEASE_SECONDS (longer
than any task takes) is set READY again and the next free worker runs it once more; the tasks are written
to be run twice (a notification's deliveries are claimed by key and channel, see jiceng/core/notify.py).
One UPDATE with a row condition: two sweeps at once requeue a task once."""

import datetime

from django.conf import settings


def requeue_stale_tasks(now) -> int:
    from django_tasks_db.models import DBTaskResult

    lease = datetime.timedelta(seconds=getattr(settings, "JICENG_TASK_LEASE_SECONDS", 600))
    return DBTaskResult.objects.filter(status="RUNNING", started_at__lt=now - lease).update(
        status="READY", started_at=None)


def sweep(now) -> dict:
    return {"tasks_requeued": requeue_stale_tasks(now)}
