"""H5: secretary-led projects and the policy framework round-trip through Excel (core's /excel/<registry>/
routes); a bad row writes nothing."""

import datetime

from jiceng.core.testing import registry_round_trip, xlsx_upload
from jiceng.projects.models import PolicyItem, Project
from jiceng.projects.services import policy_item_create, project_create


def test_projects_round_trip(city, client_for):
    project_create(actor=None, unit=city.community, title="加装电梯", problem="老楼无电梯", goals="年内加装三部",
                   deadline=datetime.date(2026, 12, 31), year=2026, leader_name="刘书记", public=True)
    project_create(actor=None, unit=city.street, title="=街巷整治", problem="背街小巷脏乱", goals="十条街巷见新",
                   deadline=datetime.date(2027, 6, 30), year=2026, leader_name="王书记")
    first, second = registry_round_trip(client_for("street_official"), "projects", city.street.code,
                                        lambda: Project.objects.all().delete())
    assert first == second and len(first) == 3
    assert {r[2] for r in first[1:]} == {"加装电梯", "=街巷整治"}


def test_policy_items_round_trip_with_their_parents(city, client_for):
    measure = policy_item_create(actor=None, unit=city.city, kind="measure", code="M1", title="党建引领基层治理措施")
    policy_item_create(actor=None, unit=city.city, kind="system", code="N1", title="网格员管理办法", body="第一条",
                       parent=measure)
    first, second = registry_round_trip(client_for("city_admin"), "policy-items", city.city.code,
                                        lambda: PolicyItem.objects.order_by("-parent_id").delete())
    assert first == second and first[2] == ["N1", first[2][1], "网格员管理办法", "第一条", "M1"]


def test_a_bad_project_row_writes_nothing(city, client_for):
    upload = xlsx_upload([["单位代码", "年度", "项目名称", "解决问题", "目标", "完成时限", "牵头书记"],
                          [city.community.code, 2026, "加装电梯", "老楼无电梯", "三部", "2026-12-31", "刘书记"],
                          [city.community.code, 1999, "修路", "路坏", "修好", "2026-12-31", "刘书记"],
                          [city.community.code, 2026, "修桥", "桥旧", "修好", "2025-12-31", "刘书记"]])
    r = client_for("community_worker").post(f"/excel/projects/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 422
    assert [(e["row"], e["column"]) for e in r.context["errors"]] == [(3, "年度")]
    upload = xlsx_upload([["单位代码", "年度", "项目名称", "解决问题", "目标", "完成时限", "牵头书记"],
                          [city.community.code, 2026, "加装电梯", "老楼无电梯", "三部", "2026-12-31", "刘书记"],
                          [city.community.code, 2026, "修桥", "桥旧", "修好", "2025-12-31", "刘书记"]])
    r = client_for("community_worker").post(f"/excel/projects/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 422
    assert [(e["row"], e["column"]) for e in r.context["errors"]] == [(3, "完成时限")]
    assert not Project.objects.exists()


def test_policy_items_are_imported_by_the_city_only(city, client_for):
    upload = xlsx_upload([["代码", "类型", "标题"], ["M1", "measure", "措施"]])
    assert client_for("street_official").post(f"/excel/policy-items/import?unit={city.city.code}",
                                              {"file": upload}).status_code == 404
    assert client_for("community_worker").get(f"/excel/policy-items/import?unit={city.community.code}"
                                              ).status_code == 403  # no supervise capability
    assert not PolicyItem.objects.exists()
