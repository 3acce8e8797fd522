"""Persona verdicts for every consult page and endpoint (data made on first use, per test).

Consultations on community K1 are seen by everyone whose area holds or lies under K1 (so residents see
the surveys and ballots put to them); they are run by those with the right capability on K1 (or S1)."""

import datetime

from django.utils import timezone

from jiceng.core.matrix import Check, Exempt, statuses

PAGE = {"anonymous": 302}
LOGGED_IN = ["city_admin", "street_official", "community_worker", "grid_worker", "party_member", "resident",
             "outsider"]
SEES_K1 = ["city_admin", "street_official", "community_worker", "grid_worker", "party_member", "resident"]
WRITERS = ["city_admin", "street_official", "community_worker"]
PARTICIPANTS = ["community_worker", "grid_worker", "party_member", "resident"]  # grants on or under K1
RUNNERS = ["city_admin", "street_official"]  # supervise on S1
API = "/api/v1/consult"


def _forbid(personas):
    return {p: 403 for p in personas}


def data(c):
    if getattr(c, "_consult", None) is None:
        from jiceng.consult import services, voting

        today = timezone.localdate()
        survey = services.survey_create(actor=None, unit=c.community, title="停车", closes_on=today,
                                        questions=[{"kind": "rating", "text": "满意度"}])
        rnd = services.round_create(actor=None, unit=c.community, title="微心愿", closes_on=today)
        proposal = services.proposal_submit(actor=c.users["resident"], round=rnd, title="加扶手",
                                            estimated_cost="2000")

        def ballot(state):
            b = voting.ballot_create(actor=None, unit=c.street, title="微实事", budget="10000",
                                     closes_at=timezone.now() + datetime.timedelta(days=3))
            for title in ("路灯", "凉亭"):
                voting.ballot_option_add(actor=None, ballot=b, title=title, cost="5000")
            if state in ("open", "closed"):
                b = voting.ballot_open(actor=None, ballot=b)
            if state == "closed":
                b = voting.ballot_close(actor=None, ballot=b)
            return b

        c._consult = {"survey": survey, "question": survey.questions.get(), "round": rnd, "proposal": proposal,
                      "draft": ballot("draft"), "open": ballot("open"), "closed": ballot("closed")}
    return c._consult


SEES_C1 = ["city_admin", "street_official", "community_worker", "grid_worker", "party_member"]
SEES_COMMUNITY = ["city_admin", "street_official", "community_worker", "party_member"]
WRITES_C1 = ["city_admin", "street_official", "community_worker", "grid_worker"]


def matter(c):
    """A dispute in compound C1 with the residents' representatives invited."""
    if getattr(c, "_matter", None) is None:
        from jiceng.consult import deliberation

        c._matter = deliberation.matter_open(actor=None, unit=c.compound, kind="dispute", title="噪音纠纷",
                                             decide_by=timezone.localdate(),
                                             parties=[{"kind": "residents", "name": "1号楼居民代表"}])
    return c._matter


def stake(c):
    """Compound C1's owners' committee, a property company serving it with its project manager, a session of
    the matter, and an instructor sent by K1."""
    if getattr(c, "_stake", None) is None:
        from jiceng.consult import deliberation, stakeholders
        from jiceng.people import services as people

        today = timezone.localdate()
        term = (today - datetime.timedelta(days=1), today + datetime.timedelta(days=900))
        owner = people.person_create(actor=None, household=c.household, name="业主甲", gender="M")
        manager = people.person_create(actor=None, household=c.household, name="经理乙", gender="M")
        people.party_membership_set(actor=None, person=manager, org=c.org_grid)
        cadre = people.person_create(actor=None, household=c.household, name="干部丙", gender="F")
        people.party_membership_set(actor=None, person=cadre, org=c.org_community)
        committee = stakeholders.owners_committee_create(actor=None, compound=c.compound, name="业委会",
                                                         elected_on=term[0], term_start=term[0], term_end=term[1],
                                                         members=[(owner, "chair")])
        company = stakeholders.property_company_create(actor=None, unit=c.street, name="物业",
                                                       licence_code="91350100M000100Y43")
        service = stakeholders.property_service_set(actor=None, company=company, compound=c.compound,
                                                    manager=manager, started_on=term[0])
        instructor = stakeholders.instructor_assign(actor=None, community=c.community, person=cadre, company=company,
                                                    term_start=term[0], term_end=term[1])
        m = matter(c)
        session = deliberation.session_record(actor=None, matter=m, held_on=today, minutes="纪要",
                                              attendance=[{"party": m.parties.get(), "name": "代表"}])
        c._stake = {"owner": owner, "manager": manager, "cadre": cadre, "committee": committee, "company": company,
                    "service": service, "instructor": instructor, "session": session, "term": term}
    return c._stake


