"""The year's close of the key task list (F3): done, carried over or dropped; the closed list is frozen and
feeds the assessment."""

import datetime

import pytest
from django.utils import timezone

from jiceng.core.errors import Conflict, NotFound, ValidationFailed
from jiceng.projects import closing, indicators, services
from jiceng.projects.models import KeyTask, TaskListClosure
from jiceng.projects.tests.conftest import YEAR, d

DECEMBER = timezone.make_aware(datetime.datetime(YEAR, 12, 10, 9))


def _tasks(city, n=3):
    return [services.key_task_create(actor=None, issuer=city.street, unit=city.community, year=YEAR,
                                     title=f"任务{i}", measures="措施", deadline=d(12, 20)) for i in range(n)]


def test_done_carried_dropped_then_the_list_closes_with_its_counts(city):
    official = city.users["street_official"]
    a, b, c = _tasks(city)
    services.progress_report_submit(actor=official, task=b, month=d(6), progress=60)
    closing.key_task_close(actor=official, task=a, outcome="done", today=d(12, 5))
    closing.key_task_close(actor=official, task=b, outcome="carried")
    closing.key_task_close(actor=official, task=c, outcome="dropped", reason="并入平安建设任务")
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.progress == 100 and a.done_on == d(12, 5)
    nxt = b.carried_to
    assert nxt.year == YEAR + 1 and nxt.title == b.title and nxt.unit_id == b.unit_id
    assert nxt.progress == 60 and nxt.deadline == datetime.date(YEAR + 1, 12, 20) and nxt.carried_from == b
    closure = closing.task_list_close(actor=official, issuer=city.street, year=YEAR, now=DECEMBER)
    assert (closure.done, closure.carried, closure.dropped) == (1, 1, 1)
    assert closure.closed_by == official


def test_a_closed_list_is_frozen(city):
    (task,) = _tasks(city, 1)
    closing.key_task_close(actor=None, task=task, outcome="done")
    closing.task_list_close(actor=None, issuer=city.street, year=YEAR, now=DECEMBER)
    for change in (lambda: closing.key_task_close(actor=None, task=task, outcome="dropped", reason="x"),
                   lambda: services.progress_report_submit(actor=None, task=task, month=d(12), progress=10),
                   lambda: services.milestone_add(actor=None, task=task, title="m", due=d(12, 1)),
                   lambda: closing.task_list_close(actor=None, issuer=city.street, year=YEAR, now=DECEMBER)):
        with pytest.raises(Conflict) as exc:
            change()
        assert exc.value.status == 409
    task.refresh_from_db()
    assert task.outcome == "done" and TaskListClosure.objects.count() == 1


def test_a_task_without_outcome_keeps_the_list_open(city):
    a, _b = _tasks(city, 2)
    closing.key_task_close(actor=None, task=a, outcome="done")
    with pytest.raises(ValidationFailed) as exc:
        closing.task_list_close(actor=None, issuer=city.street, year=YEAR, now=DECEMBER)
    assert exc.value.code == "outcomes_missing" and "1" in str(exc.value.message)
    assert not TaskListClosure.objects.exists()


def test_bad_closes_are_refused_and_change_nothing(city):
    (task,) = _tasks(city, 1)
    with pytest.raises(ValidationFailed) as exc:
        closing.key_task_close(actor=None, task=task, outcome="dropped", reason="  ")
    assert exc.value.field == "reason"
    with pytest.raises(ValidationFailed):
        closing.key_task_close(actor=None, task=task, outcome="finished")
    with pytest.raises(ValidationFailed):
        closing.key_task_close(actor=None, task=task, outcome="done", reason="长" * 501)
    task.refresh_from_db()
    assert task.outcome == "" and task.progress == 0
    closing.key_task_close(actor=None, task=task, outcome="done")
    november = timezone.make_aware(datetime.datetime(YEAR, 11, 30, 12))
    with pytest.raises(ValidationFailed) as exc:
        closing.task_list_close(actor=None, issuer=city.street, year=YEAR, now=november)
    assert exc.value.code == "too_early"
    with pytest.raises(ValidationFailed) as exc:
        closing.task_list_close(actor=None, issuer=city.street, year=YEAR - 1, now=DECEMBER)
    assert exc.value.code == "empty_list"
    assert not TaskListClosure.objects.exists()


