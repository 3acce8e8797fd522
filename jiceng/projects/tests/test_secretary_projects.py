import datetime

import pytest
from django.utils import timezone

from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.models import SupervisionCard
from jiceng.projects import selectors, services, sweeps
from jiceng.projects.figures import figures
from jiceng.projects.models import Project
from jiceng.projects.tests.conftest import YEAR, d


def _project(city, actor=None, **kw):
    return services.project_create(actor=actor, unit=city.community, title="老旧小区加装电梯",
                                   problem="上下楼难", goals="加装4部", deadline=d(12, 1), year=YEAR, **kw)


def test_the_secretary_of_the_units_party_org_leads_the_project(city, secretary):
    p = _project(city, actor=city.users["community_worker"], leader_name="someone else")
    assert p.leader_id == secretary.pk and p.leader_name == "刘书记" and p.level == "community"
    assert p.party_org_id == city.org_community.pk


def test_without_a_secretary_on_record_the_leader_is_named(city):
    with pytest.raises(ValidationFailed):
        _project(city)
    assert _project(city, leader_name="王书记").leader_name == "王书记"


def test_projects_are_run_by_counties_streets_and_communities_only(city, secretary):
    with pytest.raises(ValidationFailed):
        services.project_create(actor=None, unit=city.grid, title="t", problem="p", goals="g", deadline=d(12))


def test_progress_rolls_up_from_weighted_milestones_and_their_children(city, secretary):
    p = _project(city)
    survey = services.milestone_add(actor=None, project=p, title="摸排", due=d(3), weight=1)
    build = services.milestone_add(actor=None, project=p, title="施工", due=d(10), weight=3)
    a = services.milestone_add(actor=None, project=p, title="1号楼", due=d(8), weight=1, parent=build)
    b = services.milestone_add(actor=None, project=p, title="2号楼", due=d(10), weight=1, parent=build)
    services.milestone_report(actor=None, milestone=survey, progress=100)
    services.milestone_report(actor=None, milestone=a, progress=100)
    services.milestone_report(actor=None, milestone=b, progress=50)
    p.refresh_from_db()
    build.refresh_from_db()
    assert build.progress == pytest.approx(75)
    assert p.progress == pytest.approx((100 + 3 * 75) / 4, abs=0.01)
    with pytest.raises(ValidationFailed):
        services.milestone_report(actor=None, milestone=build, progress=10)


def test_a_milestone_after_the_deadline_is_refused_and_nothing_is_written(city, secretary):
    p = _project(city)
    with pytest.raises(ValidationFailed) as exc:
        services.milestone_add(actor=None, project=p, title="late", due=d(12, 2))
    assert exc.value.status == 422 and "deadline" in str(exc.value.message)
    assert not p.milestones.exists()


def test_a_missed_milestone_raises_a_prompt_card_seen_by_the_street_not_the_next_street(city, secretary):
    p = _project(city)
    m = services.milestone_add(actor=None, project=p, title="摸排", due=d(3, 1))
    services.prompt_rule_set(actor=city.users["city_admin"], unit=city.city, kind="milestone_missed", threshold=5)
    assert sweeps.sweep(timezone.make_aware(datetime.datetime(YEAR, 3, 4)))["milestones_missed"] == 0
    assert sweeps.sweep(timezone.make_aware(datetime.datetime(YEAR, 3, 10)))["milestones_missed"] == 1
    card = SupervisionCard.objects.get(kind="milestone_missed")
    assert card.subject_id == str(m.pk)
    assert card in selectors.cards_in(user=city.users["street_official"], unit=city.street)
    with pytest.raises(NotFound):
        selectors.card_get(user=city.users["outsider"], pk=card.pk)
    services.milestone_report(actor=None, milestone=m, progress=100)
    card.refresh_from_db()
    assert card.resolved_at is not None


def test_the_figures_count_projects_per_level(city, secretary):
    _project(city)
    services.project_create(actor=None, unit=city.street, title="街道项目", problem="p", goals="g",
                            deadline=d(11), year=YEAR, leader_name="街道书记")
    f = figures(city.city, today=d(6))
    assert f == {"secretary_projects_county": 0, "secretary_projects_street": 1, "secretary_projects_community": 1}


def test_the_showcase_shows_only_public_projects(city, secretary):
    hidden = _project(city)
    shown = _project(city, public=True)
    assert list(selectors.showcase_projects()) == [shown]
    with pytest.raises(NotFound):
        selectors.showcase_project_get(hidden.pk)
    assert Project.objects.count() == 2
