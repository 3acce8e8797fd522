"""Workforce fixtures: the small city's community K1 with workers, a pay table, seats and configuration."""

import datetime
import types

import pytest
from django.utils import timezone

from jiceng.core.pii import id_check_digit
from jiceng.workforce import services

TODAY = timezone.localdate()
YEAR = TODAY.year


def make_id(n: int, birth: str = "19900307") -> str:
    first17 = f"141002{birth}{n:03d}"
    return first17 + id_check_digit(first17)


def hire(person_no: int, community, *, post="other", channel="open", hire_date=datetime.date(2020, 3, 1),
         education="bachelor", qualification="none", grade=None, birth="19900307", actor=None, name=None):
    return services.worker_create(actor=actor, community=community, post=post, channel=channel, hire_date=hire_date,
                                  education=education, qualification=qualification, name=name or f"工作者{person_no}",
                                  id_number=make_id(person_no, birth), phone="13900000000", grade=grade,
                                  bank_account="6222020200112233445")


@pytest.fixture
def wf(city):
    ns = types.SimpleNamespace()
    ns.table = services.pay_table_set(actor=None, county=city.county, year=YEAR, base_amount="3000.00")
    ns.table_prev = services.pay_table_set(actor=None, county=city.county, year=YEAR - 1, base_amount="3000.00")
    ns.secretary = hire(1, city.community, post="principal", channel="transition", hire_date=datetime.date(2015, 1, 5),
                        education="master", qualification="intermediate", birth="19860101")
    ns.staff = hire(2, city.community, hire_date=datetime.date(2019, 6, 1))
    ns.other = hire(3, city.community2, post="deputy", hire_date=datetime.date(2021, 2, 1))
    return ns
