"""Persona verdicts for every mobilization page and endpoint (fixtures are built once per city)."""

import datetime
import io

from django.utils import timezone

from jiceng.conftest import ID_R1
from jiceng.core.matrix import ALL, SEE_COMMUNITY, SEE_OTHER_STREET, Check, statuses

PAGE = {"anonymous": 302}
WRITE_K1 = ["city_admin", "street_official", "community_worker"]
API = "/api/v1/mobilize"


def _fx(c):
    """Mobilization objects in the small city, made on first use and kept for the city's lifetime."""
    fx = getattr(c, "_mobilize", None)
    if fx is not None:
        return fx
    from jiceng.mobilize import calls, services
    from jiceng.mobilize.models import Assignment, AssignmentState, Post, Seat, Signup

    fx = c._mobilize = type("Fx", (), {})()
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    fx.member = services.member_register(actor=None, community=c.community, employer="临汾市税务局",
                                         skills=["medical"], person=c.member_person)
    services.member_confirm(actor=None, member=fx.member)
    fx.member.refresh_from_db()
    fx.pending = services.member_register(actor=None, community=c.community2, employer="某公司",
                                          person=c.other_person)
    fx.agency = services.agency_register(actor=None, community=c.community, name="临汾市税务局机关党委",
                                         agreement_start=today, agreement_end=today + datetime.timedelta(days=365),
                                         commitments="每月一次志愿服务")
    fx.need = services.need_create(actor=None, community=c.community, title="老人助餐", category="elderly",
                                   wanted_from=today, wanted_to=today + datetime.timedelta(days=30))
    fx.resource = services.resource_create(actor=None, community=c.community, title="送餐志愿者",
                                           category="elderly", available_from=today,
                                           available_to=today + datetime.timedelta(days=60), agency=fx.agency)
    fx.project = services.project_create(actor=None, need=fx.need, resources=[fx.resource])
    fx.checked = services.project_create(actor=None, need=fx.need, resources=[fx.resource], title="助餐二期")
    services.project_check(actor=None, project=fx.checked, note="已落实")

    def act(start_h):
        return services.activity_create(actor=None, community=c.community, kind="volunteer", title="清洁家园",
                                        starts_at=now + datetime.timedelta(hours=start_h),
                                        ends_at=now + datetime.timedelta(hours=start_h + 3), capacity=10)

    fx.activity = act(-1)
    Signup.objects.create(activity=fx.activity, member=fx.member, unit_path=fx.activity.unit_path, year=now.year)
    fx.activity_open = act(24)
    fx.activity_in = act(-2)
    Signup.objects.create(activity=fx.activity_in, member=fx.member, unit_path=fx.activity_in.unit_path,
                          year=now.year, checked_in_at=now - datetime.timedelta(hours=1))
    calls.mode_switch(actor=None, unit=c.community, mode="wartime", reason="演练")

    def post(start_h, length, n=3):
        return {"kind": "checkpoint", "place": "五一路卡口", "lat": 36.05, "lng": 111.45,
                "shift_start": now + datetime.timedelta(hours=start_h),
                "shift_end": now + datetime.timedelta(hours=start_h + length), "headcount": n, "skills": []}

    fx.call = calls.call_issue(actor=None, unit=c.community, title="封控值守", posts=[post(2, 4)])
    calls.call_assign(actor=None, call=fx.call)
    fx.offer = Assignment.objects.get(call=fx.call, member=fx.member, active=True)
    fx.call2 = calls.call_issue(actor=None, unit=c.community, title="核酸筛查", posts=[post(0, 1), post(30, 4)])
    p_now, fx.later_post = list(Post.objects.filter(call=fx.call2).order_by("shift_start"))
    seats = list(Seat.objects.filter(post=p_now).order_by("number"))

    def assignment(seat, state):
        return Assignment.objects.create(
            call=fx.call2, post=p_now, seat=seat, member=fx.member, unit_path=p_now.unit_path, state=state,
            shift_start=p_now.shift_start, shift_end=p_now.shift_end, offered_at=now, respond_by=now)

    fx.accepted = assignment(seats[0], AssignmentState.ACCEPTED)
    fx.on_duty = assignment(seats[1], AssignmentState.CHECKED_IN)
    return fx


