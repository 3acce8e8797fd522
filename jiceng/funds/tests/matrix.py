"""Persona verdicts for every funds page and endpoint (data made on first use, per test)."""

import datetime
import io

from django.utils import timezone

from jiceng.core.matrix import SEE_CITY, SEE_COMMUNITY, Check, Exempt, statuses

PAGE = {"anonymous": 302}
LOGGED_IN = ["city_admin", "street_official", "community_worker", "grid_worker", "party_member", "resident",
             "outsider"]
WRITERS = ["city_admin", "street_official", "community_worker"]  # write on community K1
ABOVE = ["city_admin", "street_official"]  # the level above K1
READ_ONLY_IN = {"party_member": 403}
YEAR = timezone.localdate().year
API = "/api/v1/funds"


def data(c):
    """K1's budget line, a pending expenditure and projects at each step (made once per test)."""
    if getattr(c, "_funds", None) is None:
        from jiceng.funds import selectors, services

        work = selectors.fund_type_by_code("community_work")
        budget = services.budget_set(actor=None, unit=c.community, year=YEAR, fund_type=work, source="county",
                                     amount="50000")
        spend = services.expenditure_record(actor=None, unit=c.community, fund_type=work,
                                            spent_on=datetime.date(YEAR, 1, 2), amount="60000", purpose="活动场地")

        def project(status):
            p = services.livelihood_project_create(actor=None, unit=c.community, title="加装路灯",
                                                   estimated_cost="8000", year=YEAR)
            steps = ["feasible", "chosen", "funded", "built", "accepted"]
            for step in steps[: steps.index(status) + 1] if status != "proposed" else []:
                if step == "feasible":
                    p = services.livelihood_feasibility(actor=None, project=p, feasible=True, note="可行")
                elif step == "chosen":
                    p = services.livelihood_choose(actor=None, project=p, chosen_by="joint_meeting")
                elif step == "funded":
                    p = services.livelihood_fund(actor=None, project=p, budget=budget, amount="8000")
                elif step == "built":
                    p = services.livelihood_built(actor=None, project=p)
                elif step == "accepted":
                    p = services.livelihood_accept(actor=None, project=p)
            return p

        c._funds = {"budget": budget, "spend": spend, **{s: project(s) for s in
                                                          ("proposed", "feasible", "chosen", "funded", "built",
                                                           "accepted")}}
    return c._funds


def _xlsx(c):
    from jiceng.core.testing import xlsx_upload

    return {"file": xlsx_upload([["单位代码", "年度", "经费类型", "来源", "金额"],
                                 [c.community.code, YEAR, "社区工作经费", "市", 120000]])}


def _spend_form(c):
    return {"unit": c.community.code, "fund_type": "community_work", "spent_on": f"{YEAR}-01-03",
            "amount": "100", "purpose": "文具"}


def _png():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, format="PNG")
    buf.seek(0)
    buf.name = "a.png"
    return buf


