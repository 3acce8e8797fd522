"""Persona verdicts for every workforce page and endpoint.

County recruits (city admin here; the small city has no county official), street manages (street
official of S1), community uses (community worker of K1). Grid workers, party members and residents
may not see the roster (403 inside their area, 404 outside)."""

import datetime

from django.utils import timezone

from jiceng.core.matrix import ALL, Check, statuses

PAGE = {"anonymous": 302}
TODAY = timezone.localdate()
YEAR = TODAY.year
MONTH = TODAY.replace(day=1)
LAST_MONTH = (MONTH - datetime.timedelta(days=1)).replace(day=1)
API = "/api/v1/workforce"

# Who sees workers of community K1 (VIEW = reveal_pii): others inside → 403, outside → 404.
VIEW_K1 = ["city_admin", "street_official", "community_worker"]
K1_DENIED = {"party_member": 403}
MANAGE_K1 = ["city_admin", "street_official"]
MANAGE_DENIED = {"community_worker": 403, "party_member": 403}
RECRUIT_DENIED = {"street_official": 403, "community_worker": 403, "party_member": 403}
# The user's own top unit: grid workers, party members and residents may not view the roster there.
TOP_VIEW = ["city_admin", "street_official", "community_worker", "outsider"]
TOP_DENIED = {"grid_worker": 403, "party_member": 403, "resident": 403}


def data(c):
    if getattr(c, "_workforce", None) is None:
        from jiceng.orgs import services as org_services
        from jiceng.workforce import services
        from jiceng.workforce.tests.conftest import hire

        for year in {YEAR, LAST_MONTH.year}:
            services.pay_table_set(actor=None, county=c.county, year=year, base_amount="3000.00")
        k3 = org_services.unit_create(actor=None, parent=c.street, kind="community", code="141002001009",
                                      name="九社区")
        staff = hire(2, c.community, hire_date=datetime.date(2019, 6, 1))
        other = hire(3, c.community2, hire_date=datetime.date(2019, 6, 1))
        final = services.evaluation_record(actor=None, worker=staff, year=YEAR - 1,
                                           scores={"political": 20, "ability": 20, "performance": 25,
                                                   "residents": 15})
        appealed = services.evaluation_record(actor=None, worker=staff, year=YEAR - 2,
                                              scores={"political": 10, "ability": 10, "performance": 20,
                                                      "residents": 10})
        services.evaluation_appeal(actor=None, evaluation=appealed, reason="评分偏低")
        approved = services.payroll_prepare(actor=None, street=c.street, month=LAST_MONTH)
        services.payroll_approve(actor=None, run=approved)
        prepared = services.payroll_prepare(actor=None, street=c.street, month=MONTH)
        power = services.power_create(actor=None, owner=c.county, name="城市管理领域行政处罚权",
                                      legal_basis="《行政处罚法》第二十四条", department="城市管理局")
        c._workforce = {"k3": k3, "staff": staff, "other": other, "final": final, "appealed": appealed,
                        "approved": approved, "prepared": prepared, "power": power}
    return c._workforce


def _w(c):
    return data(c)["staff"].pk


def _new_worker(c):
    return {"community": c.community.code, "name": "新招录", "id_number": _id(77), "phone": "13900000077", "post": "other", "channel": "open",
            "hire_date": "2024-03-01", "education": "bachelor", "qualification": "junior", "title": "",
            "bank_account": "6222020200112233445"}


def _id(n):
    from jiceng.workforce.tests.conftest import make_id

    return make_id(n)


SCORES = {"political": 22, "ability": 22, "performance": 25, "residents": 18}


def _worker_url(suffix=""):
    return lambda c: f"/workforce/workers/{_w(c)}/{suffix}"


