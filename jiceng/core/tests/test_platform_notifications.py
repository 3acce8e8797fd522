"""Every capability tells its people through core notifications (H4, issue 15.5): supervision cards reach
the holding unit's desk, joint meeting minutes the desk and the members with an account, ballots, proposal
rounds and deliberation matters the desk of their unit, each once (an idempotency key per event)."""

import datetime

from django.utils import timezone

from jiceng.core import supervision
from jiceng.core.models import Notification, SupervisionCard


def _desk(unit, kind):
    return list(Notification.objects.filter(user__isnull=True, unit_path=unit.path, kind=kind))


def test_a_supervision_card_reaches_the_holding_desk_once(city):
    card = supervision.card_raise(actor=None, kind="test.late", unit=city.community, subject_type="tests.thing",
                                  subject_id=7, title="整改逾期")
    [n] = _desk(city.community, "card.raise")
    assert "整改逾期" in n.text and n.subject_id == str(card.pk) and n.text.startswith("Supervision card: ")
    cards = [SupervisionCard(kind="test.late", unit=city.grid, unit_path=city.grid.path, subject_type="tests.thing",
                             subject_id=str(i), title=f"逾期{i}") for i in (8, 9)]
    assert supervision.cards_raise(cards=cards) == 2
    again = [SupervisionCard(kind="test.late", unit=city.grid, unit_path=city.grid.path, subject_type="tests.thing",
                             subject_id="8", title="逾期8")]
    assert supervision.cards_raise(cards=again) == 0
    assert sorted(n.text for n in _desk(city.grid, "card.raise")) == ["Supervision card: test.late — 逾期8", "Supervision card: test.late — 逾期9"]


def test_minutes_reach_the_desk_and_the_members_with_an_account(city):
    from jiceng.meetings import services
    from jiceng.orgs import services as org_services

    # The community's big committee is in office: those due (and told) are its roster, not the system's list.
    org_services.part_time_member_add(actor=None, committee=city.committee, name="李娜", source="other",
                                      source_org="临汾市税务局", person=city.member_person)
    org_services.part_time_member_add(actor=None, committee=city.committee, name="钱敏", source="other",
                                      source_org="幸福物业")
    system = services.system_configure(actor=None, unit=city.community)
    meeting = services.meeting_record(actor=None, system=system, held_on=timezone.localdate(), title="十二月联席会议",
                                      minutes="议定三件事")
    [desk] = _desk(city.community, "meeting.minutes")
    assert "十二月联席会议" in desk.text and desk.link == f"/meetings/{meeting.pk}/"
    mine = Notification.objects.get(kind="meeting.minutes", user=city.users["party_member"])
    assert mine.link == desk.link


def test_ballots_rounds_and_matters_reach_their_units_desk(city):
    from jiceng.consult import deliberation, services, voting

    b = voting.ballot_create(actor=None, unit=city.street, title="民生微实事", budget="100000",
                             closes_at=timezone.now() + datetime.timedelta(days=7))
    for t in ("加装路灯", "修缮凉亭"):
        voting.ballot_option_add(actor=None, ballot=b, title=t, cost="30000")
    assert _desk(city.street, "consult.ballot") == []  # a draft tells nobody
    voting.ballot_open(actor=None, ballot=b)
    [n] = _desk(city.street, "consult.ballot")
    assert "民生微实事" in n.text and n.link == f"/consult/ballots/{b.pk}/"
    rnd = services.round_create(actor=None, unit=city.community, title="微心愿", closes_on=timezone.localdate())
    [n] = _desk(city.community, "consult.round")
    assert "微心愿" in n.text and n.link == f"/consult/rounds/{rnd.pk}/"
    matter = deliberation.matter_open(actor=None, unit=city.compound, kind="dispute", title="噪音纠纷",
                                      decide_by=timezone.localdate() + datetime.timedelta(days=7))
    [n] = _desk(city.compound, "consult.matter")
    assert "噪音纠纷" in n.text and n.link == f"/consult/matters/{matter.pk}/"
