import datetime
import re

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JICENG_NOTIFY_WEBHOOK_URL = ""


@pytest.fixture
def ballot(city):
    """An open street-wide ballot in S1 with a budget of 100,000 and four projects."""
    from jiceng.consult import voting

    b = voting.ballot_create(actor=city.users["street_official"], unit=city.street, title="解放路街道民生微实事",
                             budget="100000", closes_at=timezone.now() + datetime.timedelta(days=7))
    b.opts = [voting.ballot_option_add(actor=None, ballot=b, title=t, cost=c) for t, c in
              (("加装路灯", "40000"), ("修缮凉亭", "30000"), ("健身器材", "50000"), ("垃圾分类亭", "20000"))]
    voting.ballot_open(actor=None, ballot=b)
    b.refresh_from_db()
    return b


def last_code() -> str:
    from jiceng.core.notify import ConsoleSmsGateway

    return re.search(r"\d{6}", ConsoleSmsGateway.sent[-1][1]).group(0)


@pytest.fixture
def ask_code(django_capture_on_commit_callbacks):
    """ask_code(client, ballot, phone) -> the response; the SMS goes out (console gateway) as after a commit."""

    def ask(client, ballot, phone):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/api/v1/consult/ballots/{ballot.pk}/code", {"phone": phone},
                               content_type="application/json")

    return ask


VALID_CREDIT_CODE = "91350100M000100Y43"  # the example of GB 32100-2015
OTHER_CREDIT_CODE = "91110000600037341L"


@pytest.fixture
def stake(city):
    """Compound C1 (幸福小区, in grid G1 of community K1) with its parties: an owners' committee chaired by a
    party member, a property company serving it with a project manager (a party member), and a cadre of the
    community party committee. People live in household H1 of C1."""
    import types

    from jiceng.consult import stakeholders
    from jiceng.people import services as people

    ns = types.SimpleNamespace()

    def person(name, org=None):
        p = people.person_create(actor=None, household=city.household, name=name, gender="M")
        if org is not None:
            people.party_membership_set(actor=None, person=p, org=org)
        return p

    ns.chair = person("周建国", city.org_grid)
    ns.owner = person("吴敏")
    ns.manager = person("郑海", city.org_grid)
    ns.cadre = person("孙丽", city.org_community)
    today = timezone.localdate()
    ns.committee = stakeholders.owners_committee_create(
        actor=None, compound=city.compound, name="幸福小区业主委员会", elected_on=today - datetime.timedelta(days=30),
        term_start=today - datetime.timedelta(days=20), term_end=today + datetime.timedelta(days=5 * 365),
        members=[(ns.chair, "chair"), (ns.owner, "member")])
    ns.company = stakeholders.property_company_create(actor=None, unit=city.street, name="康居物业有限公司",
                                                      licence_code=VALID_CREDIT_CODE)
    ns.service = stakeholders.property_service_set(actor=None, company=ns.company, compound=city.compound,
                                                   manager=ns.manager, started_on=today - datetime.timedelta(days=400))
    return ns


@pytest.fixture
def reported_case(city):
    """A case in grid G1 (rubbish, grid level) registered and reported up to community K1 by the grid worker."""
    from jiceng.cases import services as cases
    from jiceng.cases.models import Category
    from jiceng.network import routing

    routing.reset_index()
    case, _ = cases.case_submit(actor=None, category=Category.objects.get(code="E0101"), source="api",
                                description="楼道堆物引发邻里纠纷", lat=36.05, lng=111.42)
    grid_worker = city.users["grid_worker"]
    case = cases.case_act(actor=grid_worker, case=case, action="register", version=None)
    case = cases.case_act(actor=grid_worker, case=case, action="escalate", version=None, comment="需多方协商")
    assert case.handler_id == city.community.pk
    yield case
    routing.reset_index()
