"""The cases app's bulk services (demo city, imports): every row checked first, one bad row and nothing is
written (with a clear zh-Hans message naming the row), one transaction and one audit event per batch."""

import datetime

import pytest
from django.utils import timezone, translation

from jiceng.cases.models import Case, CaseEvent, Department, Holiday, Status, Whistle
from jiceng.cases.services import (
    Step,
    case_steps_bulk_create,
    cases_bulk_create,
    departments_bulk_create,
    holidays_bulk_create,
    whistles_bulk_create,
)
from jiceng.core.errors import Forbidden, NotFound, ValidationFailed
from jiceng.core.models import AuditEvent

NOW = timezone.now().replace(microsecond=0)


def audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def refused(call, **kwargs) -> ValidationFailed:
    """Run a bulk service in zh-Hans and return the refusal."""
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as exc:
        call(**kwargs)
    return exc.value


def make_cases(city, cat, n=2, *, level="street", hours_ago=48) -> list[Case]:
    """`n` saved cases of the conftest grid, held at `level` (street: by 解放路街道)."""
    handler = {"grid": city.grid, "community": city.community, "street": city.street, "county": city.county}[level]
    received = NOW - datetime.timedelta(hours=hours_ago)
    cases = [Case(code=f"BULK{i:04d}", category=cat, source="patrol", description="楼道堆放杂物", lat=36.05,
                  lng=111.42, grid=city.grid, unit_path=city.grid.path, handler=handler, handler_path=handler.path,
                  level=level, received_at=received, deadline_at=received + datetime.timedelta(hours=72),
                  warn_at=received + datetime.timedelta(hours=54), status=Status.REGISTERED, responded_on_time=True,
                  responded_at=received + datetime.timedelta(minutes=20)) for i in range(n)]
    cases_bulk_create(cases=cases, events=False, note="test")
    return list(Case.objects.filter(code__startswith="BULK").order_by("code"))


# --- departments -----------------------------------------------------------------------------------


def test_departments_are_made_in_one_batch_with_one_audit_event(city):
    made = departments_bulk_create(actor=city.users["city_admin"], departments=[
        Department(unit=city.county, name=" 城市管理局 ", business_line="urban"),
        Department(unit=city.county, name="公安分局", business_line="governance"),
        Department(unit=city.street, name="城市管理局", business_line="urban"),  # the same name, another unit
    ], note="test")
    assert len(made) == 3 and all(d.pk for d in made)
    assert Department.objects.get(unit=city.county, name="城市管理局").unit_path == city.county.path
    assert audits("department.bulk_create") == 1


@pytest.mark.parametrize(("row", "problem"), [
    (Department(name="", business_line="urban"), "部门需要名称"),
    (Department(name="环保局", business_line="no-such-line"), "未知的条线"),
    (Department(name="城市管理局", business_line="urban"), "已有名为"),  # twice in the batch
])
def test_a_bad_department_row_writes_nothing_and_names_the_row(city, row, problem):
    row.unit = city.county
    err = refused(departments_bulk_create, actor=None, departments=[
        Department(unit=city.county, name="城市管理局", business_line="urban"), row])
    assert "第 2 行" in err.message and problem in err.message, err.message
    assert err.errors[0]["row"] == 2 and err.status == 422
    assert not Department.objects.exists() and audits("department.bulk_create") == 0


def test_a_department_name_already_used_in_the_unit_is_refused(city):
    departments_bulk_create(actor=None, departments=[Department(unit=city.county, name="公安分局",
                                                                business_line="governance")])
    err = refused(departments_bulk_create, actor=None, departments=[
        Department(unit=city.county, name="公安分局", business_line="governance")])
    assert "尧都区已有名为“公安分局”的部门" in err.message, err.message
    assert Department.objects.count() == 1


def test_departments_outside_the_actors_area_or_role_are_refused(city):
    rows = [Department(unit=city.street2, name="城市管理局", business_line="urban")]
    with pytest.raises(NotFound):
        departments_bulk_create(actor=city.users["street_official"], departments=rows)
    with pytest.raises(Forbidden):  # a grid worker may not shape the structure of their own grid
        departments_bulk_create(actor=city.users["grid_worker"], departments=[
            Department(unit=city.grid, name="网格工作站", business_line="urban")])
    assert not Department.objects.exists()


# --- the holiday calendar ------------------------------------------------------------------------------