CHECKS = {
    "funds:home": [
        Check("GET", lambda c: "/funds/", statuses(200, allowed=LOGGED_IN, others=PAGE)),
        Check("GET", lambda c: f"/funds/?unit={c.community.code}", statuses(200, allowed=SEE_COMMUNITY, others=PAGE)),
    ],
    "funds:compliance": [
        Check("GET", lambda c: f"/funds/compliance/?unit={c.county.code}", statuses(200, allowed=SEE_CITY, others=PAGE)),
    ],
    "funds:letter_send": [
        Check("POST", lambda c: "/funds/letters/", statuses(302, allowed=SEE_CITY, others=PAGE),
              data=lambda c: {"county": c.county.code, "year": YEAR,
                              "deadline": (timezone.localdate() + datetime.timedelta(days=20)).isoformat()},
              json=False),
    ],
    "funds:budgets": [
        Check("GET", lambda c: f"/funds/budgets/?unit={c.community.code}",
              statuses(200, allowed=SEE_COMMUNITY, others=PAGE)),
        Check("POST", lambda c: f"/funds/budgets/?unit={c.community.code}",
              statuses(302, allowed=ABOVE, others={**PAGE, "party_member": 403, "community_worker": 403}),
              data=lambda c: {"unit": c.community.code, "year": YEAR, "fund_type": "community_work",
                              "source": "city", "amount": "100000"}, json=False),
    ],
    "funds:spending": [
        Check("GET", lambda c: f"/funds/spending/?unit={c.community.code}",
              statuses(200, allowed=SEE_COMMUNITY, others=PAGE)),
        Check("POST", lambda c: f"/funds/spending/?unit={c.community.code}",
              statuses(302, allowed=WRITERS, others={**PAGE, **READ_ONLY_IN}), data=_spend_form, json=False),
    ],
    "funds:spending_decide": [
        Check("POST", lambda c: f"/funds/spending/{data(c)['spend'].pk}/decide/",
              statuses(302, allowed=ABOVE, others={**PAGE, **READ_ONLY_IN, "community_worker": 403}),
              data=lambda c: {"approve": "1"}, json=False),
    ],
    "funds:projects": [
        Check("GET", lambda c: f"/funds/projects/?unit={c.community.code}",
              statuses(200, allowed=SEE_COMMUNITY, others=PAGE)),
        Check("POST", lambda c: f"/funds/projects/?unit={c.community.code}",
              statuses(302, allowed=WRITERS, others={**PAGE, **READ_ONLY_IN}),
              data=lambda c: {"unit": c.community.code, "title": "健身器材", "estimated_cost": "5000"}, json=False),
    ],
    "funds:project": [
        Check("GET", lambda c: f"/funds/projects/{data(c)['proposed'].pk}/",
              statuses(200, allowed=SEE_COMMUNITY, others=PAGE)),
    ],
    "funds:project_step": [
        Check("POST", lambda c: f"/funds/projects/{data(c)['proposed'].pk}/feasibility/",
              statuses(302, allowed=WRITERS, others={**PAGE, **READ_ONLY_IN}),
              data=lambda c: {"feasible": "yes", "note": "可行"}, json=False),
        Check("POST", lambda c: f"/funds/projects/{data(c)['built'].pk}/accept/",
              statuses(302, allowed=ABOVE, others={**PAGE, **READ_ONLY_IN, "community_worker": 403}),
              data=lambda c: {"note": "合格"}, json=False),
    ],
    "funds:disclosure": Exempt("public 居务公开 page without personal data; test_disclosure.py"),
    "funds:export": [
        Check("GET", lambda c: f"/funds/export/budgets/?unit={c.community.code}",
              statuses(200, allowed=SEE_COMMUNITY, others=PAGE)),
    ],
    f"GET {API}/types": [Check("GET", lambda c: f"{API}/types", statuses(200, allowed=LOGGED_IN))],
    f"POST {API}/types": [Check("POST", lambda c: f"{API}/types", statuses(201, allowed=SEE_CITY),
                                data=lambda c: {"code": "party_fees", "name": "党费返还", "level": "community"})],
    f"GET {API}/standards": [Check("GET", lambda c: f"{API}/standards", statuses(200, allowed=LOGGED_IN))],
    f"PUT {API}/standards": [Check("PUT", lambda c: f"{API}/standards", statuses(200, allowed=SEE_CITY),
                                   data=lambda c: {"year": YEAR, "fund_type": "street_running",
                                                   "minimum": "900000"})],
    f"GET {API}/budgets": [Check("GET", lambda c: f"{API}/budgets", statuses(200, allowed=LOGGED_IN))],
    f"PUT {API}/budgets": [Check("PUT", lambda c: f"{API}/budgets",
                                 statuses(200, allowed=ABOVE, others={**READ_ONLY_IN, "community_worker": 403}),
                                 data=lambda c: {"unit": c.community.code, "year": YEAR,
                                                 "fund_type": "community_work", "source": "city",
                                                 "amount": "100000"})],
    f"POST {API}/budgets/import": [Check(
        "POST", lambda c: f"{API}/budgets/import",
        statuses(200, allowed=ABOVE, denied=422, others={"anonymous": 401}), data=_xlsx, json=False,
        note="rows outside the caller's area or rights are refused row by row (422, nothing written)")],
    f"GET {API}/compliance": [Check("GET", lambda c: f"{API}/compliance?unit={c.county.code}",
                                    statuses(200, allowed=SEE_CITY))],
    f"GET {API}/letters": [Check("GET", lambda c: f"{API}/letters", statuses(200, allowed=LOGGED_IN))],
    f"POST {API}/letters": [Check("POST", lambda c: f"{API}/letters", statuses(201, allowed=SEE_CITY),
                                  data=lambda c: {"county": c.county.code, "year": YEAR, "deadline": (
                                      timezone.localdate() + datetime.timedelta(days=20)).isoformat()})],
    f"POST {API}/years/close": [Check("POST", lambda c: f"{API}/years/close", statuses(201, allowed=SEE_CITY),
                                      data=lambda c: {"unit": c.county.code, "year": YEAR - 1})],
    f"GET {API}/spending": [Check("GET", lambda c: f"{API}/spending", statuses(200, allowed=LOGGED_IN))],
    f"POST {API}/spending": [Check("POST", lambda c: f"{API}/spending",
                                   statuses(201, allowed=WRITERS, others=READ_ONLY_IN),
                                   data=lambda c: {**_spend_form(c), "voucher": _png()}, json=False)],
    f"POST {API}/spending/{{pk}}/decision": [Check(
        "POST", lambda c: f"{API}/spending/{data(c)['spend'].pk}/decision",
        statuses(200, allowed=ABOVE, others={**READ_ONLY_IN, "community_worker": 403}),
        data=lambda c: {"approve": True})],
    f"GET {API}/execution": [Check("GET", lambda c: f"{API}/execution", statuses(200, allowed=LOGGED_IN))],
    f"GET {API}/projects": [Check("GET", lambda c: f"{API}/projects", statuses(200, allowed=LOGGED_IN))],
    f"POST {API}/projects": [Check("POST", lambda c: f"{API}/projects",
                                   statuses(201, allowed=WRITERS, others=READ_ONLY_IN),
                                   data=lambda c: {"unit": c.community.code, "title": "修缮凉亭",
                                                   "estimated_cost": 3000})],
    f"GET {API}/projects/{{pk}}": [Check("GET", lambda c: f"{API}/projects/{data(c)['proposed'].pk}",
                                         statuses(200, allowed=SEE_COMMUNITY))],
    f"POST {API}/projects/{{pk}}/feasibility": [Check(
        "POST", lambda c: f"{API}/projects/{data(c)['proposed'].pk}/feasibility",
        statuses(200, allowed=WRITERS, others=READ_ONLY_IN), data=lambda c: {"feasible": "true", "note": "可行"},
        json=False)],
    f"POST {API}/projects/{{pk}}/choose": [Check(
        "POST", lambda c: f"{API}/projects/{data(c)['feasible'].pk}/choose",
        statuses(200, allowed=WRITERS, others=READ_ONLY_IN), data=lambda c: {"chosen_by": "joint_meeting"})],
    f"POST {API}/projects/{{pk}}/fund": [Check(
        "POST", lambda c: f"{API}/projects/{data(c)['chosen'].pk}/fund",
        statuses(200, allowed=ABOVE, others={**READ_ONLY_IN, "community_worker": 403}),
        data=lambda c: {"budget": data(c)["budget"].pk, "amount": "5000"})],
    f"POST {API}/projects/{{pk}}/built": [Check(
        "POST", lambda c: f"{API}/projects/{data(c)['funded'].pk}/built",
        statuses(200, allowed=WRITERS, others=READ_ONLY_IN), data=lambda c: {}, json=False)],
    f"POST {API}/projects/{{pk}}/accept": [Check(
        "POST", lambda c: f"{API}/projects/{data(c)['built'].pk}/accept",
        statuses(200, allowed=ABOVE, others={**READ_ONLY_IN, "community_worker": 403}), data=lambda c: {"note": "好"},
        json=False)],
    f"POST {API}/projects/{{pk}}/rate": [Check(
        "POST", lambda c: f"{API}/projects/{data(c)['accepted'].pk}/rate",
        statuses(200, allowed=["resident"], others={"city_admin": 403, "street_official": 403,
                                                    "community_worker": 403, "party_member": 403}),
        data=lambda c: {"score": 5})],
    f"GET {API}/public/{{code}}": Exempt("public disclosure data of a community, no personal data; test_disclosure.py"),
    f"GET {API}/export/{{table}}": [Check("GET", lambda c: f"{API}/export/projects",
                                          statuses(200, allowed=LOGGED_IN))],
}