def _upload(c):
    import openpyxl

    from jiceng.core.pii import id_check_digit

    wb = openpyxl.Workbook()
    wb.active.append(["name", "id_number", "phone", "community", "skills", "employer"])
    first17 = "14100219880808123"
    wb.active.append(["周杰", first17 + id_check_digit(first17), "13700001234", c.community.code, "driving",
                      "临汾市财政局"])
    f = io.BytesIO()
    wb.save(f)
    f.seek(0)
    f.name = "members.xlsx"
    return {"file": f}


def _post(c):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    return {"kind": "screening", "place": "社区广场", "lat": 36.05, "lng": 111.45,
            "shift_start": start.isoformat(), "shift_end": (start + datetime.timedelta(hours=4)).isoformat(),
            "headcount": 2, "skills": []}


OWN = statuses(200, allowed=["party_member"], others={p: 403 for p in WRITE_K1})
SEE_ALL = statuses(200, allowed=ALL)
TODAY = timezone.localdate().isoformat()
LATER = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()

LIST_PAGE = statuses(200, allowed=ALL, others=PAGE)  # every list is filtered to the user's area
POSTED = {**PAGE, "party_member": 403}  # in K1's area read-only → 403; outside → 404


def _write_k1(ok=302, *, also=(), others=None):
    return statuses(ok, allowed=WRITE_K1 + list(also), others={**POSTED, **(others or {})})


def _cob(path):
    return f"/mobilize/cobuild/{path}"


COBUILD = {
    "mobilize:cobuild_agencies": [
        Check("GET", lambda c: _cob("agencies/"), LIST_PAGE),
        Check("POST", lambda c: _cob("agencies/"), _write_k1(), json=False, data=lambda c: {
            "community": c.community.pk, "name": "尧都区法院机关党支部", "agreement_start": TODAY,
            "agreement_end": LATER, "commitments": "法律咨询"}),
    ],
    "mobilize:cobuild_agency": [Check("GET", lambda c: _cob(f"agencies/{_fx(c).agency.pk}/"),
                                      statuses(200, allowed=SEE_COMMUNITY, others=PAGE))],
    "mobilize:cobuild_agency_confirm": [Check("POST", lambda c: _cob(f"agencies/{_fx(c).agency.pk}/confirm/"),
                                              _write_k1(), json=False)],
    "mobilize:cobuild_members": [
        Check("GET", lambda c: _cob("members/"), LIST_PAGE),
        Check("POST", lambda c: _cob("members/"), _write_k1(), json=False, data=lambda c: {
            "community": c.community.pk, "name": "周杰", "id_number": _zhou_id(), "employer": "临汾市财政局",
            "skills": ["driving"]}),
    ],
    # a person registers themselves (the resident here); the member is registered already (422); an account
    # without a person record may not (403)
    "mobilize:cobuild_member_self": [Check(
        "POST", lambda c: (_fx(c), _cob("members/me/"))[1],
        statuses(302, allowed=["resident"], denied=403, others={**PAGE, "party_member": 422}), json=False,
        data=lambda c: {"employer": "尧都区教育局", "skills": ["it"]})],
    "mobilize:cobuild_member_confirm": [Check("POST", lambda c: _cob(f"members/{_fx(c).pending.pk}/confirm/"),
                                              statuses(302, allowed=SEE_OTHER_STREET, others=PAGE), json=False)],
    "mobilize:cobuild_queue": [Check("GET", lambda c: _cob("queue/"), LIST_PAGE)],
    "mobilize:cobuild_needs": [
        Check("GET", lambda c: _cob("needs/"), LIST_PAGE),
        # residents and members of the community list needs too (services.need_create)
        Check("POST", lambda c: _cob("needs/"), statuses(302, allowed=WRITE_K1 + ["party_member", "resident"],
                                                          others=PAGE), json=False, data=lambda c: {
            "community": c.community.pk, "title": "楼道灯坏了", "category": "repair", "source": "resident",
            "urgency": 2, "wanted_from": TODAY, "wanted_to": LATER, "quantity": 1}),
    ],
    "mobilize:cobuild_need": [
        Check("GET", lambda c: _cob(f"needs/{_fx(c).need.pk}/"), statuses(200, allowed=SEE_COMMUNITY, others=PAGE)),
        Check("POST", lambda c: _cob(f"needs/{_fx(c).need.pk}/"), _write_k1(), json=False,
              data=lambda c: {"resources": [_fx(c).resource.pk], "title": "助餐三期"}),
    ],
    "mobilize:cobuild_resources": [
        Check("GET", lambda c: _cob("resources/"), LIST_PAGE),
        Check("POST", lambda c: _cob("resources/"), _write_k1(), json=False, data=lambda c: {
            "community": c.community.pk, "title": "电工", "category": "repair", "available_from": TODAY,
            "available_to": LATER, "capacity": 2}),
    ],
    "mobilize:cobuild_projects": [Check("GET", lambda c: _cob("projects/"), LIST_PAGE)],
    "mobilize:cobuild_project": [Check("GET", lambda c: _cob(f"projects/{_fx(c).project.pk}/"),
                                       statuses(200, allowed=SEE_COMMUNITY + ["resident"], others=PAGE))],
    # the resident sees the project of their community but acts on nothing above their household → 404
    "mobilize:cobuild_project_check": [Check("POST", lambda c: _cob(f"projects/{_fx(c).project.pk}/check/"),
                                             _write_k1(), json=False, data=lambda c: {"note": "按期完成"})],
    # a worker records a resident's score (by identity number); a member or resident of K1 gives their own
    "mobilize:cobuild_project_evaluate": [Check(
        "POST", lambda c: _cob(f"projects/{_fx(c).checked.pk}/evaluate/"),
        statuses(302, allowed=WRITE_K1 + ["party_member", "resident"], others=PAGE), json=False,
        data=lambda c: {"id_number": ID_R1, "score": 5, "comment": "很好"})],
    "mobilize:cobuild_activities": [
        Check("GET", lambda c: _cob("activities/"), LIST_PAGE),
        Check("POST", lambda c: _cob("activities/"), _write_k1(), json=False, data=lambda c: {
            "community": c.community.pk, "kind": "party_day", "title": "主题党日", "starts_at": "2026-07-01T09:00",
            "ends_at": "2026-07-01T11:00", "capacity": 30}),
    ],
    "mobilize:cobuild_activity": [Check("GET", lambda c: _cob(f"activities/{_fx(c).activity.pk}/"),
                                        statuses(200, allowed=SEE_COMMUNITY, others=PAGE))],
    # a worker signs up / checks in a member of K1; the member does it for themselves
    "mobilize:cobuild_activity_signup": [Check(
        "POST", lambda c: _cob(f"activities/{_fx(c).activity_open.pk}/signup/"),
        statuses(302, allowed=WRITE_K1 + ["party_member"], others=PAGE), json=False,
        data=lambda c: {"member": _fx(c).member.pk})],
    "mobilize:cobuild_activity_presence": [Check(
        "POST", lambda c: _cob(f"activities/{_fx(c).activity.pk}/check-in/"),
        statuses(302, allowed=WRITE_K1 + ["party_member"], others=PAGE), json=False,
        data=lambda c: {"member": _fx(c).member.pk, "code": _fx(c).activity.code})],
    "mobilize:cobuild_report": [Check("GET", lambda c: _cob("report/"), LIST_PAGE)],
}