def test_holidays_are_added_once_and_a_calendar_sent_again_changes_nothing(city):
    days = [Holiday(date=datetime.date(2026, 10, 1), name="国庆节"), Holiday(date=datetime.date(2026, 10, 2)),
            Holiday(date=datetime.date(2026, 10, 10), workday=True, name="调休上班")]
    assert holidays_bulk_create(actor=city.users["city_admin"], days=days) == 3
    again = [Holiday(date=datetime.date(2026, 10, 1)), Holiday(date=datetime.date(2026, 10, 3))]
    assert holidays_bulk_create(actor=None, days=again) == 1
    assert dict(Holiday.objects.values_list("date", "workday")) == {
        datetime.date(2026, 10, 1): False, datetime.date(2026, 10, 2): False, datetime.date(2026, 10, 3): False,
        datetime.date(2026, 10, 10): True}
    assert audits("holiday.bulk_create") == 2


def test_a_bad_calendar_row_writes_nothing(city):
    holidays_bulk_create(actor=None, days=[Holiday(date=datetime.date(2026, 10, 10), workday=True)])
    cases = [
        ([Holiday(date=datetime.date(2026, 5, 1)), Holiday(date="2026-05-02")], 2, "需要日期"),
        ([Holiday(date=datetime.date(2026, 5, 1)), Holiday(date=datetime.date(2026, 5, 1))], 2, "与第 1 行重复"),
        ([Holiday(date=datetime.date(2026, 5, 1)), Holiday(date=datetime.date(2026, 10, 10))], 2, "调休工作日"),
        ([Holiday(date=datetime.date(2026, 5, 1), name="劳" * 41)], 1, "40"),
    ]
    for days, row, problem in cases:
        err = refused(holidays_bulk_create, actor=None, days=days)
        assert f"第 {row} 行" in err.message and problem in err.message, err.message
    assert list(Holiday.objects.values_list("date", flat=True)) == [datetime.date(2026, 10, 10)]
    assert audits("holiday.bulk_create") == 1


def test_only_the_citys_structure_managers_keep_the_calendar(city):
    for persona in ("street_official", "grid_worker"):
        with pytest.raises(NotFound):
            holidays_bulk_create(actor=city.users[persona], days=[Holiday(date=datetime.date(2026, 5, 1))])
    assert not Holiday.objects.exists()


# --- timeline steps -------------------------------------------------------------------------------------


def test_timeline_steps_of_many_cases_in_one_batch(city, cat):
    a, b = make_cases(city, cat)
    at = a.received_at
    n = case_steps_bulk_create(actor=None, note="test", timelines=[
        (a, [Step(at, "居民", "receive", "", Status.RECEIVED, city.grid.path),
             Step(at + datetime.timedelta(minutes=20), "网格员", "register", Status.RECEIVED, Status.REGISTERED,
                  city.grid.path)]),
        (b, [Step(at, "网格员", "receive", "", Status.RECEIVED, city.grid.path),
             Step(at + datetime.timedelta(hours=1), "网格员", "escalate", Status.REGISTERED, Status.REGISTERED,
                  city.street.path, "需街道统筹")]),
    ])
    assert n == 4
    assert list(CaseEvent.objects.filter(case=b).values_list("action", "to_status", "comment")) == [
        ("receive", "received", ""), ("escalate", "registered", "需街道统筹")]
    assert audits("case.steps_bulk_create") == 1


def test_a_bad_step_writes_no_step_of_any_case(city, cat):
    a, b = make_cases(city, cat)
    at = a.received_at
    good = (a, [Step(at, "居民", "receive", "", Status.RECEIVED, city.grid.path)])
    bad_rows = [
        ((b, [Step(at - datetime.timedelta(hours=1), "网格员", "register", Status.RECEIVED, Status.REGISTERED,
                   city.grid.path)]), "早于事件受理"),
        ((b, [Step(at, "网格员", "teleport", Status.RECEIVED, Status.REGISTERED, city.grid.path)]), "未知的步骤"),
        ((b, [Step(at, "网格员", "register", Status.RECEIVED, "lost", city.grid.path)]), "未知的状态"),
        ((b, [Step(NOW + datetime.timedelta(days=1), "网格员", "register", Status.RECEIVED, Status.REGISTERED,
                   city.grid.path)]), "将来"),
        ((b, [Step(at, "网格员", "handle", Status.IN_PROGRESS, Status.HANDLED, city.grid.path, "好" * 2001)]),
         "2,000"),
        ((Case(code="NOTSAVED"), [Step(at, "网格员", "receive", "", Status.RECEIVED, city.grid.path)]), "尚未保存"),
    ]
    for bad, problem in bad_rows:
        err = refused(case_steps_bulk_create, actor=None, timelines=[good, bad])
        assert "第 2 行" in err.message and problem in err.message, err.message
    assert not CaseEvent.objects.exists() and audits("case.steps_bulk_create") == 0


