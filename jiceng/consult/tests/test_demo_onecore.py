"""The demo step's one core and deliberation: owners' committees, property companies with valid credit
codes serving compounds, and the demo community's matters (decided from resolutions, open from cases)."""

import datetime

from django.utils import timezone

from jiceng.consult import demo_onecore, stakeholders
from jiceng.consult.models.deliberation import Matter
from jiceng.consult.models.stakeholders import PropertyCompany, PropertyService
from jiceng.core.models import AuditEvent


def test_the_demo_builds_stakeholders_and_a_year_of_deliberation(city, stake, reported_case):
    from jiceng.demo.runner import DemoContext
    from jiceng.meetings import services as meetings
    from jiceng.people import services as people

    for name in ("甲", "乙", "丙"):
        people.person_create(actor=None, household=city.household2, name=name, gender="M")
    today = timezone.localdate()
    system = meetings.system_configure(actor=None, unit=city.community, members=[{"name": "甲"}])
    meeting = meetings.meeting_record(actor=None, system=system, held_on=today - datetime.timedelta(days=60),
                                      title="大党委会")
    meetings.resolution_add(actor=None, meeting=meeting, text="幸福小区停车难由各方协商解决", actions=[])
    ctx = DemoContext(scale=0.005, quiet=True)
    ctx.data = {"streets": [city.street], "demo_units": {"street": city.street, "community": city.community}}
    made = demo_onecore.build(ctx)
    assert made["companies"] >= 1 and made["services"] >= 1
    for company in PropertyCompany.objects.all():
        assert stakeholders.credit_code_clean(company.licence_code) == company.licence_code
    assert PropertyService.objects.filter(compound=city.compound2).exists()  # its residents: one a manager
    assert AuditEvent.objects.filter(action="stakeholders.bulk_create").count() == 1
    decided = Matter.objects.get(kind="resolution")
    assert decided.status == "decided" and decided.decision.session_id
    from_case = Matter.objects.get(kind="case")
    assert from_case.case_id == reported_case.pk and from_case.status == "open"
    assert from_case.decide_by < today  # overdue: on the desk
