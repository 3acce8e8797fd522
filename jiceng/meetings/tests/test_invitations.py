"""Meeting invitations: those due (the big committee's roster) are invited and told through core notifications,
each answers their own invitation on a phone, the unanswered are invited again, and the held meeting's
attendance is compared with the answers."""

import datetime

import pytest
from django.utils import timezone

from jiceng.core.audit import AuditEvent
from jiceng.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from jiceng.core.models import Notification
from jiceng.meetings import selectors, services
from jiceng.meetings.models import Invitation
from jiceng.orgs import services as org_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitees(system, city):
    """Two roster members with accounts: the party member (李娜) and the resident (张伟)."""
    for person, name in ((city.member_person, "李娜"), (city.resident_person, "张伟")):
        org_services.part_time_member_add(actor=None, committee=city.committee, name=name, source="owners_committee",
                                          source_org="幸福小区业主委员会", person=person,
                                          joined_on=datetime.date(2024, 1, 1))
    return city


def soon(days=5):
    return timezone.localdate() + datetime.timedelta(days=days)


def invite(system, city, actor="community_worker"):
    return services.meeting_invite(actor=city.users[actor], system=system, planned_on=soon(), title="月度联席会议",
                                   place="社区会议室")


def own(city, persona, notice):
    return Invitation.objects.get(notice=notice, user=city.users[persona])


def test_everyone_due_is_invited_and_those_with_an_account_are_told(system, invitees):
    notice = invite(system, invitees)
    rows = list(notice.invitations.order_by("id"))
    assert sorted(r.name for r in rows) == sorted(["赵强", "钱敏", "孙丽", "周涛", "李娜", "张伟"])
    assert all(r.roster_member_id and r.status == "invited" for r in rows)
    told = Notification.objects.filter(kind="meeting.invite").order_by("id")
    assert [(n.user_id, n.key) for n in told] == [
        (r.user_id, f"meeting.invite:{r.pk}:1") for r in rows if r.user_id]
    assert {n.link for n in told} == {f"/meetings/invitations/{r.pk}/" for r in rows if r.user_id}
    event = AuditEvent.objects.get(action="meeting.invite")
    assert event.changes["invited"] == 6 and event.changes["told"] == 2


def test_inviting_checks_scope_and_role(system, invitees):
    with pytest.raises(NotFound):
        invite(system, invitees, actor="outsider")
    with pytest.raises(Forbidden):
        invite(system, invitees, actor="party_member")


def test_a_meeting_in_the_past_or_without_a_title_is_refused(system, invitees):
    with pytest.raises(ValidationFailed):
        services.meeting_invite(actor=None, system=system, planned_on=timezone.localdate() - datetime.timedelta(1),
                                title="会议")
    with pytest.raises(ValidationFailed):
        services.meeting_invite(actor=None, system=system, planned_on=soon(), title="  ")


def test_the_same_invitation_is_told_once_per_round(system, invitees):
    notice = invite(system, invitees)
    pending = list(notice.invitations.all())
    services._tell_invitees(notice, pending)  # a retried send of round 1
    assert Notification.objects.filter(kind="meeting.invite").count() == 2


def test_the_invitee_answers_and_may_change_their_answer_before_the_day(system, invitees):
    notice = invite(system, invitees)
    inv = own(invitees, "party_member", notice)
    services.invitation_reply(actor=invitees.users["party_member"], invitation=inv, accept=True, note="准时到")
    inv.refresh_from_db()
    assert (inv.status, inv.note) == ("accepted", "准时到") and inv.answered_at
    services.invitation_reply(actor=invitees.users["party_member"], invitation=inv, accept=False)
    inv.refresh_from_db()
    assert inv.status == "declined"
    assert AuditEvent.objects.filter(action="invitation.reply").count() == 2


def test_a_member_cannot_answer_another_members_invitation(system, invitees, client_for):
    notice = invite(system, invitees)
    inv = own(invitees, "party_member", notice)
    with pytest.raises(NotFound):
        services.invitation_reply(actor=invitees.users["resident"], invitation=inv, accept=False)
    resident = client_for("resident")
    assert resident.get(f"/meetings/invitations/{inv.pk}/").status_code == 404
    assert resident.post(f"/meetings/invitations/{inv.pk}/", {"answer": "decline"}).status_code == 404
    assert resident.post(f"/api/v1/meetings/invitations/{inv.pk}/reply", {"accept": False},
                         content_type="application/json").status_code == 404
    # Not even the desk that sent it answers for the member.
    assert client_for("community_worker").get(f"/meetings/invitations/{inv.pk}/").status_code == 404
    inv.refresh_from_db()
    assert inv.status == "invited"


