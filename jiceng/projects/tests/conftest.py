import datetime

import pytest

from jiceng.orgs import services as org_services
from jiceng.people import services as people_services

YEAR = 2026


@pytest.fixture
def secretary(city):
    """The community K1 party committee's secretary, on record."""
    person = people_services.person_create(actor=None, household=city.household, name="刘书记", gender="F")
    org_services.party_org_set_secretary(actor=None, org=city.org_community, secretary=person)
    return person


def d(month, day=15):
    return datetime.date(YEAR, month, day)
