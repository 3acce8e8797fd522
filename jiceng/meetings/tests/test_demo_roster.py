"""The demo city's street and community joint meetings take those due from their big committee's roster, so
the committee page shows attendance per member and per source for the demo as well."""

import pytest

from jiceng.demo.runner import DemoContext, build_demo_city


@pytest.mark.django_db
def test_the_demo_meetings_take_attendance_from_the_big_committee_roster():
    from jiceng.meetings.models import Attendance, SystemMember
    from jiceng.orgs.attendance import attendance_rates
    from jiceng.orgs.models import BigCommittee

    build_demo_city(DemoContext(quiet=True, scale=0.03), only={"orgs", "people", "meetings"})
    assert Attendance.objects.filter(roster_member__isnull=False).exists()
    assert not SystemMember.objects.filter(system__level__in=["street", "community"]).exists()
    rates = attendance_rates(BigCommittee.objects.filter(level="community").order_by("id").first())
    assert rates["members"] and set(rates["sources"]) <= {"police", "owners_committee", "property_company",
                                                          "unit_party_org", "other"}
    assert all(r["due"] >= r["came"] + r["deputy"] for r in rates["members"].values())