def test_reinviting_tells_only_the_unanswered(system, invitees):
    notice = invite(system, invitees)
    accepted = own(invitees, "party_member", notice)
    services.invitation_reply(actor=invitees.users["party_member"], invitation=accepted, accept=True)
    assert services.meeting_reinvite(actor=invitees.users["community_worker"], notice=notice) == 5
    notice.refresh_from_db()
    assert notice.rounds == 2
    resident = own(invitees, "resident", notice)
    round2 = list(Notification.objects.filter(key__endswith=":2").values_list("user_id", "key"))
    assert round2 == [(resident.user_id, f"meeting.invite:{resident.pk}:2")]
    accepted.refresh_from_db()
    resident.refresh_from_db()
    assert (accepted.times_invited, resident.times_invited) == (1, 2)
    # Once everyone has answered there is nobody left to invite.
    for inv in notice.invitations.filter(status="invited"):
        inv.status = "declined"
        inv.save()
    with pytest.raises(Conflict):
        services.meeting_reinvite(actor=None, notice=notice)


def test_the_held_meeting_is_compared_with_the_answers(system, invitees, members):
    notice = invite(system, invitees)
    services.invitation_reply(actor=invitees.users["party_member"], invitation=own(invitees, "party_member", notice),
                              accept=True)
    services.invitation_reply(actor=invitees.users["resident"], invitation=own(invitees, "resident", notice),
                              accept=False)
    roster = {r.name: r.roster_member_id for r in notice.invitations.all()}
    # 李娜 accepted but stays away; 张伟 declined but comes; 赵强 never answered and sends a deputy.
    meeting = services.meeting_record(actor=None, system=system, held_on=notice.planned_on, title="月度联席会议",
                                      present_member_ids=[roster["张伟"], roster["钱敏"]],
                                      deputies={roster["赵强"]: "副所长"}, today=notice.planned_on)
    notice.refresh_from_db()
    assert notice.meeting_id == meeting.pk
    cmp = selectors.invitation_comparison(notice)
    assert cmp["totals"] == {"invited": 6, "accepted": 1, "declined": 1, "unanswered": 4, "accepted_came": 0,
                             "accepted_absent": 1, "declined_came": 1, "unanswered_came": 2}
    outcome = {r["invitation"].name: r["outcome"] for r in cmp["rows"]}
    assert outcome["赵强"] == "deputy" and outcome["李娜"] == "absent" and outcome["张伟"] == "present"
    # After the meeting nobody answers or is invited any more.
    with pytest.raises(Conflict):
        services.invitation_reply(actor=invitees.users["resident"], invitation=own(invitees, "resident", notice),
                                  accept=True)
    with pytest.raises(Conflict):
        services.meeting_reinvite(actor=None, notice=notice)


def test_pages_invite_answer_and_compare(system, invitees, client_for):
    desk = client_for("community_worker")
    r = desk.post(f"/meetings/systems/{system.pk}/invite/", {"planned_on": soon().isoformat(), "title": "月度会议",
                                                              "place": "会议室"})
    assert r.status_code == 302
    notice_url = r["Location"]
    inv = Invitation.objects.get(user=invitees.users["party_member"])
    member = client_for("party_member")
    assert "月度会议" in member.get("/meetings/invitations/").content.decode()
    page = member.get(f"/meetings/invitations/{inv.pk}/")
    assert page.status_code == 200 and "reply-form" in page.content.decode()
    assert member.post(f"/meetings/invitations/{inv.pk}/", {"answer": "accept", "note": "好"}).status_code == 302
    inv.refresh_from_db()
    assert inv.status == "accepted"
    body = desk.get(notice_url).content.decode()
    assert 'data-status="accepted"' in body and body.count('data-status="invited"') == 5
    assert desk.post(notice_url + "reinvite/").status_code == 302
    assert "月度会议" in desk.get(f"/meetings/systems/{system.pk}/").content.decode()


def test_api_invite_read_and_reply(system, invitees, client_for):
    desk = client_for("community_worker")
    r = desk.post(f"/api/v1/meetings/systems/{system.pk}/notices",
                  {"planned_on": soon().isoformat(), "title": "月度会议"}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["totals"]["invited"] == 6 and sum(i["has_account"] for i in body["invitations"]) == 2
    inv = Invitation.objects.get(user=invitees.users["resident"])
    me = client_for("resident")
    assert [i["id"] for i in me.get("/api/v1/meetings/invitations").json()] == [inv.pk]
    r = me.post(f"/api/v1/meetings/invitations/{inv.pk}/reply", {"accept": True}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    detail = desk.get(f"/api/v1/meetings/notices/{body['id']}").json()
    assert detail["totals"]["accepted"] == 1
    assert desk.post(f"/api/v1/meetings/notices/{body['id']}/reinvite").json() == {"invited": 5}
    assert client_for("outsider").get(f"/api/v1/meetings/notices/{body['id']}").status_code == 404
