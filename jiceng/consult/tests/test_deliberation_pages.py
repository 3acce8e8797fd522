"""The deliberation and stakeholder pages: a compound's one core and its gaps, a case opened for
deliberation from the page, bad input shown next to its field with nothing written, pinned query counts."""

import datetime

from django.utils import timezone

from jiceng.consult import stakeholders
from jiceng.consult.models.deliberation import Matter, MatterDecision, MatterSession
from jiceng.core.testing import assert_queries

TODAY = timezone.localdate()


def test_the_compound_page_shows_its_one_core_and_what_is_missing(city, stake, client_for):
    c = client_for("community_worker")
    html = c.get(f"/consult/compounds/{city.compound.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for text in ("第一网格党支部", "幸福小区业主委员会", "周建国", "康居物业有限公司", "郑海"):
        assert text in html
    assert "党建指导员" in html and "缺少" in html  # no instructor yet, listed as missing
    stakeholders.instructor_assign(actor=None, community=city.community, person=stake.cadre, company=stake.company,
                                   term_start=TODAY, term_end=TODAY + datetime.timedelta(days=365))
    html = c.get(f"/consult/compounds/{city.compound.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "孙丽" in html


def test_a_name_with_markup_is_shown_as_text(city, stake, client_for):
    from jiceng.consult import deliberation

    deliberation.matter_open(actor=None, unit=city.compound, kind="dispute", title="<script>alert(1)</script>",
                             decide_by=TODAY)
    html = client_for("community_worker").get(f"/consult/compounds/{city.compound.code}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_a_case_is_opened_decided_and_closed_through_the_pages(city, stake, reported_case, client_for):
    c = client_for("community_worker")
    form = c.get(f"/consult/matters/?unit={city.community.code}&case={reported_case.code}").content.decode()
    assert reported_case.code in form
    r = c.post("/consult/matters/", {"matter_kind": "case", "unit": city.community.code, "case": reported_case.code,
                                     "title": "楼道堆物纠纷", "decide_by": TODAY.isoformat(),
                                     "invite_owners_committee": "on", "invite_property_company": "on"})
    matter = Matter.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/consult/matters/{matter.pk}/"
    oc, company = matter.parties.all()
    # A decision before any session: the error is next to the session field and nothing is written.
    r = c.post(f"/consult/matters/{matter.pk}/", {"form": "decision", "method": "consensus", "text": "清理"},
               HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422 and "先记录" in r.content.decode()
    assert not MatterDecision.objects.exists()
    r = c.post(f"/consult/matters/{matter.pk}/", {"form": "session", "held_on": TODAY.isoformat(),
                                                  "minutes": "三方到场协商", f"party_{oc.pk}": "周建国",
                                                  f"party_{company.pk}": "郑海"})
    assert r.status_code == 302
    session = MatterSession.objects.get()
    # An action without an owner: an error on the actions field, nothing written.
    r = c.post(f"/consult/matters/{matter.pk}/", {
        "form": "decision", "session": session.pk, "method": "consensus", "text": "限期清理",
        "actions": f"清理楼道 |  | {TODAY.isoformat()}"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422 and "责任人" in r.content.decode()
    r = c.post(f"/consult/matters/{matter.pk}/", {
        "form": "decision", "session": session.pk, "method": "consensus", "text": "限期清理", "public": "on",
        "actions": f"清理楼道 | 郑海 | {(TODAY + datetime.timedelta(days=7)).isoformat()}"})
    assert r.status_code == 302
    reported_case.refresh_from_db()
    assert reported_case.status == "closed"
    desk = c.get("/cases/desk/").content.decode()
    assert "清理楼道" in desk


def test_the_community_page_runs_a_fixed_number_of_queries(city, stake, client_for):
    from jiceng.orgs import services as orgs

    c = client_for("community_worker")
    url = f"/consult/communities/{city.community.code}/"
    c.get(url)
    # session, user, grants, the community, its compounds, services (overdue report-ins), then one query each
    # for branches, owners' committees, members (with their party membership), services, report-ins, instructors,
    # volunteer teams, cross-appointments; the report-ins of the overdue list; the overdue matters.
    with assert_queries(16, label="community stakeholders page") as q:
        assert c.get(url).status_code == 200
    more = orgs.unit_create(actor=None, parent=city.grid, kind="compound", code=city.grid.code + "009", name="新村")
    stakeholders.owners_committee_create(actor=None, compound=more, name="新村业委会", elected_on=TODAY,
                                         term_start=TODAY, term_end=TODAY + datetime.timedelta(days=900),
                                         members=[(stake.owner, "chair")])
    with assert_queries(len(q.captured_queries), label="community stakeholders page, more compounds"):
        c.get(url)


def test_the_matters_list_runs_a_fixed_number_of_queries(city, stake, client_for):
    from jiceng.consult import deliberation

    c = client_for("community_worker")
    deliberation.matter_open(actor=None, unit=city.compound, kind="dispute", title="一", decide_by=TODAY)
    c.get("/consult/matters/")
    with assert_queries(5, label="matters list") as q:  # session, user, grants, top unit, the matters
        assert c.get("/consult/matters/").status_code == 200
    for title in ("二", "三"):
        deliberation.matter_open(actor=None, unit=city.compound, kind="dispute", title=title, decide_by=TODAY)
    with assert_queries(len(q.captured_queries), label="matters list, more"):
        c.get("/consult/matters/")


def test_the_compound_page_runs_a_fixed_number_of_queries(city, stake, client_for):
    """However many members, instructors, teams, appointments, resident units and matters it shows."""
    from jiceng.consult import deliberation
    from jiceng.people import services as people

    c = client_for("community_worker")
    url = f"/consult/compounds/{city.compound.code}/"
    c.get(url)
    # session, user, grants, the compound; then one query each for branches, owners' committees, members
    # (with their party membership), services, report-ins, instructors, volunteer teams, cross-appointments, resident
    # units; the matters.
    with assert_queries(14, label="compound page"):
        assert c.get(url).status_code == 200
    term = (TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=900))
    for i in range(3):
        stakeholders.instructor_assign(actor=None, community=city.community, person=stake.cadre, company=stake.company,
                                       term_start=term[0], term_end=term[1])
        extra = people.person_create(actor=None, household=city.household, name=f"志愿者{i}", gender="F")
        stakeholders.volunteer_team_create(actor=None, unit=city.compound, name=f"志愿队{i}", members=[extra, stake.owner])
        stakeholders.cross_appointment_create(actor=None, kind="branch_committee", compound=city.compound,
                                              person=stake.manager, term_start=term[0], term_end=term[1])
        deliberation.matter_open(actor=None, unit=city.compound, kind="dispute", title=f"事项{i}", decide_by=TODAY)
    html = c.get(url).content.decode()
    assert "志愿队2" in html and "事项2" in html
    with assert_queries(14, label="compound page, more parties"):
        c.get(url)
