"""The co-building services behind the pages: matching scores, credited hours, the yearly report's totals
(against a hand count), registration by a worker and evaluations recorded for residents."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from jiceng.conftest import ID_R1
from jiceng.core.errors import Conflict, NotFound, ValidationFailed
from jiceng.mobilize import selectors, services
from jiceng.mobilize.models import Member, ProjectEvaluation, RegistrationStatus
from jiceng.people.models import Person
from jiceng.people.services import person_create

D = datetime.date
LAT, LNG = 36.05, 111.45


def _need(city, **kw):
    args = {"title": "老人助餐", "category": "elderly", "wanted_from": D(2026, 3, 1), "wanted_to": D(2026, 3, 10),
            "quantity": 4, "lat": LAT, "lng": LNG}
    return services.need_create(actor=None, community=city.community, **{**args, **kw})


def _res(city, title, **kw):
    args = {"category": "elderly", "available_from": D(2026, 3, 1), "available_to": D(2026, 3, 31), "capacity": 4,
            "lat": LAT, "lng": LNG, "community": city.community}
    return services.resource_create(actor=None, title=title, **{**args, **kw})


def test_match_score_weighs_category_distance_time_and_capacity_as_computed_by_hand(city):
    need = _need(city)
    # same category, same place, 5 of the 10 wanted days, 2 of the 4 wanted: 0.4 + 0.3 + 0.2·0.5 + 0.1·0.5
    half = _res(city, "半程送餐", available_from=D(2026, 3, 6), capacity=2)
    assert services.match_score(need, half) == {"score": 0.85, "category": 1.0, "distance_m": 0,
                                                "time_overlap": 0.5, "capacity": 0.5}
    # another category 11 km away (beyond the 10 km radius), whole period, more than enough: 0.2 + 0.1
    far = _res(city, "维修队", category="repair", lat=LAT + 0.1, capacity=10)
    s = services.match_score(need, far)
    assert (s["score"], s["category"], s["time_overlap"], s["capacity"]) == (0.3, 0.0, 1.0, 1.0)
    assert 11_100 < s["distance_m"] < 11_130
    # same category 0.045° north (5 003.8 m: half the radius), whole period and amount
    near = _res(city, "志愿送餐", lat=LAT + 0.045)
    s = services.match_score(need, near)
    assert s["distance_m"] == 5004
    assert s["score"] == pytest.approx(0.4 + 0.3 * (1 - 5003.78 / 10_000) + 0.2 + 0.1, abs=1e-4)


def test_suggestions_are_the_street_s_resources_available_in_the_period_best_first(city):
    need = _need(city)
    best, half = _res(city, "志愿送餐"), _res(city, "半程送餐", available_from=D(2026, 3, 6), capacity=2)
    far = _res(city, "维修队", category="repair", lat=LAT + 0.1)
    _res(city, "四月才有", available_from=D(2026, 4, 1), available_to=D(2026, 4, 30))
    _res(city, "别的街道", community=city.community2)
    got = [(r.pk, s["score"]) for r, s in selectors.match_suggestions(need)]
    assert [pk for pk, _ in got] == [best.pk, half.pk, far.pk]
    assert [score for _, score in got] == [1.0, 0.85, 0.3]


def _activity(city, start, hours):
    return services.activity_create(actor=None, community=city.community, kind="volunteer", title="清洁家园",
                                    starts_at=start, ends_at=start + datetime.timedelta(hours=hours), capacity=20)


def _member(city, name, agency=None, confirm=True):
    person = Person.objects.create(name=name, gender="M", unit_path=city.community.path, is_resident=False)
    m = services.member_register(actor=None, community=city.community, employer=agency.name if agency else "某单位",
                                 person=person, agency=agency)
    return services.member_confirm(actor=None, member=m) if confirm else m


def _attend(act, member, *, late_min=0, early_min=0, out=True):
    services.activity_signup(actor=None, activity=act, member=member)
    services.activity_check_in(actor=None, activity=act, member=member, code=act.code,
                               now=act.starts_at + datetime.timedelta(minutes=late_min))
    if out:
        return services.activity_check_out(actor=None, activity=act, member=member, code=act.code,
                                           now=act.ends_at - datetime.timedelta(minutes=early_min))


def test_credited_hours_count_only_the_time_inside_the_activity(city):
    tz = timezone.get_current_timezone()
    act = _activity(city, datetime.datetime(2026, 5, 1, 9, 0, tzinfo=tz), 2)
    h = datetime.timedelta(hours=1)
    at = act.starts_at
    assert services.credited_hours(act, at - h / 2, at + h * 1.25) == Decimal("1.25")  # early arrival not counted
    assert services.credited_hours(act, at + h * 2 / 3, at + h * 3) == Decimal("1.33")  # late stay not counted
    assert services.credited_hours(act, at + h * 3, at + h * 4) == Decimal("0.00")  # after the end
    m = _member(city, "成员甲")
    signup = _attend(act, m, late_min=30, early_min=15)
    assert signup.hours == Decimal("1.25")
    with pytest.raises(ValidationFailed):  # the wrong code never checks in
        services.activity_check_in(actor=None, activity=act, member=_member(city, "成员乙"), code="000000x")


def test_the_yearly_report_per_agency_matches_a_hand_count(city):
    tz = timezone.get_current_timezone()
    year = timezone.localdate().year
    today = timezone.localdate()
    a = services.agency_register(actor=None, community=city.community, name="市税务局机关党委",
                                 agreement_start=today, agreement_end=today + datetime.timedelta(days=365),
                                 commitments="志愿服务")
    b = services.agency_register(actor=None, community=city.community, name="区法院机关党支部",
                                 agreement_start=today, agreement_end=today + datetime.timedelta(days=365),
                                 commitments="法律咨询")
    m1, m2, m4 = _member(city, "甲", a), _member(city, "乙", a), _member(city, "丁", b)
    _member(city, "丙", a, confirm=False)  # waiting for confirmation: not reported
    act1 = _activity(city, datetime.datetime(year, 3, 1, 9, tzinfo=tz), 2)
    act2 = _activity(city, datetime.datetime(year, 4, 1, 9, tzinfo=tz), 3)
    last_year = _activity(city, datetime.datetime(year - 1, 6, 1, 9, tzinfo=tz), 4)
    _attend(act1, m1)                 # 2.00
    _attend(act2, m1)                 # 3.00
    _attend(act1, m2, late_min=60)    # 1.00
    _attend(act2, m2, out=False)      # checked in, never out: no hours, no completed activity
    _attend(act2, m4)                 # 3.00
    _attend(last_year, m4)            # another year
    rows = {r["agency"].pk: r for r in selectors.agency_report(user=city.users["community_worker"], year=year)}
    assert (rows[a.pk]["members"], rows[a.pk]["activities"], rows[a.pk]["hours"]) == (2, 2, Decimal("6.00"))
    assert (rows[b.pk]["members"], rows[b.pk]["activities"], rows[b.pk]["hours"]) == (1, 1, Decimal("3.00"))
    last = {r["agency"].pk: r for r in selectors.agency_report(user=city.users["community_worker"], year=year - 1)}
    assert (last[b.pk]["activities"], last[b.pk]["hours"]) == (1, Decimal("4.00"))
    per_member = {r["member"].name: (r["activities"], r["hours"]) for r in selectors.agency_member_rows(a, year)}
    assert per_member == {"甲": (2, Decimal("5.00")), "乙": (1, Decimal("1.00")), "丙": (0, 0)}
    # outside the street the report is empty
    assert selectors.agency_report(user=city.users["outsider"], year=year) == []


def test_a_worker_registers_a_member_by_identity_number(city):
    worker = city.users["community_worker"]
    known = services.member_enrol(actor=worker, community=city.community, name="张伟", id_number=ID_R1,
                                  employer="尧都区教育局", skills=["driving"])
    assert known.person_id == city.resident_person.pk and known.status == RegistrationStatus.PENDING
    people = Person.objects.count()
    new = services.member_enrol(actor=worker, community=city.community, name="周杰",
                                id_number="14100219880808123" + _check("14100219880808123"), phone="13700001234",
                                employer="临汾市财政局")
    assert Person.objects.count() == people + 1
    assert (new.person.name, new.person.unit_path, new.person.is_resident, new.status) == (
        "周杰", city.community.path, False, RegistrationStatus.PENDING)
    before = (Person.objects.count(), Member.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        services.member_enrol(actor=worker, community=city.community, name="错号", id_number="123",
                              employer="某单位")
    assert exc.value.field == "id_number"
    with pytest.raises(NotFound):
        services.member_enrol(actor=city.users["outsider"], community=city.community, name="周杰",
                              id_number=ID_R1, employer="某单位")
    with pytest.raises(Conflict):
        services.member_enrol(actor=worker, community=city.community, name="张伟", id_number=ID_R1, employer="某单位")
    assert (Person.objects.count(), Member.objects.count()) == before


def _check(first17):
    from jiceng.core.pii import id_check_digit

    return id_check_digit(first17)


def test_a_worker_records_residents_evaluations_and_the_score_is_their_mean(city):
    worker = city.users["community_worker"]
    need = _need(city)
    project = services.project_create(actor=worker, need=need, resources=[_res(city, "志愿送餐")])
    with pytest.raises(Conflict):  # evaluated only after the check
        services.project_evaluation_record(actor=worker, project=project, id_number=ID_R1, score=5)
    services.project_check(actor=worker, project=project, note="按期送餐")
    id2 = "14100219750101001" + _check("14100219750101001")
    person_create(actor=None, household=city.household, name="刘洋", id_number=id2)
    services.project_evaluation_record(actor=worker, project=project, id_number=ID_R1, score=5)
    services.project_evaluation_record(actor=worker, project=project, id_number=id2, score=2, comment="偶尔迟到")
    project.refresh_from_db()
    assert (project.stage, project.score) == ("evaluated", 3.5)
    with pytest.raises(Conflict):
        services.project_evaluation_record(actor=worker, project=project, id_number=ID_R1, score=1)
    unknown = "11010519491231002" + _check("11010519491231002")
    with pytest.raises(ValidationFailed) as exc:
        services.project_evaluation_record(actor=worker, project=project, id_number=unknown, score=4)
    assert exc.value.field == "id_number"
    with pytest.raises(ValidationFailed):
        services.project_evaluation_record(actor=worker, project=project, id_number=ID_R1, score=6)
    assert ProjectEvaluation.objects.filter(project=project).count() == 2
