"""Deliberation on record (D2): a case reported up is opened for deliberation, the parties meet, the
decision closes the case and its follow-up actions are joint-meeting action items."""

import datetime

import pytest
from django.utils import timezone

from jiceng.consult import deliberation, selectors
from jiceng.consult.models.deliberation import Matter, MatterDecision
from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.models import AuditEvent
from jiceng.meetings.models import ActionItem

TODAY = timezone.localdate()


def _open(city, stake, case, actor="community_worker", **kw):
    return deliberation.matter_open(
        actor=city.users[actor], unit=city.community, kind="case", case=case, title="楼道堆物纠纷",
        decide_by=kw.pop("decide_by", TODAY + datetime.timedelta(days=14)),
        parties=[{"kind": "owners_committee", "owners_committee": stake.committee},
                 {"kind": "property_company", "property_company": stake.company},
                 {"kind": "residents", "name": "3单元居民代表"}], **kw)


def test_a_case_reported_up_is_settled_by_deliberation_and_closed(city, stake, reported_case):
    worker = city.users["community_worker"]
    matter = _open(city, stake, reported_case)
    oc, company, residents = list(matter.parties.all())
    session = deliberation.session_record(actor=worker, matter=matter, held_on=TODAY, minutes="三方协商清理楼道",
                                          attendance=[{"party": oc, "name": "周建国", "person": stake.chair},
                                                      {"party": company, "name": "郑海", "person": stake.manager},
                                                      {"party": residents, "name": "刘阿姨"}])
    deliberation.proposal_add(actor=worker, matter=matter, party=company, text="物业每周巡查")
    decision = deliberation.matter_decide(
        actor=worker, matter=matter, session=session, method="vote", votes=(3, 0, 0), text="限期清理，物业巡查",
        public=True, actions=[{"title": "清理3单元楼道", "owner_name": "郑海", "deadline": TODAY + datetime.timedelta(7)}])
    reported_case.refresh_from_db()
    assert reported_case.status == "closed"
    assert decision.votes_for == 3 and Matter.objects.get().status == "decided"
    item = ActionItem.objects.get(source_type="consult.matter", source_id=str(matter.pk))
    assert (item.owner_name, item.unit_path, item.resolution_id) == ("郑海", city.community.path, None)
    assert [d.matter_id for d in selectors.decisions_public(city.compound)] == []  # published where it was taken
    assert [d.matter_id for d in selectors.decisions_public(city.community)] == [matter.pk]


def test_a_decision_without_a_session_changes_nothing(city, stake, reported_case):
    matter = _open(city, stake, reported_case)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        deliberation.matter_decide(actor=city.users["community_worker"], matter=matter, session=None,
                                   method="consensus", text="直接决定")
    assert exc.value.field == "session"
    assert not MatterDecision.objects.exists() and AuditEvent.objects.count() == before
    reported_case.refresh_from_db()
    assert reported_case.status == "registered"


def test_an_action_without_an_owner_changes_nothing(city, stake, reported_case):
    worker = city.users["community_worker"]
    matter = _open(city, stake, reported_case)
    session = deliberation.session_record(actor=worker, matter=matter, held_on=TODAY, minutes="协商",
                                          attendance=[{"party": matter.parties.first(), "name": "周建国"}])
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        deliberation.matter_decide(actor=worker, matter=matter, session=session, method="consensus", text="清理",
                                   actions=[{"title": "清理", "owner_name": " ", "deadline": TODAY}])
    assert exc.value.field == "actions"
    matter.refresh_from_db()
    assert matter.status == "open" and not ActionItem.objects.exists() and AuditEvent.objects.count() == before


def test_a_case_outside_ones_scope_is_not_found_and_nothing_is_opened(city, stake, reported_case):
    with pytest.raises(NotFound):
        deliberation.matter_open(actor=city.users["outsider"], unit=city.community2, kind="case",
                                 case=reported_case, title="越界", decide_by=TODAY)
    with pytest.raises(ValidationFailed, match="not in this unit"):
        deliberation.matter_open(actor=None, unit=city.community2, kind="case", case=reported_case,
                                 title="别的社区", decide_by=TODAY)
    assert not Matter.objects.exists()


def test_a_read_only_party_member_cannot_open_a_matter(city, stake, reported_case):
    from jiceng.core.errors import Forbidden

    with pytest.raises(Forbidden):
        _open(city, stake, reported_case, actor="party_member")


def test_a_vote_must_carry(city, stake, reported_case):
    worker = city.users["community_worker"]
    matter = _open(city, stake, reported_case)
    session = deliberation.session_record(actor=worker, matter=matter, held_on=TODAY, minutes="协商",
                                          attendance=[{"party": matter.parties.first(), "name": "周建国"}])
    with pytest.raises(ValidationFailed, match="did not carry"):
        deliberation.matter_decide(actor=worker, matter=matter, session=session, method="vote", votes=(1, 2, 0),
                                   text="否决")


def test_open_matters_past_their_date_are_listed_for_the_community(city, stake, reported_case):
    matter = _open(city, stake, reported_case, decide_by=TODAY)
    worker = city.users["community_worker"]
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert list(selectors.matters_overdue(user=worker, unit=city.community, today=TODAY)) == []
    assert list(selectors.matters_overdue(user=worker, unit=city.community, today=tomorrow)) == [matter]
    assert list(selectors.matters_overdue(user=city.users["outsider"], unit=city.street2, today=tomorrow)) == []


def test_a_joint_meeting_resolution_is_opened_for_deliberation(city, stake):
    from jiceng.meetings import services as meetings

    system = meetings.system_configure(actor=None, unit=city.community, members=[{"name": "甲"}])
    meeting = meetings.meeting_record(actor=None, system=system, held_on=TODAY, title="大党委会")
    resolution = meetings.resolution_add(actor=None, meeting=meeting, text="幸福小区停车难由各方协商", actions=[])
    matter = deliberation.matter_open(actor=city.users["community_worker"], unit=city.compound, kind="resolution",
                                      resolution=resolution, title="停车难", decide_by=TODAY)
    assert matter.resolution_id == resolution.pk
    with pytest.raises(ValidationFailed):
        deliberation.matter_open(actor=None, unit=city.compound2, kind="resolution", resolution=resolution,
                                 title="别处", decide_by=TODAY)
