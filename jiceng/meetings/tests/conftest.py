import datetime

import pytest

from jiceng.meetings import services

YEAR = 2026


@pytest.fixture
def system(city):
    """The community K1's big-committee joint meeting with four members and this year's schedule."""
    s = services.system_configure(actor=None, unit=city.community, members=[
        {"name": "赵强", "position": "片警"}, {"name": "钱敏"}, {"name": "孙丽"}, {"name": "周涛"}])
    services.schedule_generate(actor=None, system=s, year=YEAR)
    return s


@pytest.fixture
def members(system):
    return list(system.members.order_by("id"))


def day(month, d=15):
    return datetime.date(YEAR, month, d)
