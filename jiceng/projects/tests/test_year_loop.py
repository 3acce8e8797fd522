import datetime

import pytest
from django.utils import timezone

from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.core.models import SupervisionCard
from jiceng.projects import selectors, services, sweeps
from jiceng.projects.tests.conftest import YEAR, d


def _task(city, **kw):
    return services.key_task_create(actor=city.users["city_admin"], issuer=city.city, unit=city.street, year=YEAR,
                                    title="街道“五办一站两中心”全覆盖", measures="对照清单补齐", deadline=d(12, 20),
                                    **kw)


def test_milestones_are_scheduled_backwards_from_the_deadline(city):
    task = _task(city)
    ms = services.task_schedule_backward(actor=None, task=task, steps=[
        {"title": "摸底"}, {"title": "建设"}, {"title": "验收", "weight": 2}])
    assert ms[-1].due == task.deadline
    assert ms[0].due < ms[1].due < ms[2].due
    assert ms[0].due > task.starts_on


def test_a_task_milestone_after_the_deadline_is_refused(city):
    task = _task(city)
    with pytest.raises(ValidationFailed):
        services.milestone_add(actor=None, task=task, title="late", due=d(12, 21))


def test_a_task_is_issued_to_a_unit_below_the_issuer(city):
    with pytest.raises(ValidationFailed):
        services.key_task_create(actor=None, issuer=city.street, unit=city.street2, year=YEAR, title="t",
                                 deadline=d(6))


def test_monthly_reports_set_progress_once_per_month(city):
    task = _task(city)
    services.progress_report_submit(actor=city.users["street_official"], task=task, month=d(5, 3), progress=40)
    task.refresh_from_db()
    assert task.progress == 40
    with pytest.raises(Conflict):
        services.progress_report_submit(actor=None, task=task, month=d(5, 28), progress=50)


def test_a_task_behind_schedule_by_more_than_the_rule_raises_a_prompt_card(city):
    task = _task(city, starts_on=datetime.date(YEAR, 1, 1))
    services.prompt_rule_set(actor=None, unit=city.city, kind="behind_schedule", threshold=30)
    services.progress_report_submit(actor=None, task=task, month=d(6), progress=20)
    assert sweeps.sweep(timezone.make_aware(datetime.datetime(YEAR, 3, 1)))["behind_schedule"] == 0
    assert sweeps.sweep(timezone.make_aware(datetime.datetime(YEAR, 7, 1)))["behind_schedule"] == 1
    assert SupervisionCard.objects.get().subject_type == "projects.keytask"


def test_the_dispatch_report_lists_progress_by_responsible_unit(city):
    task = _task(city)
    services.progress_report_submit(actor=None, task=task, month=d(6), progress=60)
    rows = selectors.dispatch_rows(user=city.users["city_admin"], unit=city.city, year=YEAR, today=d(7, 1))
    assert [(r["unit"].pk, r["tasks"], r["progress"]) for r in rows] == [(city.street.pk, 1, 60)]


def test_uncovered_policy_items_per_county(city):
    admin = city.users["city_admin"]
    m1 = services.policy_item_create(actor=admin, unit=city.city, kind="measure", code="M1", title="若干措施")
    m2 = services.policy_item_create(actor=admin, unit=city.city, kind="task_list", code="T1", title="任务清单")
    services.plan_set(actor=admin, unit=city.county, year=YEAR, title="尧都区实施方案", items=[m1])
    rows = selectors.uncovered_items(city=city.city, year=YEAR)
    assert [(r["county"].pk, [i.pk for i in r["uncovered"]]) for r in rows] == [(city.county.pk, [m2.pk])]
