import datetime

import pytest

from jiceng.meetings import services
from jiceng.orgs import services as org_services
from jiceng.orgs.models import PartTimeMember

YEAR = 2026


@pytest.fixture
def system(city):
    """The community K1's big-committee joint meeting and this year's schedule; those due are the roster of K1's
    big committee (the city's 赵强 and three more part-time members)."""
    for name, source, org in [("钱敏", "owners_committee", "幸福小区业主委员会"),
                              ("孙丽", "property_company", "幸福物业"), ("周涛", "unit_party_org", "临汾市税务局党支部")]:
        org_services.part_time_member_add(actor=None, committee=city.committee, name=name, source=source,
                                          source_org=org, joined_on=datetime.date(2024, 1, 1))
    s = services.system_configure(actor=None, unit=city.community)
    services.schedule_generate(actor=None, system=s, year=YEAR)
    return s


@pytest.fixture
def members(system, city):
    return list(PartTimeMember.objects.filter(committee=city.committee).order_by("id"))


def day(month, d=15):
    return datetime.date(YEAR, month, d)
