"""The co-building pages used as a community worker would: the three mobilization figures move as
registrations are confirmed and projects set; bad input is refused with a zh-Hans message and nothing
written; other grids and streets get 404; every list page runs a fixed number of queries."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from jiceng.conftest import ID_R1
from jiceng.core.testing import assert_queries
from jiceng.mobilize import figures, services
from jiceng.mobilize.models import (
    Activity,
    AgencyRegistration,
    MatchedProject,
    Member,
    Need,
    ProjectEvaluation,
    Resource,
    Signup,
)

TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=30)


def _figures(city):
    return figures.figures(city.community, today=TODAY)


def _home_figures(client):
    html = client.get("/mobilize/").content.decode()
    return [int(v) for v in re.findall(r'<div class="value">(\d+)</div>', html)[:3]]


def _zh(msgid):
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no zh-Hans translation for {msgid!r}"
    return text


def test_the_three_figures_move_as_the_worker_uses_the_pages(city, client_for):
    c = client_for("community_worker")
    assert _home_figures(c) == [0, 0, 0]
    r = c.post("/mobilize/cobuild/agencies/", {
        "community": city.community.pk, "name": "市税务局机关党委", "agreement_start": TODAY.isoformat(),
        "agreement_end": LATER.isoformat(), "commitments": "每月志愿服务"})
    assert r.status_code == 302
    agency = AgencyRegistration.objects.get(name="市税务局机关党委")
    assert _figures(city)["agency_orgs_registered"] == 0  # waiting in the queue
    assert "市税务局机关党委" in c.get("/mobilize/cobuild/queue/").content.decode()
    assert c.post(f"/mobilize/cobuild/agencies/{agency.pk}/confirm/").status_code == 302
    assert _figures(city)["agency_orgs_registered"] == 1

    r = c.post("/mobilize/cobuild/members/", {"community": city.community.pk, "name": "张伟", "id_number": ID_R1,
                                              "agency": agency.pk, "skills": ["driving"]})
    assert r.status_code == 302
    member = Member.objects.get(person=city.resident_person)
    assert (member.agency_id, member.employer) == (agency.pk, "市税务局机关党委")
    assert _figures(city)["in_service_members_registered"] == 0
    assert c.post(f"/mobilize/cobuild/members/{member.pk}/confirm/").status_code == 302
    assert _figures(city)["in_service_members_registered"] == 1

    c.post("/mobilize/cobuild/needs/", {"community": city.community.pk, "title": "老人助餐", "category": "elderly",
                                        "source": "resident", "urgency": 3, "wanted_from": TODAY.isoformat(),
                                        "wanted_to": LATER.isoformat(), "quantity": 2})
    c.post("/mobilize/cobuild/resources/", {"community": city.community.pk, "title": "送餐志愿者",
                                            "category": "elderly", "agency": agency.pk,
                                            "available_from": TODAY.isoformat(),
                                            "available_to": LATER.isoformat(), "capacity": 2})
    need, res = Need.objects.get(title="老人助餐"), Resource.objects.get(title="送餐志愿者")
    page = c.get(f"/mobilize/cobuild/needs/{need.pk}/").content.decode()
    assert f'id="suggestion-{res.pk}"' in page and "<td>1.0</td>" in page  # a perfect match scores 1.0
    r = c.post(f"/mobilize/cobuild/needs/{need.pk}/", {"resources": [res.pk]})
    project = MatchedProject.objects.get(need=need)
    assert r.status_code == 302 and r["Location"] == f"/mobilize/cobuild/projects/{project.pk}/"
    assert _figures(city)["projects_matched_year"] == 1
    assert _home_figures(c) == [1, 1, 1]

    assert c.post(f"/mobilize/cobuild/projects/{project.pk}/check/", {"note": "每日按时送达"}).status_code == 302
    r = c.post(f"/mobilize/cobuild/projects/{project.pk}/evaluate/", {"id_number": ID_R1, "score": 4})
    assert r.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.score) == ("evaluated", 4.0)
    assert "4.00" in c.get(f"/mobilize/cobuild/projects/{project.pk}/").content.decode()


def _activity(city, *, hours_ago=1, length=3):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=hours_ago)
    return services.activity_create(actor=None, community=city.community, kind="volunteer", title="清洁家园",
                                    starts_at=start, ends_at=start + datetime.timedelta(hours=length), capacity=5)


def test_a_member_signs_up_and_checks_in_with_the_code_or_at_the_place(city, client_for, member):
    act = _activity(city)
    c = client_for("party_member")
    assert "清洁家园" in c.get("/mobilize/cobuild/activities/").content.decode()
    assert c.post(f"/mobilize/cobuild/activities/{act.pk}/signup/").status_code == 302
    r = c.post(f"/mobilize/cobuild/activities/{act.pk}/check-in/", {"lat": act.lat + 0.01, "lng": act.lng})
    assert r.status_code == 422 and _zh("You are not at the activity's place.") in r.content.decode()
    r = c.post(f"/mobilize/cobuild/activities/{act.pk}/check-in/", {"lat": act.lat, "lng": act.lng})
    assert r.status_code == 302
    Signup.objects.filter(activity=act, member=member).update(checked_in_at=act.starts_at)  # an hour passes
    r = c.post(f"/mobilize/cobuild/activities/{act.pk}/check-out/", {"code": act.code})
    assert r.status_code == 302
    signup = Signup.objects.get(activity=act, member=member)
    assert 0.99 <= float(signup.hours) <= 1.01
    assert f"{signup.hours}" in c.get(f"/mobilize/cobuild/activities/{act.pk}/").content.decode()


def _wrong_check_digit(first17):
    from jiceng.core.pii import id_check_digit

    return first17 + ("1" if id_check_digit(first17) != "1" else "2")


def _counts():
    return tuple(m.objects.count() for m in (AgencyRegistration, Member, Need, Resource, MatchedProject, Activity,
                                              Signup, ProjectEvaluation))


BAD = [
    ("agencies/", lambda c, fx: {"community": c.community.pk, "name": "某局", "agreement_start": LATER.isoformat(),
                                 "agreement_end": TODAY.isoformat(), "commitments": "x"},
     "The agreement must end after it starts."),
    ("agencies/", lambda c, fx: {"community": c.community.pk, "name": "", "agreement_start": TODAY.isoformat(),
                                 "agreement_end": LATER.isoformat(), "commitments": "x"}, "This field is required."),
    ("members/", lambda c, fx: {"community": c.community.pk, "name": "周杰", "id_number": _wrong_check_digit("14100219880808123"),
                                "employer": "某局"}, None),
    ("members/", lambda c, fx: {"community": c.community.pk, "name": "周杰", "id_number": ID_R1, "employer": "某局",
                                "skills": ["flying"]}, "Select a valid choice. %(value)s is not one of the available "
                                                       "choices."),
    ("needs/", lambda c, fx: {"community": c.community.pk, "title": "灯", "category": "repair", "source": "resident",
                              "urgency": 2, "wanted_from": LATER.isoformat(), "wanted_to": TODAY.isoformat(),
                              "quantity": 1}, "The period must end on or after its first day."),
    ("needs/", lambda c, fx: {"community": c.community.pk, "title": "灯", "category": "repair", "source": "resident",
                              "urgency": 2, "wanted_from": TODAY.isoformat(), "wanted_to": LATER.isoformat(),
                              "quantity": 0}, None),
    ("resources/", lambda c, fx: {"community": c.community.pk, "title": "电工", "category": "magic",
                                  "available_from": TODAY.isoformat(), "available_to": LATER.isoformat(),
                                  "capacity": 1}, None),
    ("needs/{need}/", lambda c, fx: {"resources": []}, "This field is required."),
    ("projects/{project}/check/", lambda c, fx: {"note": ""}, "This field is required."),
    ("projects/{checked}/evaluate/", lambda c, fx: {"id_number": "110105194912310021", "score": 4}, None),
    ("projects/{checked}/evaluate/", lambda c, fx: {"id_number": "11010519491231002X", "score": 4},
     "No resident of this community has this identity number."),
    ("activities/", lambda c, fx: {"community": c.community.pk, "kind": "volunteer", "title": "清洁",
                                   "starts_at": "2026-07-01T11:00", "ends_at": "2026-07-01T09:00", "capacity": 3},
     "The activity must end after it starts."),
    ("activities/{activity}/signup/", lambda c, fx: {}, "Choose the member."),
    ("activities/{activity}/check-in/", lambda c, fx: {"member": fx["member"], "code": "999999x"},
     "The code does not match the one shown at the activity."),
    ("activities/{activity}/check-in/", lambda c, fx: {"member": fx["member"]},
     "Give the code shown at the activity, or your location."),
]


@pytest.fixture
def fx(city, member):
    today = TODAY
    need = services.need_create(actor=None, community=city.community, title="老人助餐", category="elderly",
                                wanted_from=today, wanted_to=LATER)
    res = services.resource_create(actor=None, community=city.community, title="送餐", category="elderly",
                                   available_from=today, available_to=LATER)
    project = services.project_create(actor=None, need=need, resources=[res])
    checked = services.project_create(actor=None, need=need, resources=[res], title="二期")
    services.project_check(actor=None, project=checked, note="已落实")
    act = _activity(city)
    services.activity_signup(actor=None, activity=act, member=member)
    return {"need": need.pk, "project": project.pk, "checked": checked.pk, "activity": act.pk, "member": member.pk}


@pytest.mark.parametrize(("path", "data", "msgid"), BAD, ids=[f"{p}#{i}" for i, (p, _d, _m) in enumerate(BAD)])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(city, client_for, fx, path, data, msgid):
    c = client_for("community_worker")
    before = _counts()
    r = c.post("/mobilize/cobuild/" + path.format(**fx), data(city, fx))
    assert r.status_code == 422
    html = r.content.decode()
    assert 'class="errors"' in html
    if msgid:
        assert _zh(msgid).split("%")[0] in html
    assert _counts() == before


def test_a_bad_year_on_the_report_is_refused(client_for, city):
    r = client_for("street_official").get("/mobilize/cobuild/report/?year=abc")
    assert r.status_code == 422 and 'class="errors"' in r.content.decode()


@pytest.mark.parametrize("persona", ["grid_worker", "outsider"])
def test_other_grids_and_streets_get_404_and_see_nothing_of_the_community(city, client_for, fx, persona):
    c = client_for(persona)
    agency = services.agency_register(actor=None, community=city.community, name="五一路共建单位",
                                      agreement_start=TODAY, agreement_end=LATER, commitments="x")
    for url in (f"agencies/{agency.pk}/", f"needs/{fx['need']}/", f"projects/{fx['project']}/",
                f"activities/{fx['activity']}/"):
        assert c.get("/mobilize/cobuild/" + url).status_code == 404, url
    for url, data in ((f"agencies/{agency.pk}/confirm/", {}), (f"needs/{fx['need']}/", {"resources": []}),
                      (f"projects/{fx['project']}/check/", {"note": "x"}),
                      (f"activities/{fx['activity']}/check-in/", {"member": fx["member"], "code": "1"}),
                      ("agencies/", {"community": city.community.pk, "name": "某局", "commitments": "x",
                                     "agreement_start": TODAY.isoformat(), "agreement_end": LATER.isoformat()})):
        assert c.post("/mobilize/cobuild/" + url, data).status_code == 404, url
    for url, text in (("agencies/", "五一路共建单位"), ("needs/", "老人助餐"), ("projects/", "二期"),
                      ("activities/", "清洁家园"), ("members/", "李娜"), ("report/", "五一路共建单位")):
        assert text not in c.get("/mobilize/cobuild/" + url).content.decode(), url


def _more(city, member, n):
    """n more rows on every list (agencies with members, needs, resources, projects, activities with sign-ups)."""
    today = TODAY
    for i in range(n):
        a = services.agency_register(actor=None, community=city.community, name=f"单位{i}", agreement_start=today,
                                     agreement_end=LATER, commitments="x")
        need = services.need_create(actor=None, community=city.community, title=f"需求{i}", category="health",
                                    wanted_from=today, wanted_to=LATER)
        res = services.resource_create(actor=None, community=city.community, title=f"资源{i}", category="health",
                                       available_from=today, available_to=LATER, agency=a)
        p = services.project_create(actor=None, need=need, resources=[res])
        services.project_check(actor=None, project=p, note="x")
        act = _activity(city, hours_ago=i)
        services.activity_signup(actor=None, activity=act, member=member)
    from jiceng.mobilize.tests.conftest import make_members

    for m in make_members(city, n):
        m.agency = a
        m.save(update_fields=["agency"])


LISTS = {  # page → queries (session, user, grants + the page's own, independent of the number of rows)
    "agencies/": 5, "members/": 7, "queue/": 5, "needs/": 5, "resources/": 6, "projects/": 4,
    "activities/": 5, "report/": 4, "needs/{need}/": 6, "activities/{activity}/": 9, "agencies/{agency}/": 6,
}


@pytest.mark.parametrize("path", list(LISTS))
def test_each_list_page_runs_a_fixed_number_of_queries(city, client_for, fx, member, path):
    c = client_for("community_worker")
    agency = services.agency_register(actor=None, community=city.community, name="固定单位", agreement_start=TODAY,
                                      agreement_end=LATER, commitments="x")
    url = "/mobilize/cobuild/" + path.format(agency=agency.pk, **fx)
    c.get(url)
    with assert_queries(LISTS[path], label=path):
        assert c.get(url).status_code == 200
    _more(city, member, 6)
    with assert_queries(LISTS[path], label=path + " with more rows"):
        assert c.get(url).status_code == 200


def test_the_catalogue_is_complete_and_the_pages_speak_chinese(city, client_for, fx):
    from pathlib import Path

    import polib

    po = polib.pofile(str(Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"))
    assert not po.untranslated_entries() and not po.fuzzy_entries()
    c = client_for("community_worker")
    pages = {"agencies/": ("单位报到（签订共驻共建协议）", "Agreement start"),
             "members/": ("在职党员报到", "Identity number"), "queue/": ("待确认的报到党员", "Confirm"),
             "needs/": ("登记需求", "Wanted from"), f"needs/{fx['need']}/": ("推荐资源", "Time overlap"),
             "resources/": ("登记资源", "Available from"), "projects/": ("项目清单", "Residents' score"),
             f"projects/{fx['checked']}/": ("录入评价", "Record the evaluation"),
             "activities/": ("发布报名", "Sign-up limit"), f"activities/{fx['activity']}/": ("签到与签退", "Check in"),
             "report/": ("年度服务情况反馈", "Yearly report")}
    for url, (zh, en) in pages.items():
        html = c.get("/mobilize/cobuild/" + url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert zh in html and en not in html, url


def test_a_party_member_registers_themselves_with_their_home_community(city, client_for):
    c = client_for("resident")  # 张伟 lives in household 101 of K1
    assert 'id="self-form"' in c.get("/mobilize/cobuild/members/").content.decode()
    r = c.post("/mobilize/cobuild/members/me/", {"employer": ""})
    assert r.status_code == 422 and not Member.objects.exists()
    r = c.post("/mobilize/cobuild/members/me/", {"employer": "尧都区教育局", "skills": ["it"]})
    assert r.status_code == 302
    me = Member.objects.get(person=city.resident_person)
    assert (me.community_id, me.status, me.employer) == (city.community.pk, "pending", "尧都区教育局")
    html = c.get("/mobilize/cobuild/members/").content.decode()
    assert 'id="self-form"' not in html and 'id="my-registration"' in html
    worker = client_for("community_worker")
    assert f'id="member-{me.pk}"' in worker.get("/mobilize/cobuild/queue/").content.decode()
    assert worker.post("/mobilize/cobuild/members/me/", {"employer": "x"}).status_code == 403
