"""A worker killed in the middle of a task (issue 17): the sweep requeues the task after the lease, and
the second run of a notification sends only what the first did not finish (scripts/faults.py task-kill
does the same with a real SIGKILLed `db_worker`)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from jiceng.core import notify, sweeps
from jiceng.core.models import NotificationDelivery


def _task(status, started_at):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(status=status, started_at=started_at, args_kwargs={"args": [], "kwargs": {}},
                                       task_path="jiceng.core.notify.deliver", backend_name="default",
                                       run_after=timezone.now(), worker_ids=["dead-worker"])


@pytest.mark.django_db
def test_a_task_running_past_the_lease_goes_back_to_the_queue_and_a_fresh_one_stays(settings):
    settings.JICENG_TASK_LEASE_SECONDS = 60
    now = timezone.now()
    stale = _task("RUNNING", now - datetime.timedelta(seconds=61))
    fresh = _task("RUNNING", now - datetime.timedelta(seconds=10))
    done = _task("SUCCESSFUL", now - datetime.timedelta(hours=1))
    assert sweeps.sweep(now) == {"tasks_requeued": 1}
    for row in (stale, fresh, done):
        row.refresh_from_db()
    assert (stale.status, stale.started_at) == ("READY", None)
    assert fresh.status == "RUNNING" and done.status == "SUCCESSFUL"
    assert sweeps.sweep(now) == {"tasks_requeued": 0}


@pytest.mark.django_db
def test_the_sweep_command_runs_the_core_sweep():
    from jiceng.core.management.commands.sweep import run_sweeps

    assert run_sweeps()["core"] == {"tasks_requeued": 0}


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JICENG_TASK_LEASE_SECONDS = 60


def _payload(key):
    m = notify.Message(kind="test.kind", text="召集令", subject="召集令", key=key,
                       email_enc=notify.encrypt_contact("li@example.org"))
    return {**m.__dict__, "channels": ["email"]}


@pytest.mark.django_db(transaction=True)
def test_a_claim_left_sending_by_a_dead_worker_is_taken_over_after_the_lease(locmem):
    NotificationDelivery.objects.create(key="killed", channel="email", status="sending")
    NotificationDelivery.objects.filter(key="killed").update(at=timezone.now() - datetime.timedelta(seconds=61))
    assert notify.deliver.call(_payload("killed")) == {"email": "ok"}
    assert len(mail.outbox) == 1
    assert notify.deliver.call(_payload("killed")) == {"email": "duplicate"}
    assert NotificationDelivery.objects.get(key="killed").status == "ok"


@pytest.mark.django_db(transaction=True)
def test_a_claim_sending_now_is_left_to_its_worker(locmem):
    NotificationDelivery.objects.create(key="in-flight", channel="email", status="sending")
    assert notify.deliver.call(_payload("in-flight")) == {"email": "duplicate"}
    assert mail.outbox == []
