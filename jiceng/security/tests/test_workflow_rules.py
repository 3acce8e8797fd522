"""Attack: go beyond one's level or area through a side door (issue 10, item 8).

A grid worker merges away a case held above the grid or under a supervision card (the other actions
already refuse it); a street official scores their own street in the city's assessment; a user names a
policy item or a department by id outside what applies to them."""


import json

import pytest
from django.test import Client
from django.utils import timezone

from jiceng.cases.models import CARD_KIND, CARD_SUBJECT, Case, Category, Status
from jiceng.cases.services import case_act, case_merge, case_submit
from jiceng.core.errors import Forbidden, NotFound
from jiceng.core.supervision import card_raise
from jiceng.projects import assessment as assessment_svc
from jiceng.projects.models import Indicator

YEAR = timezone.localdate().year


def _case(code="E0101", point=(36.05, 111.42)):
    case, _ = case_submit(actor=None, category=Category.objects.get(code=code), description="重复上报",
                          source="api", lat=point[0], lng=point[1])
    return case


def test_a_grid_worker_cannot_merge_away_a_case_held_above_the_grid(city):
    grid_worker, community = city.users["grid_worker"], city.users["community_worker"]
    held_above = _case()
    held_above = case_act(actor=grid_worker, case=held_above, action="register", version=held_above.version)
    held_above = case_act(actor=grid_worker, case=held_above, action="escalate", version=held_above.version,
                          comment="需社区协调")
    assert held_above.level == "community"
    survivor = _case()
    with pytest.raises(Forbidden):
        case_merge(actor=grid_worker, case=held_above, into=survivor, version=held_above.version)
    r = Client()
    r.force_login(grid_worker)
    resp = r.post(f"/api/v1/cases/{held_above.code}/merge", json.dumps({"into": survivor.code,
                                                                         "version": held_above.version}),
                  content_type="application/json")
    assert resp.status_code == 403
    assert Case.objects.get(pk=held_above.pk).status != Status.MERGED
    # the community holding it may
    case_merge(actor=community, case=held_above, into=survivor, version=held_above.version)
    assert Case.objects.get(pk=held_above.pk).status == Status.MERGED


def test_a_grid_worker_cannot_merge_away_a_case_under_a_supervision_card(city):
    grid_worker = city.users["grid_worker"]
    late, survivor = _case(), _case()
    card_raise(actor=None, kind=CARD_KIND, unit=city.community, subject_type=CARD_SUBJECT, subject_id=late.pk,
               missed_deadline=late.deadline_at, data={"handler_path": late.handler_path}, now=late.received_at,
               audit_action=None)
    with pytest.raises(Forbidden):
        case_merge(actor=grid_worker, case=late, into=survivor, version=late.version)
    with pytest.raises(Forbidden):  # nor merge another case into it
        case_merge(actor=grid_worker, case=survivor, into=late, version=survivor.version)
    case_merge(actor=city.users["community_worker"], case=late, into=survivor, version=late.version)


def test_a_grid_worker_of_another_grid_gets_404(city):
    theirs = _case(point=(36.05, 111.47))  # grid B of the same community
    mine = _case()
    c = Client()
    c.force_login(city.users["grid_worker"])
    r = c.post(f"/api/v1/cases/{mine.code}/merge", json.dumps({"into": theirs.code, "version": mine.version}),
               content_type="application/json")
    assert r.status_code == 404


def test_indicator_values_are_entered_by_the_assessing_unit_not_the_assessed_one(city):
    a = assessment_svc.assessment_create(actor=None, unit=city.city, year=YEAR)
    assessment_svc.indicator_tree_set(actor=None, assessment=a, level="street",
                                      tree=[{"code": "A", "title": "台账", "weight": 1}])
    leaf = Indicator.objects.get(assessment=a, code="A")
    with pytest.raises((Forbidden, NotFound)):  # the street would score itself
        assessment_svc.indicator_enter(actor=city.users["street_official"], indicator=leaf, unit=city.street,
                                       value=1.0, evidence="自评")
    assessment_svc.indicator_enter(actor=city.users["city_admin"], indicator=leaf, unit=city.street, value=0.7,
                                   evidence="市委组织部核查")


def test_policy_items_and_departments_are_loaded_through_scope(city):
    from jiceng.cases.services import case_whistle, department_create
    from jiceng.orgs import services as org_services
    from jiceng.projects.models import PolicyItem

    other_city = org_services.unit_create(actor=None, parent=None, kind="city", code="149900", name="外市")
    foreign = PolicyItem.objects.create(unit=other_city, unit_path=other_city.path, kind="measure", code="X1",
                                        title="外市条目")
    c = Client()
    c.force_login(city.users["city_admin"])
    r = c.post("/api/v1/projects/policy/plans", json.dumps({"unit": city.county.code, "year": YEAR, "title": "方案",
                                                             "item_ids": [foreign.pk]}),
               content_type="application/json")
    assert r.status_code == 404
    r = c.post("/api/v1/projects/tasks", json.dumps({
        "issuer": city.county.code, "unit": city.street.code, "year": YEAR, "title": "任务",
        "deadline": f"{YEAR}-12-31", "policy_item_id": foreign.pk}), content_type="application/json")
    assert r.status_code == 404
    # a department of the other street is unknown to a case of this street
    far = department_create(actor=None, unit=city.street2, name="鼓楼城管", business_line="urban")
    case = _case(code="E0501")  # street level
    s = Client()
    s.force_login(city.users["street_official"])
    r = s.post(f"/api/v1/cases/{case.code}/whistle", json.dumps({"departments": [far.pk], "version": case.version}),
               content_type="application/json")
    assert r.status_code == 422 and not case.whistles.exists()
    near = department_create(actor=None, unit=city.street, name="解放路城管", business_line="urban")
    case_whistle(actor=city.users["street_official"], case=case, departments=[near], version=case.version)
