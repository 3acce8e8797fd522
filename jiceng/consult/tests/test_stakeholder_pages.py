"""The stakeholder registry pages write through consult.stakeholders: a compound's owners' committee, its
property company and project manager, report-ins, cross-appointments and volunteer teams; a community's
property companies, instructors and their visits. What is written shows on the compound page; a refusal
is a 422 next to its field with nothing written; the pages are for those who may write there."""

import datetime

from django.utils import timezone

from jiceng.consult.models.stakeholders import (
    CrossAppointment,
    Instructor,
    InstructorVisit,
    OwnersCommittee,
    PropertyCompany,
    PropertyService,
    ReportIn,
    VolunteerTeam,
)
from jiceng.consult.tests.conftest import OTHER_CREDIT_CODE
from jiceng.core.models import AuditEvent
from jiceng.core.testing import assert_queries

TODAY = timezone.localdate()
START, END = TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=900)
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _post(c, url, form, **fields):
    return c.post(url, {"form": form, **{f"{form}-{k}": v for k, v in fields.items()}}, **ZH)


def test_a_compounds_parties_are_registered_from_its_page(city, stake, client_for):
    c = client_for("community_worker")
    url = f"/consult/compounds/{city.compound.code}/registries/"
    page = c.get(url, **ZH).content.decode()
    assert "业主委员会" in page and stake.owner.name in page
    r = _post(c, url, "committee", name="幸福小区第二届业委会", elected_on=START.isoformat(),
              term_start=START.isoformat(), term_end=END.isoformat(), chair=stake.chair.pk,
              vice_chairs=[stake.manager.pk], members=[stake.owner.pk])
    assert r.status_code == 302, r.content.decode()[:2000]
    committee = OwnersCommittee.objects.get(active=True)
    assert committee.name == "幸福小区第二届业委会"
    assert sorted(committee.members.values_list("role", flat=True)) == ["chair", "member", "vice_chair"]
    other = PropertyCompany.objects.create(unit=city.community, unit_path=city.community.path, name="恒安物业",
                                           licence_code=OTHER_CREDIT_CODE)
    assert _post(c, url, "service", company=other.pk, manager=stake.owner.pk,
                 started_on=TODAY.isoformat()).status_code == 302
    service = PropertyService.objects.get(active=True)
    assert (service.company_id, service.manager_id) == (other.pk, stake.owner.pk)
    assert _post(c, url, "report_in", to="community", reported_on=TODAY.isoformat()).status_code == 302
    assert ReportIn.objects.get().service_id == service.pk
    assert _post(c, url, "appointment", appointment_kind="branch_committee", person=stake.chair.pk,
                 term_start=START.isoformat(), term_end=END.isoformat()).status_code == 302
    assert CrossAppointment.objects.get().kind == "branch_committee"
    assert _post(c, url, "team", name="楼道志愿队", members=[stake.owner.pk, stake.chair.pk],
                 leader=stake.owner.pk).status_code == 302
    team = VolunteerTeam.objects.get()
    assert team.members.get(leader=True).person_id == stake.owner.pk
    html = c.get(f"/consult/compounds/{city.compound.code}/", **ZH).content.decode()
    for text in ("幸福小区第二届业委会", "恒安物业", "楼道志愿队", stake.chair.name):
        assert text in html


def test_a_community_registers_companies_and_sends_instructors_from_its_page(city, stake, client_for):
    c = client_for("community_worker")
    url = f"/consult/communities/{city.community.code}/registries/"
    assert _post(c, url, "company", name="恒安物业", licence_code=OTHER_CREDIT_CODE.lower()).status_code == 302
    assert PropertyCompany.objects.get(name="恒安物业").licence_code == OTHER_CREDIT_CODE
    assert _post(c, url, "instructor", person=stake.cadre.pk, company=stake.company.pk,
                 term_start=START.isoformat(), term_end=END.isoformat()).status_code == 302
    inst = Instructor.objects.get()
    assert (inst.person_id, inst.unit_path) == (stake.cadre.pk, city.community.path)
    assert _post(c, url, "visit", instructor=inst.pk, visited_on=TODAY.isoformat(), note="指导物业党建").status_code == 302
    assert InstructorVisit.objects.get().note == "指导物业党建"
    # A visit before it happens: next to its field, nothing written.
    before = AuditEvent.objects.count()
    r = _post(c, url, "visit", instructor=inst.pk, visited_on=(TODAY + datetime.timedelta(days=2)).isoformat(),
              note="未来")
    assert r.status_code == 422 and "走访" in r.content.decode()
    assert InstructorVisit.objects.count() == 1 and AuditEvent.objects.count() == before
    html = c.get(f"/consult/compounds/{city.compound.code}/", **ZH).content.decode()
    assert stake.cadre.name in html and "走访 1 次" in html


def test_the_registry_pages_are_for_writers_and_unknown_forms_are_refused(city, stake, client_for):
    url = f"/consult/compounds/{city.compound.code}/registries/"
    assert client_for("party_member").get(url).status_code == 403
    assert client_for("outsider").get(url).status_code == 404
    assert client_for("community_worker").post(url, {"form": "nonsense"}).status_code == 400
    assert client_for("community_worker").get(f"/consult/compounds/{city.community.code}/registries/").status_code == 404


def test_the_registry_pages_run_a_fixed_number_of_queries(city, stake, client_for):
    c = client_for("community_worker")
    for url, n in ((f"/consult/compounds/{city.compound.code}/registries/", 7),
                   (f"/consult/communities/{city.community.code}/registries/", 9)):
        c.get(url)
        # session, user, grants, the unit, people of the community, companies, the current service
        # (compound) / party members, companies serving, instructors, companies registered (community)
        with assert_queries(n, label=url):
            assert c.get(url).status_code == 200
