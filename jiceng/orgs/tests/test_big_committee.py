"""Big committees (A3): terms, renewal, the roster of part-time members with their source, joining and leaving;
the monthly joint meeting's attendance comes from the roster (who was due, who came, who sent a deputy) and the
committee shows each member's and each source's attendance rate."""

import datetime

import pytest

from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.meetings import services as meetings
from jiceng.orgs import services
from jiceng.orgs.models import BigCommittee, PartTimeMember

D = datetime.date


@pytest.fixture
def roster(city):
    """K1's big committee: 赵强 (police, from the city fixture) and three more."""
    police = PartTimeMember.objects.get(committee=city.committee)
    owners = services.part_time_member_add(actor=None, committee=city.committee, name="钱敏", source="owners_committee",
                                           source_org="幸福小区业委会")
    unit = services.part_time_member_add(actor=None, committee=city.committee, name="", source="unit_party_org",
                                         source_party_org=city.org_grid, person=city.member_person)
    late = services.part_time_member_add(actor=None, committee=city.committee, name="周涛", source="property_company",
                                         source_org="幸福物业", joined_on=D(2026, 3, 1))
    return police, owners, unit, late


def test_a_member_from_a_unit_party_org_is_linked_to_it_and_to_the_person(roster, city):
    _police, _owners, unit, _late = roster
    assert unit.name == "李娜" and unit.source_org == "第一网格党支部" and unit.person_id == city.member_person.pk


def test_terms_of_one_unit_never_overlap_and_renewal_carries_serving_members(city, roster):
    with pytest.raises(Conflict):
        services.big_committee_create(actor=None, unit=city.community, term_start=D(2028, 1, 1),
                                      term_end=D(2030, 12, 31))
    with pytest.raises(ValidationFailed):
        services.big_committee_create(actor=None, unit=city.grid, term_start=D(2029, 1, 1), term_end=D(2030, 1, 1))
    services.part_time_member_leave(actor=None, member=roster[1], left_on=D(2026, 6, 30))
    new = services.big_committee_renew(actor=None, committee=city.committee, term_end=D(2033, 12, 31))
    assert new.term_start == D(2029, 1, 1)
    assert sorted(new.members.values_list("name", flat=True)) == sorted(["赵强", "李娜", "周涛"])
    assert set(new.members.values_list("joined_on", flat=True)) == {D(2029, 1, 1)}
    with pytest.raises(Conflict):
        services.big_committee_renew(actor=None, committee=city.committee, term_end=D(2033, 12, 31))


def test_a_member_who_left_cannot_leave_again_nor_before_joining(roster):
    late = roster[3]
    with pytest.raises(ValidationFailed):
        services.part_time_member_leave(actor=None, member=late, left_on=D(2026, 2, 1))
    services.part_time_member_leave(actor=None, member=late, left_on=D(2026, 9, 1))
    with pytest.raises(Conflict):
        services.part_time_member_leave(actor=None, member=late, left_on=D(2026, 10, 1))


def test_meeting_attendance_comes_from_the_roster_on_the_day_with_deputies_and_rates(city, roster, client_for):
    police, owners, unit, late = roster
    system = meetings.system_configure(actor=None, unit=city.community)
    today = D(2026, 12, 31)
    # February: 周涛 has not joined yet; 赵强 came, 钱敏 sent a deputy, 李娜 was absent.
    feb = meetings.meeting_record(actor=None, system=system, held_on=D(2026, 2, 10), title="二月", today=today,
                                  present_member_ids=[police.pk], deputies={owners.pk: "钱副主任"})
    assert (feb.member_count, feb.present_count) == (3, 2)
    with pytest.raises(ValidationFailed):  # 周涛 was not due in February
        meetings.meeting_record(actor=None, system=system, held_on=D(2026, 2, 20), title="x", today=today,
                                present_member_ids=[late.pk])
    with pytest.raises(ValidationFailed):  # came and sent a deputy
        meetings.meeting_record(actor=None, system=system, held_on=D(2026, 2, 20), title="x", today=today,
                                present_member_ids=[police.pk], deputies={police.pk: "某"})
    services.part_time_member_leave(actor=None, member=owners, left_on=D(2026, 3, 1))
    # March: 钱敏 left, 周涛 joined; everyone due came.
    mar = meetings.meeting_record(actor=None, system=system, held_on=D(2026, 3, 10), title="三月", today=today,
                                  present_member_ids=[police.pk, unit.pk, late.pk])
    assert (mar.member_count, mar.present_count) == (3, 3)

    data = client_for("community_worker").get(f"/api/v1/big-committees/{city.committee.pk}").json()
    rates = {m["name"]: m["attendance"] for m in data["members"]}
    assert rates["赵强"] == {"due": 2, "came": 2, "deputy": 0, "rate": 1.0}
    assert rates["钱敏"] == {"due": 1, "came": 0, "deputy": 1, "rate": 0.0}
    assert rates["李娜"] == {"due": 2, "came": 1, "deputy": 0, "rate": 0.5}
    assert rates["周涛"] == {"due": 1, "came": 1, "deputy": 0, "rate": 1.0}
    assert data["attendance_by_source"]["police"]["rate"] == 1.0
    assert data["attendance_by_source"]["owners_committee"] == {"due": 1, "came": 0, "deputy": 1, "rate": 0.0}
    page = client_for("community_worker").get(f"/big-committees/{city.committee.pk}/").content.decode()
    assert "50%" in page and "钱副主任" not in page


