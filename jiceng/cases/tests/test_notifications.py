"""Notifications (H4): in-app rows are written with the case and vanish with a rollback; outward
channels get a task only when they have something to send, and only after the commit."""

import pytest
from django.db import transaction

from jiceng.cases.services import case_submit
from jiceng.cases.tests.conftest import G1_POINT
from jiceng.core import notify
from jiceng.core.models import Notification


def test_the_reporter_and_the_handling_desk_get_an_in_app_notice(city, cat):
    case, _ = case_submit(actor=city.users["resident"], category=cat, description="x", source="api",
                          lat=G1_POINT[0], lng=G1_POINT[1])
    rows = Notification.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
    assert {(n.user_id, n.unit_path) for n in rows} == {(city.users["resident"].pk, ""), (None, city.grid.path)}
    assert all(case.code in n.text for n in rows) and all(n.created_at for n in rows)


def test_a_rolled_back_write_notifies_nobody(city, cat, monkeypatch):
    sent = []
    monkeypatch.setattr(notify.ConsoleSmsGateway, "send", lambda self, phone, text: sent.append(phone))
    with pytest.raises(RuntimeError), transaction.atomic():
        case_submit(actor=None, category=cat, description="x", source="api", lat=G1_POINT[0], lng=G1_POINT[1],
                    reporter_phone="13912345678")
        raise RuntimeError("rolled back")
    assert Notification.objects.count() == 0 and sent == []


def test_an_sms_goes_out_after_the_commit_only_to_a_reporter_with_a_phone(city, cat, monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(notify.ConsoleSmsGateway, "send", lambda self, phone, text: sent.append(phone))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_submit(actor=None, category=cat, description="x", source="api", lat=G1_POINT[0], lng=G1_POINT[1],
                    reporter_phone="13912345678")
        case_submit(actor=None, category=cat, description="y", source="api", lat=G1_POINT[0], lng=G1_POINT[1])
    assert sent == [] and len(callbacks) == 1  # one task, for the reporter with a phone; nothing before commit
    callbacks[0]()
    assert sent == ["13912345678"]


def test_no_task_is_queued_when_no_outward_channel_has_anything_to_send(city, cat,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_submit(actor=city.users["resident"], category=cat, description="x", source="api", lat=G1_POINT[0],
                    lng=G1_POINT[1])
    assert callbacks == []


def test_with_the_database_task_backend_the_task_row_commits_with_the_case(city, cat, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with pytest.raises(RuntimeError), transaction.atomic():
        case_submit(actor=None, category=cat, description="x", source="api", lat=G1_POINT[0], lng=G1_POINT[1],
                    reporter_phone="13912345678")
        assert DBTaskResult.objects.count() == 1  # inserted inside the write's transaction
        raise RuntimeError("rolled back")
    assert DBTaskResult.objects.count() == 0