def test_only_the_issuer_decides(city):
    (task,) = _tasks(city, 1)
    for persona in ("community_worker", "grid_worker", "outsider"):
        with pytest.raises(NotFound):
            closing.key_task_close(actor=city.users[persona], task=task, outcome="done")
        with pytest.raises(NotFound):
            closing.task_list_close(actor=city.users[persona], issuer=city.street, year=YEAR, now=DECEMBER)
    task.refresh_from_db()
    assert task.outcome == ""


def test_changing_a_carried_task_removes_its_untouched_copy_but_not_a_worked_one(city):
    a, b = _tasks(city, 2)
    closing.key_task_close(actor=None, task=a, outcome="carried")
    copy_id = KeyTask.objects.get(pk=a.pk).carried_to_id
    closing.key_task_close(actor=None, task=a, outcome="done")
    assert not KeyTask.objects.filter(pk=copy_id).exists()
    closing.key_task_close(actor=None, task=b, outcome="carried")
    copy = KeyTask.objects.get(pk=b.pk).carried_to
    services.progress_report_submit(actor=None, task=copy, month=datetime.date(YEAR + 1, 1, 1), progress=5)
    with pytest.raises(Conflict):
        closing.key_task_close(actor=None, task=b, outcome="dropped", reason="不做了")
    assert KeyTask.objects.get(pk=b.pk).outcome == "carried"


def test_the_assessment_reads_the_frozen_outcomes(city):
    a, b, c, e = _tasks(city, 4)
    key = "tasks.done_at_close"
    assert indicators.values_for(key, [city.community, city.street], YEAR) == {city.community.pk: None,
                                                                               city.street.pk: None}
    for task, outcome in ((a, "done"), (b, "done"), (c, "carried"), (e, "dropped")):
        closing.key_task_close(actor=None, task=task, outcome=outcome, reason="原因")
    # Decided but not closed: the assessment does not count it yet.
    assert indicators.values_for(key, [city.community], YEAR) == {city.community.pk: None}
    closing.task_list_close(actor=None, issuer=city.street, year=YEAR, now=DECEMBER)
    assert indicators.values_for(key, [city.community, city.street], YEAR) == {city.community.pk: 0.5,
                                                                               city.street.pk: 0.5}


def test_the_page_decides_shows_errors_next_to_the_field_and_closes(city, client_for):
    a, b = _tasks(city, 2)
    client = client_for("street_official")
    url = f"/projects/tasks/?unit={city.community.code}&year={YEAR}"
    page = client.get(url)
    assert page.status_code == 200 and f'action="/projects/tasks/{a.pk}/close/"' in page.content.decode()
    bad = client.post(f"/projects/tasks/{a.pk}/close/", {f"t{a.pk}-outcome": "dropped", f"t{a.pk}-reason": "",
                                                         "unit": city.community.code})
    assert bad.status_code == 422
    assert "需要说明撤销的原因" in bad.content.decode() or "reason it was dropped" in bad.content.decode()
    assert KeyTask.objects.get(pk=a.pk).outcome == ""
    for task in (a, b):
        ok = client.post(f"/projects/tasks/{task.pk}/close/", {f"t{task.pk}-outcome": "done",
                                                               "unit": city.community.code})
        assert ok.status_code == 302
    # Only the issuer's staff see the close controls: the community worker sees outcomes, not forms.
    worker_page = client_for("community_worker").get(url).content.decode()
    assert "/close/" not in worker_page and "close-year" not in worker_page
    closed = client.post("/projects/tasks/close-year/", {"issuer": city.street.code, "year": YEAR,
                                                         "unit": city.community.code})
    if timezone.localdate() >= datetime.date(YEAR, 12, 1):
        assert closed.status_code == 302
        assert TaskListClosure.objects.filter(issuer=city.street, year=YEAR).exists()
        after = client.get(url).content.decode()
        assert f'action="/projects/tasks/{a.pk}/close/"' not in after and "close-year" not in after
    else:
        assert closed.status_code == 422


def test_the_task_page_reads_a_fixed_number_of_queries(city, client_for, django_assert_max_num_queries):
    _tasks(city, 3)
    client = client_for("street_official")
    url = f"/projects/tasks/?unit={city.community.code}&year={YEAR}"
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    _tasks(city, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_a_refused_close_says_why_on_the_page(city, client_for):
    _tasks(city, 1)
    r = client_for("street_official").post("/projects/tasks/close-year/", {
        "issuer": city.street.code, "year": YEAR, "unit": city.community.code})
    body = r.content.decode()
    assert r.status_code == 422 and 'id="close-error"' in body
    assert ("没有年终结果" in body) or ("no outcome" in body) or ("12月" in body)
    assert not TaskListClosure.objects.exists()
