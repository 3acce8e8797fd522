"""In Chromium, the Done-when of deliberation on record, on the pages: a dispute case reported up to the
community is opened for deliberation with the owners' committee and the property company invited, a
session is held with both, the decision closes the case and creates follow-up actions that appear on the
community desk. And the compound page shows its whole "one core, many parties" (the volunteer team and
the project manager's report-ins registered from the registry page in the browser), with nothing missing."""

import datetime

import pytest
from django.utils import timezone

from jiceng.conftest import browser_login, build_city
from jiceng.consult.tests.conftest import VALID_CREDIT_CODE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _parties(city):
    """Compound C1's owners' committee (chaired by a party member), the property company serving it with its
    project manager, an instructor sent by K1, the chair on the big committee; a case reported up to K1."""
    from jiceng.cases import services as cases
    from jiceng.cases.models import Category
    from jiceng.consult import stakeholders
    from jiceng.network import routing
    from jiceng.people import services as people

    today = timezone.localdate()
    term = (today - datetime.timedelta(days=20), today + datetime.timedelta(days=5 * 365))

    def person(name, org=None):
        p = people.person_create(actor=None, household=city.household, name=name, gender="M")
        if org is not None:
            people.party_membership_set(actor=None, person=p, org=org)
        return p

    chair, owner = person("周建国", city.org_grid), person("吴敏")
    manager, cadre = person("郑海", city.org_grid), person("孙丽", city.org_community)
    stakeholders.owners_committee_create(actor=None, compound=city.compound, name="幸福小区业主委员会",
                                         elected_on=term[0], term_start=term[0], term_end=term[1],
                                         members=[(chair, "chair"), (owner, "member")])
    company = stakeholders.property_company_create(actor=None, unit=city.street, name="康居物业有限公司",
                                                   licence_code=VALID_CREDIT_CODE)
    stakeholders.property_service_set(actor=None, company=company, compound=city.compound, manager=manager,
                                      started_on=term[0])
    stakeholders.instructor_assign(actor=None, community=city.community, person=cadre, company=company,
                                   term_start=term[0], term_end=term[1])
    stakeholders.cross_appointment_create(actor=None, kind="big_committee", compound=city.compound, person=chair,
                                          term_start=term[0], term_end=term[1])
    routing.reset_index()
    case, _ = cases.case_submit(actor=None, category=Category.objects.get(code="E0101"), source="api",
                                description="楼道堆物引发邻里纠纷", lat=36.05, lng=111.42)
    worker = city.users["grid_worker"]
    case = cases.case_act(actor=worker, case=case, action="register", version=None)
    case = cases.case_act(actor=worker, case=case, action="escalate", version=None, comment="需多方协商")
    routing.reset_index()
    return {"case": case, "chair": chair, "owner": owner, "manager": manager}


def test_a_dispute_reported_up_is_deliberated_decided_and_its_actions_reach_the_desk(page):
    from jiceng.cases.models import Case

    city = build_city()
    p = _parties(city)
    case = p["case"]
    today = timezone.localdate()
    browser_login(page, "community_worker", "pass-community_worker")

    # The compound's registries: a volunteer team and the project manager's report-ins, from the page.
    page.goto(f"/consult/compounds/{city.compound.code}/")
    assert "志愿服务队" not in page.inner_text("#teams")
    page.click("#edit-registries")
    page.fill("#id_team-name", "幸福小区志愿服务队")
    page.select_option("#id_team-members", [str(p["owner"].pk), str(p["chair"].pk)])
    page.click("#team-form button[type=submit]")
    page.wait_for_selector("#team-form")
    for to in ("community", "grid"):
        page.select_option("#id_report_in-to", to)
        page.fill("#id_report_in-reported_on", today.isoformat())
        page.click("#report-in-form button[type=submit]")
        page.wait_for_selector("#report-in-form")

    # One core, many parties: all of it, nothing missing.
    page.goto(f"/consult/compounds/{city.compound.code}/")
    assert page.inner_text("#missing").strip() == "无缺项。"
    assert city.org_grid.name in page.inner_text("#branch")
    assert "幸福小区业主委员会" in page.inner_text("#owners-committee")
    assert "周建国" in page.inner_text("#owners-committee")
    assert "康居物业有限公司" in page.inner_text("#property") and "郑海" in page.inner_text("#property")
    assert "孙丽" in page.inner_text("#instructors")
    assert "幸福小区志愿服务队" in page.inner_text("#teams")
    assert "周建国" in page.inner_text("#appointments")

    # The case reported up is opened for deliberation with the owners' committee and the property company.
    page.goto(f"/consult/matters/?unit={city.community.code}&case={case.code}")
    page.fill("#id_title", "楼道堆物纠纷")
    page.fill("#id_decide_by", (today + datetime.timedelta(days=7)).isoformat())
    page.check("#id_invite_owners_committee")
    page.check("#id_invite_property_company")
    page.click("#matter-form button[type=submit]")
    page.wait_for_url("**/consult/matters/*/")
    assert "幸福小区业主委员会" in page.content() and "康居物业有限公司" in page.content()

    # A session with both parties, then the decision with a follow-up action.
    form = page.locator("#session-form")
    form.locator("[name=held_on]").fill(today.isoformat())
    form.locator("[name=minutes]").fill("业委会与物业到场，约定三日内清理楼道")
    names = form.locator("input[name^=party_]")
    assert names.count() == 2
    names.nth(0).fill("周建国")
    names.nth(1).fill("郑海")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#decision-form [name=session] option:nth-child(2)", state="attached")
    form = page.locator("#decision-form")
    form.locator("[name=session]").select_option(index=1)
    form.locator("[name=method]").select_option("consensus")
    form.locator("[name=text]").fill("物业三日内清理楼道堆物，业委会监督")
    deadline = (today + datetime.timedelta(days=3)).isoformat()
    form.locator("[name=actions]").fill(f"清理3号楼楼道 | 郑海 | {deadline}")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#decision")
    assert "物业三日内清理楼道堆物" in page.content()

    case.refresh_from_db()
    assert Case.objects.get(pk=case.pk).status == "closed"
    page.goto("/cases/desk/")
    assert "清理3号楼楼道" in page.content()