def _zhou_id():
    from jiceng.core.pii import id_check_digit

    first17 = "14100219880808123"
    return first17 + id_check_digit(first17)


CHECKS = {
    # pages
    "mobilize:home": [Check("GET", lambda c: "/mobilize/", statuses(200, allowed=ALL, others=PAGE))],
    "mobilize:call": [Check("GET", lambda c: f"/mobilize/calls/{_fx(c).call.pk}/",
                            statuses(200, allowed=SEE_COMMUNITY, others=PAGE))],
    "mobilize:call_board": [Check("GET", lambda c: f"/mobilize/calls/{_fx(c).call.pk}/board/",
                                  statuses(200, allowed=SEE_COMMUNITY, others=PAGE))],
    "mobilize:my_calls": [Check("GET", lambda c: "/mobilize/my-calls/", statuses(200, allowed=ALL, others=PAGE))],
    # Wartime calls on pages: staff of a community or street (their top unit) switch the mode and issue calls;
    # a city administrator's top unit is the city (403), a grid worker's the grid, a resident's the household.
    "mobilize:mode_switch": [Check("POST", lambda c: "/mobilize/mode/", statuses(
        302, allowed=["street_official", "community_worker", "outsider"],
        others={**PAGE, "city_admin": 403, "grid_worker": 403, "party_member": 403, "resident": 403}),
        data=lambda c: {"mode": "wartime", "reason": "演练"}, json=False)],
    "mobilize:call_new": [Check("GET", lambda c: "/mobilize/calls/new/", statuses(
        200, allowed=["street_official", "community_worker", "outsider"],
        others={**PAGE, "city_admin": 403, "grid_worker": 403, "party_member": 403, "resident": 403}))],
    "mobilize:call_widen": [Check("POST", lambda c: f"/mobilize/calls/{_fx(c).call.pk}/widen/", statuses(
        302, allowed=WRITE_K1, others={**PAGE, "party_member": 403}),
        data=lambda c: {"max_distance_m": 50_000}, json=False)],
    "mobilize:call_draw": [Check("POST", lambda c: f"/mobilize/calls/{_fx(c).call.pk}/draw/", statuses(
        302, allowed=["city_admin", "street_official"], others=PAGE), json=False,
        note="the street draws its other communities' members in (community staff and members: outside the street, 404)")],
    "mobilize:assignment_action": [
        Check("POST", lambda c: f"/mobilize/assignments/{_fx(c).offer.pk}/accept/",
              statuses(302, allowed=["party_member"], others={**PAGE, **{p: 403 for p in WRITE_K1}}), json=False),
    ],
    "mobilize:activity_code": [Check("GET", lambda c: f"/mobilize/activities/{_fx(c).activity.pk}/code/",
                                     statuses(200, allowed=WRITE_K1, others={**PAGE, "party_member": 403}))],
    "mobilize:employer_report": [Check("GET", lambda c: "/mobilize/employer-report.xlsx?employer=临汾市税务局",
                                       statuses(200, allowed=ALL, others=PAGE))],
    # co-building pages (C1–C3, jiceng/mobilize/views_cobuild.py); forms are posted form-encoded
    **COBUILD,
    # C1
    f"POST {API}/agencies": [Check("POST", lambda c: f"{API}/agencies", statuses(
        201, allowed=WRITE_K1, others={"party_member": 403}), data=lambda c: {
        "community": c.community.code, "name": "尧都区法院机关党支部", "agreement_start": TODAY,
        "agreement_end": LATER, "commitments": "法律咨询"})],
    f"POST {API}/agencies/{{agency_id}}/confirm": [Check("POST", lambda c: f"{API}/agencies/{_fx(c).agency.pk}/confirm",
                                                         statuses(200, allowed=WRITE_K1,
                                                                  others={"party_member": 403}))],
    f"POST {API}/members": [Check("POST", lambda c: f"{API}/members", statuses(
        201, allowed=WRITE_K1 + ["resident"], others={"party_member": 403}), data=lambda c: {
        "community": c.community.code, "employer": "尧都区教育局", "skills": ["it"],
        "person_id": c.resident_person.pk})],
    f"POST {API}/members/{{member_id}}/confirm": [Check("POST", lambda c: f"{API}/members/{_fx(c).pending.pk}/confirm",
                                                        statuses(200, allowed=["city_admin", "outsider"]))],
    f"POST {API}/members/upload": [Check("POST", lambda c: f"{API}/members/upload",
                                         statuses(201, allowed=WRITE_K1, denied=422), data=_upload, json=False)],
    f"GET {API}/members/{{member_id}}/summary": [Check("GET", lambda c: f"{API}/members/{_fx(c).member.pk}/summary",
                                                       statuses(200, allowed=SEE_COMMUNITY))],
    # C2
    f"POST {API}/needs": [Check("POST", lambda c: f"{API}/needs", statuses(
        201, allowed=WRITE_K1 + ["party_member", "resident"]), data=lambda c: {
        "community": c.community.code, "title": "楼道灯坏了", "category": "repair", "source": "resident",
        "wanted_from": TODAY, "wanted_to": LATER})],
    f"POST {API}/resources": [Check("POST", lambda c: f"{API}/resources", statuses(
        201, allowed=WRITE_K1, others={"party_member": 403}), data=lambda c: {
        "community": c.community.code, "title": "电工", "category": "repair", "available_from": TODAY,
        "available_to": LATER})],
    f"GET {API}/needs/{{need_id}}/matches": [Check("GET", lambda c: f"{API}/needs/{_fx(c).need.pk}/matches",
                                                   statuses(200, allowed=SEE_COMMUNITY))],
    f"POST {API}/projects": [Check("POST", lambda c: f"{API}/projects", statuses(
        201, allowed=WRITE_K1, others={"party_member": 403}),
        data=lambda c: {"need_id": _fx(c).need.pk, "resource_ids": [_fx(c).resource.pk]})],
    f"POST {API}/projects/{{project_id}}/check": [Check("POST", lambda c: f"{API}/projects/{_fx(c).project.pk}/check",
                                                        statuses(200, allowed=WRITE_K1, others={"party_member": 403}),
                                                        data=lambda c: {"note": "按期完成"})],
    f"POST {API}/projects/{{project_id}}/evaluate": [Check(
        "POST", lambda c: f"{API}/projects/{_fx(c).checked.pk}/evaluate",
        statuses(200, allowed=["party_member", "resident"], others={p: 403 for p in WRITE_K1}),
        data=lambda c: {"score": 5})],
    # C3
    f"POST {API}/activities": [Check("POST", lambda c: f"{API}/activities", statuses(
        201, allowed=WRITE_K1, others={"party_member": 403}), data=lambda c: {
        "community": c.community.code, "kind": "party_day", "title": "主题党日",
        "starts_at": "2026-07-01T09:00:00+08:00", "ends_at": "2026-07-01T11:00:00+08:00", "capacity": 30})],
    f"POST {API}/activities/{{activity_id}}/signup": [Check(
        "POST", lambda c: f"{API}/activities/{_fx(c).activity_open.pk}/signup",
        statuses(201, allowed=["party_member"], others={p: 422 for p in WRITE_K1}))],
    f"POST {API}/activities/{{activity_id}}/check-in": [Check(
        "POST", lambda c: f"{API}/activities/{_fx(c).activity.pk}/check-in",
        statuses(200, allowed=["party_member"], others={p: 422 for p in WRITE_K1}),
        data=lambda c: {"code": _fx(c).activity.code})],
    f"POST {API}/activities/{{activity_id}}/check-out": [Check(
        "POST", lambda c: f"{API}/activities/{_fx(c).activity_in.pk}/check-out",
        statuses(200, allowed=["party_member"], others={p: 422 for p in WRITE_K1}),
        data=lambda c: {"code": _fx(c).activity_in.code})],
    # C4
    f"POST {API}/mode": [Check("POST", lambda c: f"{API}/mode", statuses(
        201, allowed=WRITE_K1, others={"party_member": 403}),
        data=lambda c: {"unit": c.community.code, "mode": "wartime", "reason": "防汛"})],
    f"POST {API}/calls": [Check("POST", lambda c: (_fx(c), f"{API}/calls")[1], statuses(
        201, allowed=WRITE_K1, others={"party_member": 403}),
        data=lambda c: {"unit": c.community.code, "title": "防汛值守", "posts": [_post(c)]})],
    f"GET {API}/calls/{{call_id}}/board": [Check("GET", lambda c: f"{API}/calls/{_fx(c).call.pk}/board",
                                                 statuses(200, allowed=SEE_COMMUNITY))],
    f"POST {API}/calls/{{call_id}}/assign": [Check("POST", lambda c: f"{API}/calls/{_fx(c).call.pk}/assign",
                                                   statuses(200, allowed=WRITE_K1, others={"party_member": 403}))],
    f"POST {API}/calls/{{call_id}}/draw-neighbours": [Check(
        "POST", lambda c: f"{API}/calls/{_fx(c).call.pk}/draw-neighbours",
        statuses(200, allowed=["city_admin", "street_official"]))],
    f"GET {API}/my-calls": [Check("GET", lambda c: f"{API}/my-calls", SEE_ALL)],
    f"POST {API}/assignments/{{assignment_id}}/accept": [Check(
        "POST", lambda c: f"{API}/assignments/{_fx(c).offer.pk}/accept", OWN)],
    f"POST {API}/assignments/{{assignment_id}}/decline": [Check(
        "POST", lambda c: f"{API}/assignments/{_fx(c).offer.pk}/decline", OWN)],
    f"POST {API}/assignments/{{assignment_id}}/check-in": [Check(
        "POST", lambda c: f"{API}/assignments/{_fx(c).accepted.pk}/check-in", OWN)],
    f"POST {API}/assignments/{{assignment_id}}/check-out": [Check(
        "POST", lambda c: f"{API}/assignments/{_fx(c).on_duty.pk}/check-out", OWN)],
    f"POST {API}/posts/{{post_id}}/take": [Check(
        "POST", lambda c: f"{API}/posts/{_fx(c).later_post.pk}/take",
        statuses(201, allowed=["party_member"], others={p: 422 for p in WRITE_K1}))],
}