CHECKS = {
    # Pages
    "workforce:home": [
        Check("GET", lambda c: "/workforce/", statuses(200, allowed=TOP_VIEW, others={**PAGE, **TOP_DENIED})),
        Check("GET", lambda c: f"/workforce/?unit={c.community.code}",
              statuses(200, allowed=VIEW_K1, others={**PAGE, **K1_DENIED})),
    ],
    "workforce:worker_new": [
        Check("GET", lambda c: "/workforce/new/", statuses(200, allowed=["city_admin"], denied=403, others=PAGE)),
        Check("POST", lambda c: "/workforce/new/", statuses(302, allowed=["city_admin"], denied=403, others=PAGE),
              data=_new_worker, json=False),
    ],
    "workforce:roster_xlsx": [
        Check("GET", lambda c: f"/workforce/roster.xlsx?unit={c.community.code}",
              statuses(200, allowed=VIEW_K1, others={**PAGE, **K1_DENIED})),
    ],
    "workforce:roster_import": [
        Check("GET", lambda c: "/workforce/import/", statuses(200, allowed=["city_admin"], denied=403, others=PAGE)),
    ],
    "workforce:worker": [
        Check("GET", _worker_url(), statuses(200, allowed=VIEW_K1, others={**PAGE, **K1_DENIED})),
    ],
    "workforce:worker_transfer": [
        Check("POST", _worker_url("transfer/"), statuses(302, allowed=MANAGE_K1, others={**PAGE, **K1_DENIED}),
              data=lambda c: {"community": data(c)["k3"].code}, json=False),
    ],
    "workforce:worker_status": [
        Check("POST", _worker_url("status/"), statuses(302, allowed=MANAGE_K1, others={**PAGE, **MANAGE_DENIED}),
              data=lambda c: {"status": "suspended", "reason": "病假"}, json=False),
    ],
    "workforce:worker_post": [
        Check("POST", _worker_url("post/"), statuses(302, allowed=MANAGE_K1, others={**PAGE, **MANAGE_DENIED}),
              data=lambda c: {"post": "deputy", "effective_on": (TODAY - datetime.timedelta(days=1)).isoformat()},
              json=False),
    ],
    "workforce:worker_attendance": [
        Check("POST", _worker_url("attendance/"), statuses(302, allowed=VIEW_K1, others={**PAGE, **K1_DENIED}),
              data=lambda c: {"month": MONTH.strftime("%Y-%m"), "days_required": 22, "days_present": 21}, json=False),
    ],
    "workforce:evaluation_new": [
        Check("POST", _worker_url("evaluations/"), statuses(302, allowed=MANAGE_K1, others={**PAGE, **MANAGE_DENIED}),
              data=lambda c: {"year": YEAR, **SCORES}, json=False),
    ],
    "workforce:payslip": [
        Check("GET", lambda c: f"/workforce/workers/{_w(c)}/payslips/{MONTH:%Y-%m}/",
              statuses(200, allowed=VIEW_K1, others={**PAGE, **K1_DENIED})),
    ],
    "workforce:evaluations": [
        Check("GET", lambda c: "/workforce/evaluations/", statuses(200, allowed=TOP_VIEW,
                                                                   others={**PAGE, **TOP_DENIED})),
    ],
    "workforce:evaluation_appeal": [
        Check("POST", lambda c: f"/workforce/evaluations/{data(c)['final'].pk}/appeal/",
              statuses(302, allowed=VIEW_K1, others={**PAGE, **K1_DENIED}), data=lambda c: {"reason": "不服"},
              json=False),
    ],
    "workforce:evaluation_decide": [
        Check("POST", lambda c: f"/workforce/evaluations/{data(c)['appealed'].pk}/decide/",
              statuses(302, allowed=["city_admin"], others={**PAGE, **RECRUIT_DENIED}),
              data=lambda c: {"note": "维持", "revise": ""}, json=False),
    ],
    "workforce:payrolls": [
        Check("GET", lambda c: "/workforce/payrolls/", statuses(200, allowed=TOP_VIEW, others={**PAGE, **TOP_DENIED})),
        Check("POST", lambda c: "/workforce/payrolls/", statuses(302, allowed=MANAGE_K1, others={**PAGE, **TOP_DENIED}),
              data=lambda c: {"street": c.street.code, "month": MONTH.strftime("%Y-%m"), "_": data(c) and ""},
              json=False),
    ],
    "workforce:payroll": [
        Check("GET", lambda c: f"/workforce/payrolls/{data(c)['prepared'].pk}/",
              statuses(200, allowed=MANAGE_K1, others=PAGE)),
    ],
    "workforce:payroll_approve": [
        Check("POST", lambda c: f"/workforce/payrolls/{data(c)['prepared'].pk}/approve/",
              statuses(302, allowed=["city_admin"], others={**PAGE, "street_official": 403})),
    ],
    "workforce:payroll_xlsx": [
        Check("GET", lambda c: f"/workforce/payrolls/{data(c)['approved'].pk}/bank.xlsx",
              statuses(200, allowed=MANAGE_K1, others=PAGE)),
    ],
    "workforce:statistics": [
        Check("GET", lambda c: "/workforce/statistics/", statuses(200, allowed=TOP_VIEW,
                                                                  others={**PAGE, **TOP_DENIED})),
    ],
    "workforce:seats": [
        Check("GET", lambda c: "/workforce/seats/", statuses(200, allowed=TOP_VIEW, others={**PAGE, **TOP_DENIED})),
        Check("GET", lambda c: f"/workforce/seats/?unit={c.community.code}&term=all",
              statuses(200, allowed=VIEW_K1, others={**PAGE, **K1_DENIED})),
    ],
    "workforce:seat_new": [
        Check("POST", lambda c: f"/workforce/seats/new/?unit={c.community.code}",
              statuses(302, allowed=MANAGE_K1, others={**PAGE, **MANAGE_DENIED}),
              data=lambda c: {"community": c.community.code, "id_number": _id(2) if data(c) else "",
                              "committee": "party", "role": "member", "term_start": f"{YEAR - 1}-03-01",
                              "term_end": f"{YEAR + 3}-02-28", "education": ""}, json=False),
    ],
    "workforce:scale": [
        Check("GET", lambda c: "/workforce/scale/", statuses(200, allowed=TOP_VIEW, others={**PAGE, **TOP_DENIED})),
        Check("GET", lambda c: f"/workforce/scale/?unit={c.county.code}&year={YEAR}",
              statuses(200, allowed=["city_admin"], others=PAGE)),
        Check("GET", lambda c: f"/workforce/scale/?unit={c.community.code}",
              statuses(200, allowed=VIEW_K1, others={**PAGE, **K1_DENIED})),
    ],
    "workforce:scale_set": [
        Check("POST", lambda c: f"/workforce/scale/{c.county.code}/", statuses(302, allowed=["city_admin"], others=PAGE),
              data=lambda c: {"principal_low": 7, "principal_high": 18, "deputy_low": 4, "deputy_high": 15,
                              "other_low": 1, "other_high": 12, "years_per_grade": 3, "bachelor_years": 3,
                              "master_years": 6, "doctor_years": 9}, json=False),
    ],
    "workforce:pay_table_set": [
        Check("POST", lambda c: f"/workforce/scale/{c.county.code}/pay/",
              statuses(302, allowed=["city_admin"], others=PAGE),
              data=lambda c: {"year": YEAR, "base_amount": "3300.00",
                              **{f"c{g}": f"{1 + (g - 1) / 10:.2f}" for g in range(1, 19)}}, json=False),
    ],
    "workforce:streets": [
        Check("GET", lambda c: "/workforce/streets/", statuses(200, allowed=ALL, others=PAGE)),
    ],
    "workforce:street_config": [
        Check("POST", lambda c: f"/workforce/streets/{c.street.code}/config/",
              statuses(302, allowed=MANAGE_K1, others=PAGE),
              data=lambda c: {"item": "veterans_station", "present": "on", "head": "王站长", "staffing": 3},
              json=False),
    ],
    "workforce:powers": [
        Check("GET", lambda c: "/workforce/powers/", statuses(200, allowed=ALL, others=PAGE)),
    ],
    "workforce:power_new": [
        Check("POST", lambda c: "/workforce/powers/new/", statuses(302, allowed=["city_admin"], others=PAGE),
              data=lambda c: {"owner": c.county.code, "name": "占道经营处罚", "legal_basis": "《城市市容和环境卫生管理条例》",
                              "department": "城市管理局"}, json=False),
    ],
    "workforce:power_grant": [
        Check("POST", lambda c: f"/workforce/powers/{data(c)['power'].pk}/grants/",
              statuses(302, allowed=["city_admin"], others={**PAGE, "street_official": 403}),
              data=lambda c: {"street": c.street.code, "granted_on": TODAY.isoformat(), "document": "尧政发〔2024〕5号"},
              json=False),
    ],
    # API
    f"GET {API}/workers": [
        Check("GET", lambda c: f"{API}/workers", statuses(200, allowed=TOP_VIEW, others=TOP_DENIED)),
        Check("GET", lambda c: f"{API}/workers?unit={c.community.code}", statuses(200, allowed=VIEW_K1,
                                                                                   others=K1_DENIED)),
    ],
    f"POST {API}/workers": [
        Check("POST", lambda c: f"{API}/workers", statuses(201, allowed=["city_admin"], others=RECRUIT_DENIED),
              data=_new_worker),
    ],
    f"GET {API}/workers/{{worker_id}}": [
        Check("GET", lambda c: f"{API}/workers/{_w(c)}", statuses(200, allowed=VIEW_K1, others=K1_DENIED)),
    ],
    f"POST {API}/workers/{{worker_id}}/transfer": [
        Check("POST", lambda c: f"{API}/workers/{_w(c)}/transfer", statuses(200, allowed=MANAGE_K1,
                                                                              others=K1_DENIED),
              data=lambda c: {"community": data(c)["k3"].code}),
    ],
    f"POST {API}/workers/{{worker_id}}/status": [
        Check("POST", lambda c: f"{API}/workers/{_w(c)}/status", statuses(200, allowed=MANAGE_K1,
                                                                            others=MANAGE_DENIED),
              data=lambda c: {"status": "suspended", "reason": "病假"}),
    ],
    f"POST {API}/workers/{{worker_id}}/post": [
        Check("POST", lambda c: f"{API}/workers/{_w(c)}/post", statuses(200, allowed=MANAGE_K1, others=MANAGE_DENIED),
              data=lambda c: {"post": "deputy", "effective_on": (TODAY - datetime.timedelta(days=1)).isoformat()}),
    ],
    f"POST {API}/workers/{{worker_id}}/attendance": [
        Check("POST", lambda c: f"{API}/workers/{_w(c)}/attendance", statuses(200, allowed=VIEW_K1, others=K1_DENIED),
              data=lambda c: {"month": MONTH.isoformat(), "days_required": 22, "days_present": 22}),
    ],
    f"GET {API}/evaluations/due": [
        Check("GET", lambda c: f"{API}/evaluations/due", statuses(200, allowed=TOP_VIEW, others=TOP_DENIED)),
    ],
    f"POST {API}/evaluations": [
        Check("POST", lambda c: f"{API}/evaluations", statuses(201, allowed=MANAGE_K1, others=MANAGE_DENIED),
              data=lambda c: {"worker_id": _w(c), "year": YEAR, "scores": SCORES}),
    ],
    f"POST {API}/evaluations/{{evaluation_id}}/appeal": [
        Check("POST", lambda c: f"{API}/evaluations/{data(c)['final'].pk}/appeal",
              statuses(200, allowed=VIEW_K1, others=K1_DENIED), data=lambda c: {"reason": "不服"}),
    ],
    f"POST {API}/evaluations/{{evaluation_id}}/decide": [
        Check("POST", lambda c: f"{API}/evaluations/{data(c)['appealed'].pk}/decide",
              statuses(200, allowed=["city_admin"], others=RECRUIT_DENIED),
              data=lambda c: {"revise": True, "note": "改评", "scores": SCORES}),
    ],
    f"PUT {API}/grade-scales/{{code}}": [
        Check("PUT", lambda c: f"{API}/grade-scales/{c.county.code}", statuses(200, allowed=["city_admin"]),
              data=lambda c: {"years_per_grade": 2, "master_years": 4}),
    ],
    f"POST {API}/pay-tables": [
        Check("POST", lambda c: f"{API}/pay-tables", statuses(200, allowed=["city_admin"]),
              data=lambda c: {"county": c.county.code, "year": YEAR, "base_amount": "3200.00"}),
    ],
    f"GET {API}/payrolls": [
        Check("GET", lambda c: f"{API}/payrolls", statuses(200, allowed=TOP_VIEW, others=TOP_DENIED)),
    ],
    f"POST {API}/payrolls": [
        Check("POST", lambda c: f"{API}/payrolls", statuses(201, allowed=MANAGE_K1),
              data=lambda c: {"street": c.street.code, "month": MONTH.isoformat(), "_": data(c) and ""}),
    ],
    f"GET {API}/payrolls/{{run_id}}": [
        Check("GET", lambda c: f"{API}/payrolls/{data(c)['prepared'].pk}", statuses(200, allowed=MANAGE_K1)),
    ],
    f"POST {API}/payrolls/{{run_id}}/approve": [
        Check("POST", lambda c: f"{API}/payrolls/{data(c)['prepared'].pk}/approve",
              statuses(200, allowed=["city_admin"], others={"street_official": 403})),
    ],
    f"GET {API}/statistics": [
        Check("GET", lambda c: f"{API}/statistics", statuses(200, allowed=TOP_VIEW, others=TOP_DENIED)),
    ],
    f"GET {API}/streets": [
        Check("GET", lambda c: f"{API}/streets", statuses(200, allowed=ALL)),
    ],
    f"PUT {API}/streets/{{code}}/config/{{item}}": [
        Check("PUT", lambda c: f"{API}/streets/{c.street.code}/config/party_office", statuses(200, allowed=MANAGE_K1),
              data=lambda c: {"present": True, "head": "李主任", "staffing": 5}),
    ],
    f"GET {API}/powers": [
        Check("GET", lambda c: f"{API}/powers", statuses(200, allowed=ALL)),
    ],
    f"POST {API}/powers": [
        Check("POST", lambda c: f"{API}/powers", statuses(201, allowed=["city_admin"]),
              data=lambda c: {"owner": c.county.code, "name": "占道经营处罚", "legal_basis": "条例",
                              "department": "城市管理局"}),
    ],
    f"POST {API}/powers/{{power_id}}/grants": [
        Check("POST", lambda c: f"{API}/powers/{data(c)['power'].pk}/grants",
              statuses(201, allowed=["city_admin"], others={"street_official": 403}),
              data=lambda c: {"street": c.street.code, "granted_on": TODAY.isoformat(), "document": "尧政发〔2024〕5号"}),
    ],
}
