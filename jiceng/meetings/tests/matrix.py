"""Persona verdicts for every joint-meeting page and endpoint (data made on first use, per test)."""

import datetime

from django.utils import timezone

from jiceng.core.matrix import SEE_CITY, SEE_COMMUNITY, Check, statuses

PAGE = {"anonymous": 302}
WRITERS = ["city_admin", "street_official", "community_worker"]
LOGGED_IN = ["city_admin", "street_official", "community_worker", "grid_worker", "party_member", "resident",
             "outsider"]
YEAR = timezone.localdate().year


def data(c):
    """K1's joint meeting with a held meeting, a resolution and an action item owned by grid G1."""
    if getattr(c, "_meetings", None) is None:
        from jiceng.meetings import services
        from jiceng.orgs.models import PartTimeMember

        system = services.system_configure(actor=None, unit=c.community)
        services.schedule_generate(actor=None, system=system, year=YEAR)
        roster = list(PartTimeMember.objects.filter(committee=c.committee).values_list("pk", flat=True))
        meeting = services.meeting_record(actor=None, system=system, held_on=datetime.date(YEAR, 1, 10),
                                          title="一月联席会议", present_member_ids=roster,
                                          today=datetime.date(YEAR, 12, 31))
        res = services.resolution_add(actor=None, meeting=meeting, text="整治停车", actions=[
            {"title": "施划车位", "owner_name": "物业", "deadline": datetime.date(YEAR, 2, 1), "owner_unit": c.grid}])
        c._meetings = {"system": system, "meeting": meeting, "action": res.actions.get(), "roster": roster}
    return c._meetings


def invited(c):
    """A meeting of K1 called five days ahead; the party member (李娜) is on the roster with an account."""
    if getattr(c, "_invited", None) is None:
        from jiceng.meetings import services
        from jiceng.meetings.models import Invitation
        from jiceng.orgs import services as org_services

        system = data(c)["system"]
        org_services.part_time_member_add(actor=None, committee=c.committee, name="李娜", source="owners_committee",
                                          source_org="业主委员会", person=c.member_person,
                                          joined_on=datetime.date(2024, 1, 1))
        notice = services.meeting_invite(actor=None, system=system, planned_on=SOON, title="月度联席会议")
        c._invited = {"notice": notice, "own": Invitation.objects.get(notice=notice, user=c.users["party_member"])}
    return c._invited


SOON = timezone.localdate() + datetime.timedelta(days=5)
INVITEE = ["party_member"]
API = "/api/v1/meetings"
K1 = SEE_COMMUNITY

