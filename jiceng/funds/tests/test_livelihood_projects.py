"""A livelihood project goes proposal → feasibility → chosen → funded → built → accepted → rated, each
step by the right role, audited, with photos."""

import datetime

import pytest
from django.utils import timezone

from jiceng.core.errors import Conflict, Forbidden, ValidationFailed
from jiceng.core.models import AuditEvent
from jiceng.funds import services
from jiceng.funds.figures import figures

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_the_whole_lifecycle(city, types, png, client_for):
    worker, street = city.users["community_worker"], city.users["street_official"]
    budget = services.budget_set(actor=street, unit=city.community, year=YEAR, fund_type=types["community_service"],
                                 source="street", amount="100000")
    p = services.livelihood_project_create(actor=worker, unit=city.community, title="加装电梯扶手",
                                           estimated_cost="6000")
    with pytest.raises(Conflict):
        services.livelihood_choose(actor=worker, project=p, chosen_by="joint_meeting")
    p = services.livelihood_feasibility(actor=worker, project=p, feasible=True, note="场地可行", photos=[png()])
    p = services.livelihood_choose(actor=worker, project=p, chosen_by="joint_meeting")
    assert figures(city.city, today=timezone.localdate())["livelihood_projects_year"] == (
        1 if YEAR == timezone.localdate().year else 0)
    with pytest.raises(Forbidden):
        services.livelihood_fund(actor=worker, project=p, budget=budget, amount="6000")
    with pytest.raises(ValidationFailed):
        services.livelihood_fund(actor=street, project=p, budget=budget, amount="100001")
    p = services.livelihood_fund(actor=street, project=p, budget=budget, amount="6000")
    p = services.livelihood_built(actor=worker, project=p, photos=[png()])
    with pytest.raises(Forbidden):
        services.livelihood_accept(actor=worker, project=p)
    p = services.livelihood_accept(actor=street, project=p, note="验收合格")
    with pytest.raises(Forbidden):
        services.livelihood_rate(actor=worker, project=p, score=5)
    r = client_for("resident").post(f"/api/v1/funds/projects/{p.pk}/rate", {"score": 4},
                                    content_type="application/json")
    assert r.status_code == 200 and r.json()["rating"] == 4.0 and r.json()["status"] == "rated"
    r = client_for("resident").post(f"/api/v1/funds/projects/{p.pk}/rate", {"score": 4},
                                    content_type="application/json")
    assert r.status_code == 409
    assert p.photos.count() == 2
    actions = set(AuditEvent.objects.filter(object_type="funds.livelihoodproject").values_list("action", flat=True))
    assert {"livelihood.create", "livelihood.feasibility", "livelihood.choose", "livelihood.fund", "livelihood.built",
            "livelihood.accept", "livelihood.rate"} <= actions


def test_a_project_from_the_needs_list(city):
    from jiceng.mobilize.services import need_create

    today = timezone.localdate()
    need = need_create(actor=None, community=city.community, title="老人助餐", category="elderly",
                       wanted_from=today, wanted_to=today + datetime.timedelta(days=30))
    p = services.livelihood_project_create(actor=city.users["community_worker"], unit=city.community,
                                           title="助餐点", estimated_cost="20000", source="need",
                                           source_ref=need.pk)
    assert p.source == "need" and p.source_ref == str(need.pk)


def test_a_rating_is_between_one_and_five(city):
    p = services.livelihood_project_create(actor=None, unit=city.community, title="x", estimated_cost="1")
    with pytest.raises(ValidationFailed):
        services.livelihood_rate(actor=city.users["resident"], project=p, score=9)