def _term(c):
    return {"term_start": stake(c)["term"][0].isoformat(), "term_end": stake(c)["term"][1].isoformat()}


WRITES_K1 = ["city_admin", "street_official", "community_worker"]
C1_WRITE = statuses(201, allowed=WRITES_C1, others={"party_member": 403})
K1_WRITE = statuses(201, allowed=WRITES_K1, others={"party_member": 403})

CHECKS = {
    f"GET {API}/compounds/{{code}}/core": [Check("GET", lambda c: f"{API}/compounds/{c.compound.code}/core",
                                                 statuses(200, allowed=SEES_C1))],
    f"POST {API}/owners-committees": [Check(
        "POST", lambda c: f"{API}/owners-committees", C1_WRITE,
        data=lambda c: {"compound": c.compound.code, "name": "新业委会", "elected_on": _term(c)["term_start"], **_term(c),
                        "members": [{"person": stake(c)["owner"].pk, "role": "chair"}]})],
    f"GET {API}/property-companies": [Check("GET", lambda c: f"{API}/property-companies",
                                            statuses(200, allowed=LOGGED_IN))],
    f"POST {API}/property-companies": [Check(
        "POST", lambda c: f"{API}/property-companies", K1_WRITE,
        data=lambda c: {"unit": c.community.code, "name": "新物业", "licence_code": "91110000600037341L"})],
    f"POST {API}/property-services": [Check(
        "POST", lambda c: f"{API}/property-services", C1_WRITE,
        data=lambda c: {"company": stake(c)["company"].pk, "compound": c.compound.code,
                        "manager": stake(c)["manager"].pk, "started_on": _term(c)["term_start"]})],
    f"POST {API}/property-services/{{service_id}}/report-ins": [Check(
        "POST", lambda c: f"{API}/property-services/{stake(c)['service'].pk}/report-ins", C1_WRITE,
        data=lambda c: {"to": "grid", "reported_on": timezone.localdate().isoformat()})],
    f"POST {API}/instructors": [Check(
        "POST", lambda c: f"{API}/instructors", K1_WRITE,
        data=lambda c: {"community": c.community.code, "person": stake(c)["cadre"].pk,
                        "company": stake(c)["company"].pk, **_term(c)})],
    f"POST {API}/instructors/{{instructor_id}}/visits": [Check(
        "POST", lambda c: f"{API}/instructors/{stake(c)['instructor'].pk}/visits", K1_WRITE,
        data=lambda c: {"visited_on": timezone.localdate().isoformat(), "note": "走访"})],
    f"POST {API}/cross-appointments": [Check(
        "POST", lambda c: f"{API}/cross-appointments", C1_WRITE,
        data=lambda c: {"kind": "branch_committee", "compound": c.compound.code, "person": stake(c)["manager"].pk,
                        **_term(c)})],
    f"GET {API}/matters": [Check("GET", lambda c: f"{API}/matters", statuses(200, allowed=LOGGED_IN))],
    f"POST {API}/matters": [Check(
        "POST", lambda c: f"{API}/matters", C1_WRITE,
        data=lambda c: {"unit": c.compound.code, "kind": "dispute", "title": "漏水纠纷",
                        "decide_by": timezone.localdate().isoformat(),
                        "parties": [{"kind": "residents", "name": "居民代表"}]})],
    f"GET {API}/matters/{{matter_id}}": [Check("GET", lambda c: f"{API}/matters/{matter(c).pk}",
                                               statuses(200, allowed=SEES_C1))],
    f"POST {API}/matters/{{matter_id}}/sessions": [Check(
        "POST", lambda c: f"{API}/matters/{matter(c).pk}/sessions", C1_WRITE,
        data=lambda c: {"held_on": timezone.localdate().isoformat(), "minutes": "第二次协商",
                        "attendance": [{"party": matter(c).parties.get().pk, "name": "代表"}]})],
    f"POST {API}/matters/{{matter_id}}/decision": [Check(
        "POST", lambda c: f"{API}/matters/{matter(c).pk}/decision", C1_WRITE,
        data=lambda c: {"session": stake(c)["session"].pk, "method": "consensus", "text": "夜间禁噪",
                        "actions": [{"title": "张贴公告", "owner_name": "物业",
                                     "deadline": timezone.localdate().isoformat()}]})],

    "consult:compound": [Check("GET", lambda c: f"/consult/compounds/{c.compound.code}/",
                               statuses(200, allowed=SEES_C1, others=PAGE))],
    "consult:community": [Check("GET", lambda c: f"/consult/communities/{c.community.code}/",
                                statuses(200, allowed=SEES_COMMUNITY, others=PAGE))],
    "consult:compound_registries": [
        Check("GET", lambda c: f"/consult/compounds/{c.compound.code}/registries/",
              statuses(200, allowed=WRITES_C1, others={**PAGE, "party_member": 403})),
        Check("POST", lambda c: f"/consult/compounds/{c.compound.code}/registries/",
              statuses(302, allowed=WRITES_C1, others={**PAGE, "party_member": 403}),
              data=lambda c: {"form": "team", "team-name": "楼道志愿队", "team-members": [stake(c)["owner"].pk]},
              json=False),
    ],
    "consult:community_registries": [
        Check("GET", lambda c: f"/consult/communities/{c.community.code}/registries/",
              statuses(200, allowed=WRITES_K1, others={**PAGE, "party_member": 403})),
        Check("POST", lambda c: f"/consult/communities/{c.community.code}/registries/",
              statuses(302, allowed=WRITES_K1, others={**PAGE, "party_member": 403}),
              data=lambda c: {"form": "visit", "visit-instructor": stake(c)["instructor"].pk,
                              "visit-visited_on": timezone.localdate().isoformat(), "visit-note": "走访"},
              json=False),
    ],
    "consult:matters": [
        Check("GET", lambda c: "/consult/matters/", statuses(200, allowed=LOGGED_IN, others=PAGE)),
        Check("POST", lambda c: "/consult/matters/",
              statuses(302, allowed=WRITES_C1, others={**PAGE, "party_member": 403}),
              data=lambda c: {"matter_kind": "dispute", "unit": c.compound.code, "title": "停车纠纷",
                              "decide_by": timezone.localdate().isoformat(), "other_parties": "residents | 居民代表"},
              json=False),
    ],
    "consult:matter": [
        Check("GET", lambda c: f"/consult/matters/{matter(c).pk}/", statuses(200, allowed=SEES_C1, others=PAGE)),
        Check("POST", lambda c: f"/consult/matters/{matter(c).pk}/",
              statuses(302, allowed=WRITES_C1, others={**PAGE, "party_member": 403}),
              data=lambda c: {"form": "proposal", "party": matter(c).parties.get().pk, "text": "夜间十点后禁噪"},
              json=False),
    ],

    "consult:home": [
        Check("GET", lambda c: "/consult/", statuses(200, allowed=LOGGED_IN, others=PAGE)),
        Check("POST", lambda c: "/consult/", statuses(302, allowed=WRITERS, others={**PAGE, "party_member": 403}),
              data=lambda c: {"kind": "survey", "unit": c.community.code, "title": "卫生",
                              "closes_on": timezone.localdate().isoformat(), "questions": "rating | 满意度"},
              json=False),
    ],
    "consult:survey": [
        Check("GET", lambda c: f"/consult/surveys/{data(c)['survey'].pk}/",
              statuses(200, allowed=SEES_K1, others=PAGE)),
        Check("POST", lambda c: f"/consult/surveys/{data(c)['survey'].pk}/",
              statuses(302, allowed=PARTICIPANTS, others={**PAGE, **_forbid(RUNNERS)}),
              data=lambda c: {f"q{data(c)['question'].pk}": "5"}, json=False),
    ],
    "consult:round": [
        Check("GET", lambda c: f"/consult/rounds/{data(c)['round'].pk}/", statuses(200, allowed=SEES_K1, others=PAGE)),
        Check("POST", lambda c: f"/consult/rounds/{data(c)['round'].pk}/",
              statuses(302, allowed=PARTICIPANTS, others={**PAGE, **_forbid(RUNNERS)}),
              data=lambda c: {"title": "装路灯"}, json=False),
    ],
    "consult:proposal_action": [
        Check("POST", lambda c: f"/consult/proposals/{data(c)['proposal'].pk}/support/",
              statuses(302, allowed=PARTICIPANTS, others={**PAGE, **_forbid(RUNNERS)}), json=False),
        Check("POST", lambda c: f"/consult/proposals/{data(c)['proposal'].pk}/promote/",
              statuses(302, allowed=WRITERS, others={**PAGE, **_forbid(["grid_worker", "party_member", "resident"])}),
              json=False),
    ],
    "consult:ballot": [
        Check("GET", lambda c: f"/consult/ballots/{data(c)['draft'].pk}/", statuses(200, allowed=SEES_K1, others=PAGE)),
        Check("POST", lambda c: f"/consult/ballots/{data(c)['draft'].pk}/",
              statuses(302, allowed=RUNNERS, others={**PAGE, **_forbid(PARTICIPANTS)}),
              data=lambda c: {"kind": "option", "title": "健身器材", "cost": "3000"}, json=False),
        Check("POST", lambda c: f"/consult/ballots/{data(c)['open'].pk}/",
              statuses(302, allowed=WRITERS + ["grid_worker"],
                       others={**PAGE, **_forbid(["party_member", "resident"])}),
              data=lambda c: {"kind": "paper", "household": c.household.code,
                              "options": [data(c)["open"].options.first().pk]}, json=False,
              note="paper ballot recorded by a grid worker (or anyone who may write there)"),
    ],
    "consult:results": [
        Check("GET", lambda c: f"/consult/ballots/{data(c)['open'].pk}/results/",
              statuses(200, allowed=SEES_K1, others=PAGE)),
    ],
    "consult:ballot_action": [
        Check("POST", lambda c: f"/consult/ballots/{data(c)['draft'].pk}/open/",
              statuses(302, allowed=RUNNERS, others={**PAGE, **_forbid(PARTICIPANTS)}), json=False),
    ],
    "consult:vote": Exempt("the residents' public voting page (SMS code proves the household); test_vote_page.py"),
    "consult:public": Exempt("a unit's public page of published results; test_tally_and_close.py"),
    "consult:public_results": Exempt("a published ballot's result, public; test_tally_and_close.py"),
    "consult:export": [
        Check("GET", lambda c: "/consult/export/ballots/", statuses(200, allowed=LOGGED_IN, others=PAGE)),
    ],
    f"GET {API}/surveys": [Check("GET", lambda c: f"{API}/surveys", statuses(200, allowed=LOGGED_IN))],
    f"POST {API}/surveys": [Check(
        "POST", lambda c: f"{API}/surveys", statuses(201, allowed=WRITERS, others={"party_member": 403}),
        data=lambda c: {"unit": c.community.code, "title": "卫生", "closes_on": timezone.localdate().isoformat(),
                        "questions": [{"kind": "text", "text": "建议"}]})],
    f"GET {API}/surveys/{{pk}}": [Check("GET", lambda c: f"{API}/surveys/{data(c)['survey'].pk}",
                                        statuses(200, allowed=SEES_K1))],
    f"POST {API}/surveys/{{pk}}/responses": [Check(
        "POST", lambda c: f"{API}/surveys/{data(c)['survey'].pk}/responses",
        statuses(201, allowed=PARTICIPANTS, others=_forbid(RUNNERS)),
        data=lambda c: {"answers": {str(data(c)["question"].pk): 4}})],
    f"GET {API}/surveys/{{pk}}/results": [Check("GET", lambda c: f"{API}/surveys/{data(c)['survey'].pk}/results",
                                                statuses(200, allowed=SEES_K1))],
    f"POST {API}/surveys/{{pk}}/close": [Check(
        "POST", lambda c: f"{API}/surveys/{data(c)['survey'].pk}/close",
        statuses(200, allowed=WRITERS, others=_forbid(["grid_worker", "party_member", "resident"])))],
    f"GET {API}/rounds": [Check("GET", lambda c: f"{API}/rounds", statuses(200, allowed=LOGGED_IN))],
    f"POST {API}/rounds": [Check(
        "POST", lambda c: f"{API}/rounds", statuses(201, allowed=WRITERS, others={"party_member": 403}),
        data=lambda c: {"unit": c.community.code, "title": "征集", "closes_on": timezone.localdate().isoformat()})],
    f"GET {API}/rounds/{{pk}}": [Check("GET", lambda c: f"{API}/rounds/{data(c)['round'].pk}",
                                       statuses(200, allowed=SEES_K1))],
    f"POST {API}/rounds/{{pk}}/proposals": [Check(
        "POST", lambda c: f"{API}/rounds/{data(c)['round'].pk}/proposals",
        statuses(201, allowed=PARTICIPANTS, others=_forbid(RUNNERS)), data=lambda c: {"title": "健身角"})],
    f"POST {API}/proposals/{{pk}}/support": [Check(
        "POST", lambda c: f"{API}/proposals/{data(c)['proposal'].pk}/support",
        statuses(200, allowed=PARTICIPANTS, others=_forbid(RUNNERS)))],
    f"POST {API}/proposals/{{pk}}/promote": [Check(
        "POST", lambda c: f"{API}/proposals/{data(c)['proposal'].pk}/promote",
        statuses(201, allowed=WRITERS, others=_forbid(["grid_worker", "party_member", "resident"])), data=lambda c: {})],
    f"GET {API}/ballots": [Check("GET", lambda c: f"{API}/ballots", statuses(200, allowed=LOGGED_IN))],
    f"POST {API}/ballots": [Check(
        "POST", lambda c: f"{API}/ballots", statuses(201, allowed=RUNNERS),
        data=lambda c: {"unit": c.street.code, "title": "微实事", "budget": "50000",
                        "closes_at": (timezone.now() + datetime.timedelta(days=2)).isoformat()})],
    f"GET {API}/ballots/{{pk}}": [Check("GET", lambda c: f"{API}/ballots/{data(c)['open'].pk}",
                                        statuses(200, allowed=SEES_K1))],
    f"POST {API}/ballots/{{pk}}/options": [Check(
        "POST", lambda c: f"{API}/ballots/{data(c)['draft'].pk}/options",
        statuses(201, allowed=RUNNERS, others=_forbid(PARTICIPANTS)), data=lambda c: {"title": "绿化", "cost": 1000})],
    f"POST {API}/ballots/{{pk}}/open": [Check("POST", lambda c: f"{API}/ballots/{data(c)['draft'].pk}/open",
                                              statuses(200, allowed=RUNNERS, others=_forbid(PARTICIPANTS)))],
    f"POST {API}/ballots/{{pk}}/close": [Check("POST", lambda c: f"{API}/ballots/{data(c)['open'].pk}/close",
                                               statuses(200, allowed=RUNNERS, others=_forbid(PARTICIPANTS)))],
    f"POST {API}/ballots/{{pk}}/publish": [Check("POST", lambda c: f"{API}/ballots/{data(c)['closed'].pk}/publish",
                                                 statuses(200, allowed=RUNNERS, others=_forbid(PARTICIPANTS)))],
    f"GET {API}/ballots/{{pk}}/result": [Check("GET", lambda c: f"{API}/ballots/{data(c)['open'].pk}/result",
                                               statuses(200, allowed=SEES_K1))],
    f"POST {API}/ballots/{{pk}}/paper": [Check(
        "POST", lambda c: f"{API}/ballots/{data(c)['open'].pk}/paper",
        statuses(201, allowed=WRITERS + ["grid_worker"], others=_forbid(["party_member", "resident"])),
        data=lambda c: {"household": c.household.code, "options": [data(c)["open"].options.first().pk]})],
    f"POST {API}/ballots/{{pk}}/code": Exempt("public: a resident asks for an SMS code; test_ballot_voting.py"),
    f"POST {API}/ballots/{{pk}}/vote": Exempt("public: a resident votes with the SMS code; test_ballot_voting.py"),
    f"GET {API}/public/ballots/{{pk}}/result": Exempt("public published result; test_tally_and_close.py"),
    f"GET {API}/export/{{table}}": [Check("GET", lambda c: f"{API}/export/participation",
                                          statuses(200, allowed=LOGGED_IN))],
    # The stakeholder registries, read side (api_stakeholders.py).
    f"GET {API}/owners-committees": [Check("GET", lambda c: (stake(c), f"{API}/owners-committees")[1],
                                           statuses(200, allowed=LOGGED_IN))],
    f"GET {API}/owners-committees/{{committee_id}}/members": [Check(
        "GET", lambda c: f"{API}/owners-committees/{stake(c)['committee'].pk}/members", statuses(200, allowed=SEES_C1))],
    f"GET {API}/property-services": [Check("GET", lambda c: (stake(c), f"{API}/property-services")[1],
                                           statuses(200, allowed=LOGGED_IN))],
    f"GET {API}/report-ins": [Check("GET", lambda c: f"{API}/report-ins", statuses(200, allowed=LOGGED_IN))],
    f"GET {API}/instructors": [Check("GET", lambda c: (stake(c), f"{API}/instructors")[1],
                                     statuses(200, allowed=LOGGED_IN))],
    f"GET {API}/instructors/{{instructor_id}}/visits": [Check(
        "GET", lambda c: f"{API}/instructors/{stake(c)['instructor'].pk}/visits", statuses(200, allowed=SEES_COMMUNITY))],
    f"GET {API}/cross-appointments": [Check("GET", lambda c: f"{API}/cross-appointments",
                                            statuses(200, allowed=LOGGED_IN))],
    f"GET {API}/volunteer-teams": [Check("GET", lambda c: f"{API}/volunteer-teams", statuses(200, allowed=LOGGED_IN))],
    f"POST {API}/volunteer-teams": [Check(
        "POST", lambda c: f"{API}/volunteer-teams", C1_WRITE,
        data=lambda c: {"unit": c.compound.code, "name": "红色志愿队", "members": [stake(c)["owner"].pk]})],
}