def test_a_grid_worker_cannot_keep_the_roster_and_another_street_is_404(city, client_for, roster):
    r = client_for("grid_worker").post(f"/big-committees/{city.committee.pk}/members/",
                                       {"name": "x", "source": "police", "source_org": "y"})
    assert r.status_code == 404  # the community's committee is outside a grid worker's grid
    r = client_for("party_member").post(f"/api/v1/big-committees/{city.committee.pk}/members",
                                        {"name": "x", "source": "police", "source_org": "y"},
                                        content_type="application/json")
    assert r.status_code == 403
    r = client_for("outsider").get(f"/big-committees/{city.committee.pk}/")
    assert r.status_code == 404
    r = client_for("outsider").post(f"/api/v1/big-committee-members/{roster[0].pk}/leave", {},
                                    content_type="application/json")
    assert r.status_code == 404
    other = BigCommittee.objects.create(unit=city.community2, unit_path=city.community2.path, level="community",
                                        term_start=D(2024, 1, 1), term_end=D(2028, 12, 31), established_on=D(2024, 1, 1))
    r = client_for("community_worker").get(f"/api/v1/big-committees/{other.pk}")
    assert r.status_code == 404
    assert PartTimeMember.objects.filter(active=True).count() == 4


def test_bad_input_is_refused_and_nothing_is_written(city, client_for):
    client = client_for("community_worker")
    before = PartTimeMember.objects.count()
    r = client.post(f"/api/v1/big-committees/{city.committee.pk}/members", {"name": "x", "source": "mafia",
                                                                            "source_org": "y"},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "source"
    r = client.post(f"/api/v1/big-committees/{city.committee.pk}/members", {"name": "x", "source": "police"},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "source_org"
    r = client.post(f"/api/v1/big-committees/{city.committee.pk}/members",
                    {"name": "x", "source": "police", "source_org": "y", "joined_on": "2030-01-01"},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "joined_on"
    r = client.post(f"/big-committees/{city.committee.pk}/members/", {"name": "", "source": "police"})
    assert r.status_code == 422
    r = client.post("/api/v1/big-committees", {"unit": city.community.code, "term_start": "2030-01-01",
                                               "term_end": "2029-01-01"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "term_end"
    r = client.post(f"/units/{city.community.code}/big-committee/", {"term_start": "2030-01-01", "term_end": "x"})
    assert r.status_code == 422
    assert PartTimeMember.objects.count() == before and BigCommittee.objects.count() == 1


def test_the_committee_page_runs_a_fixed_number_of_queries(city, client_for, roster):
    from jiceng.core.testing import assert_queries

    client = client_for("community_worker")
    url = f"/big-committees/{city.committee.pk}/"
    # session, user, grants; committee; rates per member and per source; roster; party orgs for the form
    with assert_queries(8, label="orgs:committee") as first:
        assert client.get(url).status_code == 200
    for i in range(5):
        services.part_time_member_add(actor=None, committee=city.committee, name=f"委员{i}", source="police",
                                      source_org="派出所")
    with assert_queries(len(first.captured_queries), label="orgs:committee, more members"):
        assert client.get(url).status_code == 200
