"""The party organization chain (A2): set up, renamed, moved and dissolved through one service with the rules of
the chain, on pages and through the API; scope-checked and audited."""

import pytest

from jiceng.core.audit import AuditEvent
from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.orgs import services
from jiceng.orgs.models import PartyOrg


def test_a_grid_branch_sits_under_its_communitys_committee(city):
    with pytest.raises(ValidationFailed) as exc:
        services.party_org_create(actor=None, unit=city.grid_b, kind="grid_branch", name="第二网格党支部",
                                  parent=city.org_street)
    assert exc.value.field == "parent"
    with pytest.raises(ValidationFailed):  # no parent at all
        services.party_org_create(actor=None, unit=city.grid_b, kind="grid_branch", name="第二网格党支部")
    with pytest.raises(ValidationFailed):  # a community committee on a grid
        services.party_org_create(actor=None, unit=city.grid_b, kind="community_committee", name="x",
                                  parent=city.org_street)
    org = services.party_org_create(actor=None, unit=city.grid_b, kind="grid_branch", name="第二网格党支部",
                                    parent=city.org_community)
    assert org.unit_path == city.grid_b.path


def test_a_parent_on_another_branch_of_the_tree_is_refused(city):
    other = PartyOrg.objects.create(kind="community_committee", name="鼓楼社区党委", unit=city.community2,
                                    unit_path=city.community2.path, parent=city.org_street2)
    with pytest.raises(ValidationFailed) as exc:
        services.party_org_create(actor=None, unit=city.grid_b, kind="grid_group", name="x", parent=other)
    assert exc.value.field == "parent"


def test_rename_move_and_dissolve_are_audited(city):
    group = services.party_org_create(actor=city.users["community_worker"], unit=city.grid, kind="grid_group",
                                      name="第一网格党小组", parent=city.org_community)
    services.party_org_rename(actor=city.users["community_worker"], org=group, name="幸福小区党小组")
    branch = services.party_org_create(actor=None, unit=city.compound, kind="grid_branch", name="幸福小区党支部",
                                       parent=city.org_community)
    with pytest.raises(ValidationFailed):  # a group cannot sit under a grid branch
        services.party_org_move(actor=None, org=group, parent=branch)
    services.party_org_dissolve(actor=city.users["community_worker"], org=group)
    assert not PartyOrg.objects.filter(pk=group.pk).exists()
    actions = list(AuditEvent.objects.filter(object_type="orgs.partyorg", object_id=str(group.pk))
                   .values_list("action", flat=True))
    assert actions == ["party_org.create", "party_org.rename", "party_org.dissolve"]


def test_an_organization_cannot_go_under_itself_or_its_own(city):
    with pytest.raises(ValidationFailed):
        services.party_org_move(actor=None, org=city.org_community, parent=city.org_grid)


def test_dissolving_an_organization_with_children_or_members_is_refused_with_a_reason(city, client_for):
    with pytest.raises(Conflict) as exc:
        services.party_org_dissolve(actor=None, org=city.org_community)
    assert "1" in str(exc.value.message)
    with pytest.raises(Conflict):  # 李娜 belongs to the grid branch
        services.party_org_dissolve(actor=None, org=city.org_grid)
    r = client_for("community_worker").delete(f"/api/v1/party-orgs/{city.org_grid.pk}")
    assert r.status_code == 409 and "党员" in r.json()["detail"]
    r = client_for("community_worker").post(f"/party-orgs/{city.org_grid.pk}/dissolve/", follow=True)
    assert "党员" in r.content.decode() and PartyOrg.objects.filter(pk=city.org_grid.pk).exists()


def test_a_grid_worker_cannot_touch_the_chain_and_another_street_is_404(city, client_for):
    r = client_for("grid_worker").patch(f"/api/v1/party-orgs/{city.org_grid.pk}", {"name": "x"},
                                        content_type="application/json")
    assert r.status_code == 403
    r = client_for("grid_worker").post("/api/v1/party-orgs", {"unit": city.grid_b.code, "kind": "grid_group",
                                                              "name": "x", "parent_id": city.org_community.pk},
                                       content_type="application/json")
    assert r.status_code == 404  # grid G2 is outside the grid worker's grid
    r = client_for("outsider").post(f"/party-orgs/{city.org_grid.pk}/", {"name": "x"})
    assert r.status_code == 404
    r = client_for("outsider").delete(f"/api/v1/party-orgs/{city.org_grid.pk}")
    assert r.status_code == 404
    assert PartyOrg.objects.get(pk=city.org_grid.pk).name == "第一网格党支部"


def test_bad_input_is_refused_with_a_message_and_nothing_written(city, client_for):
    before = PartyOrg.objects.count()
    client = client_for("community_worker")
    r = client.post("/api/v1/party-orgs", {"unit": city.grid.code, "kind": "grid_group", "name": "x" * 121,
                                           "parent_id": city.org_community.pk}, content_type="application/json")
    assert r.status_code == 422
    r = client.post("/api/v1/party-orgs", {"unit": city.grid.code, "kind": "nonsense", "name": "x",
                                           "parent_id": city.org_community.pk}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "kind"
    r = client.post(f"/units/{city.grid.code}/party-orgs/", {"kind": "grid_group", "name": "小组",
                                                             "parent": city.org_street.pk})
    assert r.status_code == 422 and "errors" in r.content.decode()
    assert PartyOrg.objects.count() == before


def test_the_party_orgs_page_runs_a_fixed_number_of_queries(city, client_for):
    from jiceng.core.testing import assert_queries

    client = client_for("community_worker")
    url = f"/units/{city.community.code}/party-orgs/"
    # session, user, grants; unit; ancestors; orgs (counted in one query); their units by key; the form's parents
    with assert_queries(8, label="orgs:party_orgs") as first:
        assert client.get(url).status_code == 200
    for i in range(5):
        services.party_org_create(actor=None, unit=city.grid_b, kind="grid_group", name=f"小组{i}",
                                  parent=city.org_community)
    with assert_queries(len(first.captured_queries), label="orgs:party_orgs, more orgs"):
        assert client.get(url).status_code == 200