CHECKS = {
    "meetings:home": [
        Check("GET", lambda c: "/meetings/", statuses(200, allowed=LOGGED_IN, others=PAGE)),
        Check("GET", lambda c: f"/meetings/?unit={c.community.code}", statuses(200, allowed=K1, others=PAGE)),
    ],
    "meetings:meeting": [
        Check("GET", lambda c: f"/meetings/{data(c)['meeting'].pk}/", statuses(200, allowed=K1, others=PAGE)),
    ],
    "meetings:system": [
        Check("GET", lambda c: f"/meetings/systems/{data(c)['system'].pk}/", statuses(200, allowed=K1, others=PAGE)),
        Check("POST", lambda c: f"/meetings/systems/{data(c)['system'].pk}/",
              statuses(302, allowed=WRITERS, others={**PAGE, "party_member": 403}),
              data=lambda c: {"held_on": f"{YEAR}-01-20", "title": "会议", "agenda": "停车\n环境",
                              **{f"att_{pk}": "present" for pk in data(c)["roster"]}}, json=False),
    ],
    "meetings:system_setup": [
        Check("POST", lambda c: f"/meetings/systems/set-up/?unit={c.community.code}",
              statuses(302, allowed=WRITERS, others={**PAGE, "party_member": 403}), data=lambda c: {"quorum_share": "0.5"},
              json=False),
    ],
    "meetings:resolution_add": [
        Check("POST", lambda c: f"/meetings/{data(c)['meeting'].pk}/resolutions/",
              statuses(302, allowed=WRITERS, others={**PAGE, "party_member": 403}),
              data=lambda c: {"text": "决议", "action": "落实", "owner": "主任", "deadline": f"{YEAR}-03-01"},
              json=False),
    ],
    "meetings:action_done": [
        Check("POST", lambda c: f"/meetings/actions/{data(c)['action'].pk}/done/",
              statuses(302, allowed=WRITERS + ["grid_worker"], others={**PAGE, "party_member": 403}),
              data=lambda c: {"note": "done"}, json=False),
    ],
    "meetings:invite": [
        Check("POST", lambda c: f"/meetings/systems/{data(c)['system'].pk}/invite/",
              statuses(302, allowed=WRITERS, others={**PAGE, "party_member": 403}),
              data=lambda c: {"planned_on": SOON.isoformat(), "title": "会议"}, json=False),
    ],
    "meetings:notice": [
        Check("GET", lambda c: f"/meetings/notices/{invited(c)['notice'].pk}/", statuses(200, allowed=K1, others=PAGE)),
    ],
    "meetings:reinvite": [
        Check("POST", lambda c: f"/meetings/notices/{invited(c)['notice'].pk}/reinvite/",
              statuses(302, allowed=WRITERS, others={**PAGE, "party_member": 403}), data=lambda c: {}, json=False),
    ],
    # Everyone signed in has a list of their own invitations (empty for most).
    "meetings:invitations": [
        Check("GET", lambda c: "/meetings/invitations/", statuses(200, allowed=LOGGED_IN, others=PAGE)),
    ],
    # Only the invitee sees and answers an invitation: anyone else, the desk above included, gets 404.
    "meetings:invitation": [
        Check("GET", lambda c: f"/meetings/invitations/{invited(c)['own'].pk}/",
              statuses(200, allowed=INVITEE, others=PAGE)),
        Check("POST", lambda c: f"/meetings/invitations/{invited(c)['own'].pk}/",
              statuses(302, allowed=INVITEE, others=PAGE), data=lambda c: {"answer": "accept"}, json=False),
    ],
    "meetings:contact_points": [
        Check("GET", lambda c: f"/meetings/contact-points/?unit={c.community.code}",
              statuses(200, allowed=K1, others=PAGE)),
    ],
    "GET /api/v1/meetings/systems": [
        Check("GET", lambda c: f"{API}/systems?unit={c.community.code}", statuses(200, allowed=K1)),
    ],
    "POST /api/v1/meetings/systems": [
        Check("POST", lambda c: f"{API}/systems", statuses(201, allowed=["city_admin", "street_official"]),
              data=lambda c: {"unit": c.street.code, "cadence": "two_months", "members": [{"name": "甲"}]}),
    ],
    "GET /api/v1/meetings/systems/{system_id}/members": [
        Check("GET", lambda c: f"{API}/systems/{data(c)['system'].pk}/members", statuses(200, allowed=K1)),
    ],
    "POST /api/v1/meetings/systems/{system_id}/schedule": [
        Check("POST", lambda c: f"{API}/systems/{data(c)['system'].pk}/schedule",
              statuses(200, allowed=WRITERS, others={"party_member": 403}), data=lambda c: {"year": YEAR + 1}),
    ],
    "GET /api/v1/meetings/periods": [
        Check("GET", lambda c: f"{API}/periods?unit={c.community.code}", statuses(200, allowed=K1)),
    ],
    "GET /api/v1/meetings/compliance": [
        Check("GET", lambda c: f"{API}/compliance?unit={c.community.code}", statuses(200, allowed=K1)),
    ],
    "GET /api/v1/meetings/meetings": [
        Check("GET", lambda c: f"{API}/meetings?unit={c.community.code}", statuses(200, allowed=K1)),
    ],
    "POST /api/v1/meetings/meetings": [
        Check("POST", lambda c: f"{API}/meetings", statuses(201, allowed=WRITERS, others={"party_member": 403}),
              data=lambda c: {"system_id": data(c)["system"].pk, "held_on": f"{YEAR}-01-20", "title": "会议"}),
    ],
    "GET /api/v1/meetings/meetings/{meeting_id}": [
        Check("GET", lambda c: f"{API}/meetings/{data(c)['meeting'].pk}", statuses(200, allowed=K1)),
    ],
    "POST /api/v1/meetings/meetings/{meeting_id}/resolutions": [
        Check("POST", lambda c: f"{API}/meetings/{data(c)['meeting'].pk}/resolutions",
              statuses(201, allowed=WRITERS, others={"party_member": 403}),
              data=lambda c: {"text": "决议", "actions": [{"title": "落实", "owner_name": "主任",
                                                          "deadline": f"{YEAR}-03-01"}]}),
    ],
    "GET /api/v1/meetings/action-items": [
        Check("GET", lambda c: f"{API}/action-items?unit={c.community.code}", statuses(200, allowed=K1)),
    ],
    "POST /api/v1/meetings/action-items/{item_id}/done": [
        Check("POST", lambda c: f"{API}/action-items/{data(c)['action'].pk}/done",
              statuses(200, allowed=WRITERS + ["grid_worker"], others={"party_member": 403}),
              data=lambda c: {"note": "ok"}),
    ],
    "POST /api/v1/meetings/contact-points": [
        Check("POST", lambda c: f"{API}/contact-points", statuses(201, allowed=SEE_CITY),
              data=lambda c: {"leader_name": "区委书记", "leader_unit": c.county.code, "unit": c.community.code}),
    ],
    "GET /api/v1/meetings/contact-points/stats": [
        Check("GET", lambda c: f"{API}/contact-points/stats?unit={c.community.code}", statuses(200, allowed=K1)),
    ],
    "POST /api/v1/meetings/systems/{system_id}/notices": [
        Check("POST", lambda c: f"{API}/systems/{data(c)['system'].pk}/notices",
              statuses(201, allowed=WRITERS, others={"party_member": 403}),
              data=lambda c: {"planned_on": SOON.isoformat(), "title": "会议"}),
    ],
    "GET /api/v1/meetings/notices/{notice_id}": [
        Check("GET", lambda c: f"{API}/notices/{invited(c)['notice'].pk}", statuses(200, allowed=K1)),
    ],
    "POST /api/v1/meetings/notices/{notice_id}/reinvite": [
        Check("POST", lambda c: f"{API}/notices/{invited(c)['notice'].pk}/reinvite",
              statuses(200, allowed=WRITERS, others={"party_member": 403})),
    ],
    "GET /api/v1/meetings/invitations": [
        Check("GET", lambda c: f"{API}/invitations", statuses(200, allowed=LOGGED_IN)),
    ],
    "POST /api/v1/meetings/invitations/{invitation_id}/reply": [
        Check("POST", lambda c: f"{API}/invitations/{invited(c)['own'].pk}/reply", statuses(200, allowed=INVITEE),
              data=lambda c: {"accept": False, "note": "出差"}),
    ],
}