def test_steps_outside_the_actors_area_are_refused(city, cat):
    a, _b = make_cases(city, cat)
    with pytest.raises(NotFound):
        case_steps_bulk_create(actor=city.users["outsider"], timelines=[
            (a, [Step(a.received_at, "居民", "receive", "", Status.RECEIVED, city.grid.path)])])
    assert not CaseEvent.objects.exists()


# --- whistles -------------------------------------------------------------------------------------------


@pytest.fixture
def departments(city):
    return departments_bulk_create(actor=None, departments=[
        Department(unit=city.county, name="城市管理局", business_line="urban"),
        Department(unit=city.county, name="公安分局", business_line="governance"),
        Department(unit=city.street2, name="鼓楼南街道城管中队", business_line="urban")])


def test_whistles_already_blown_with_their_timeline_steps(city, cat, departments):
    urban, police, _elsewhere = departments
    a, b = make_cases(city, cat)
    called = a.received_at + datetime.timedelta(hours=2)
    made = whistles_bulk_create(actor=city.users["street_official"], comment="街道吹哨", note="test", whistles=[
        Whistle(case=a, department=urban, called_at=called, report_in_by=called + datetime.timedelta(hours=24),
                reported_in_at=called + datetime.timedelta(hours=3), part="联合执法", score=5),
        Whistle(case=a, department=police, called_at=called, report_in_by=called + datetime.timedelta(hours=24),
                reported_in_at=called + datetime.timedelta(hours=30), part="到场处置"),
        Whistle(case=b, department=urban, called_at=called, report_in_by=called + datetime.timedelta(hours=24)),
    ])
    assert len(made) == 3
    on_time = dict(Whistle.objects.filter(case=a).values_list("department_id", "handled_on_time"))
    assert on_time == {urban.pk: True, police.pk: False}
    assert Whistle.objects.get(case=b).handled_on_time is False  # its deadline has passed without a report-in
    assert set(Whistle.objects.values_list("unit_path", flat=True)) == {city.street.path}
    steps = list(CaseEvent.objects.filter(case=a, action="whistle").values_list("comment", "actor_label"))
    assert sorted(steps) == [("街道吹哨 → 公安分局", "Street official · 解放路街道"),
                             ("街道吹哨 → 城市管理局", "Street official · 解放路街道")]
    assert audits("case.whistle_bulk_create") == 1 and audits("case.steps_bulk_create") == 0


def test_a_bad_whistle_row_writes_nothing(city, cat, departments):
    urban, police, elsewhere = departments
    a, b = make_cases(city, cat)
    called = a.received_at + datetime.timedelta(hours=2)

    def w(case=a, department=police, called_at=called, hours=24, reported=None, score=None):
        return Whistle(case=case, department=department, called_at=called_at,
                       report_in_by=called_at + datetime.timedelta(hours=hours), reported_in_at=reported, score=score)

    bad_rows = [
        (w(department=elsewhere), "不负责该区域"),
        (w(department=urban), "已经召集"),  # row 1 calls the same department to the same case
        (w(hours=0.5), "1 小时到 14 天"),
        (w(called_at=a.received_at - datetime.timedelta(hours=1)), "受理之后"),
        (w(reported=called - datetime.timedelta(hours=1)), "报到"),
        (w(score=6), "1 到 5 分"),
        (w(case=Case(pk=999999)), "没有这个事件"),
    ]
    for bad, problem in bad_rows:
        err = refused(whistles_bulk_create, actor=None, whistles=[w(department=urban), bad])
        assert "第 2 行" in err.message and problem in err.message, (problem, err.message)
    assert not Whistle.objects.exists() and not CaseEvent.objects.filter(action="whistle").exists()
    assert audits("case.whistle_bulk_create") == 0


def test_a_whistle_needs_a_case_held_at_street_level_and_a_street_actor(city, cat, departments):
    urban = departments[0]
    low = make_cases(city, cat, 1, level="community")[0]
    called = low.received_at + datetime.timedelta(hours=2)
    row = Whistle(case=low, department=urban, called_at=called, report_in_by=called + datetime.timedelta(hours=24))
    err = refused(whistles_bulk_create, actor=None, whistles=[row])
    assert "第 1 行" in err.message and "上报到街道" in err.message, err.message
    Case.objects.filter(pk=low.pk).update(level="street", handler=city.street, handler_path=city.street.path)
    with pytest.raises(Forbidden):  # a community worker reads the case but may not blow the whistle
        whistles_bulk_create(actor=city.users["community_worker"], whistles=[row])
    with pytest.raises(NotFound):
        whistles_bulk_create(actor=city.users["outsider"], whistles=[row])
    assert not Whistle.objects.exists()
