"""The issue's Bad input list over HTTP, on the API and on the pages: a credit code with a wrong check
character, an instructor outside one's area, a decision without a session, an action without an owner, a
deliberation on a case outside one's scope. Each is a 4xx with a message in Chinese and nothing written
(no row, no audit event)."""

import datetime

from django.utils import timezone

from jiceng.consult import deliberation
from jiceng.consult.models.deliberation import Matter, MatterDecision
from jiceng.consult.models.stakeholders import Instructor, PropertyCompany
from jiceng.core.models import AuditEvent
from jiceng.meetings.models import ActionItem

TODAY = timezone.localdate()
TERM = {"term_start": (TODAY - datetime.timedelta(days=1)).isoformat(),
        "term_end": (TODAY + datetime.timedelta(days=900)).isoformat()}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
API = "/api/v1/consult"


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _post(client, url, data):
    return client.post(url, data, content_type="application/json", **ZH)


def test_a_wrong_check_character_on_the_api_and_the_page(city, client_for):
    c = client_for("community_worker")
    before = AuditEvent.objects.count()
    r = _post(c, f"{API}/property-companies", {"unit": city.community.code, "name": "错码物业",
                                               "licence_code": "91350100M000100Y44"})
    assert r.status_code == 422 and r.json()["field"] == "licence_code" and "校验码" in r.json()["detail"]
    r = c.post(f"/consult/communities/{city.community.code}/registries/",
               {"form": "company", "company-name": "错码物业", "company-licence_code": "91350100M000100Y44"}, **ZH)
    assert r.status_code == 422 and "校验码" in r.content.decode()
    assert not PropertyCompany.objects.exists() and AuditEvent.objects.count() == before


def test_an_instructor_outside_ones_area(city, stake, client_for):
    """A person who is no member of the community's party organizations, and a party member of another
    street: refused on the API (the other street's person is not even visible); not offered on the page."""
    from jiceng.people import services as people

    far = people.person_create(actor=None, household=city.household2, name="外社区党员", gender="M")
    people.party_membership_set(actor=None, person=far, org=city.org_street2)
    c = client_for("community_worker")
    before = AuditEvent.objects.count()
    r = _post(c, f"{API}/instructors", {"community": city.community.code, "person": stake.owner.pk,
                                        "company": stake.company.pk, **TERM})
    assert r.status_code == 422 and r.json()["field"] == "person" and _has_chinese(r.json()["detail"])
    r = _post(c, f"{API}/instructors", {"community": city.community.code, "person": far.pk,
                                        "company": stake.company.pk, **TERM})
    assert r.status_code == 404 and _has_chinese(r.json()["detail"])  # not even visible to K1's worker
    r = c.post(f"/consult/communities/{city.community.code}/registries/",
               {"form": "instructor", "instructor-person": far.pk, "instructor-company": stake.company.pk,
                **{f"instructor-{k}": v for k, v in TERM.items()}}, **ZH)
    assert r.status_code == 422 and _has_chinese(r.content.decode())
    assert not Instructor.objects.exists() and AuditEvent.objects.count() == before


def _matter(city, stake):
    return deliberation.matter_open(actor=None, unit=city.compound, kind="dispute", title="噪音", decide_by=TODAY,
                                    parties=[{"kind": "owners_committee", "owners_committee": stake.committee}])


def test_a_decision_without_a_session_on_the_api(city, stake, client_for):
    matter = _matter(city, stake)
    before = AuditEvent.objects.count()
    r = _post(client_for("community_worker"), f"{API}/matters/{matter.pk}/decision",
              {"method": "consensus", "text": "直接决定"})
    assert r.status_code == 422 and "议事会议" in r.json()["detail"]
    assert not MatterDecision.objects.exists() and AuditEvent.objects.count() == before


def test_an_action_without_an_owner_on_the_api(city, stake, client_for):
    matter = _matter(city, stake)
    session = deliberation.session_record(actor=None, matter=matter, held_on=TODAY, minutes="协商",
                                          attendance=[{"party": matter.parties.get(), "name": "周建国"}])
    before = AuditEvent.objects.count()
    r = _post(client_for("community_worker"), f"{API}/matters/{matter.pk}/decision",
              {"session": session.pk, "method": "consensus", "text": "清理",
               "actions": [{"title": "清理楼道", "owner_name": " ", "deadline": TODAY.isoformat()}]})
    assert 400 <= r.status_code < 500 and "责任人" in r.json()["detail"]
    matter.refresh_from_db()
    assert matter.status == "open" and not ActionItem.objects.exists() and AuditEvent.objects.count() == before


def test_a_deliberation_on_a_case_outside_ones_scope(city, stake, reported_case, client_for):
    """The neighbouring street's official opens a matter in its own community on K1's case: not found."""
    before = AuditEvent.objects.count()
    outsider = client_for("outsider")
    r = _post(outsider, f"{API}/matters", {"unit": city.community2.code, "kind": "case", "title": "越界",
                                           "decide_by": TODAY.isoformat(), "case": reported_case.code})
    assert r.status_code == 404 and _has_chinese(r.json()["detail"])
    r = outsider.post("/consult/matters/", {"matter_kind": "case", "unit": city.community2.code,
                                            "case": reported_case.code, "title": "越界",
                                            "decide_by": TODAY.isoformat()}, **ZH)
    assert r.status_code == 404  # the project's not-found page
    assert not Matter.objects.exists() and AuditEvent.objects.count() == before
