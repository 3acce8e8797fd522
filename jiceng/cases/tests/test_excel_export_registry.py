"""H5: the case and compound registries export through core's /excel/<registry>/export, inside the
user's area only, formulas as text, with a bounded number of queries."""

from jiceng.cases.models import Category
from jiceng.cases.services import case_submit
from jiceng.core.testing import sheet_rows


def test_cases_export_lists_the_area_only(city, client_for, django_assert_max_num_queries):
    category = Category.objects.get(code="E0101")
    for i in range(3):
        case_submit(actor=None, category=category, description=f"=路灯不亮{i}", source="api", lat=36.05, lng=111.42)
    client = client_for("street_official")
    client.get("/")
    with django_assert_max_num_queries(10):
        r = client.get(f"/excel/cases/export?unit={city.street.code}")
    rows = sheet_rows(r.content)
    assert rows[0][:3] == ["编号", "类别代码", "类别"] and len(rows) == 4
    assert {row[6] for row in rows[1:]} == {"=路灯不亮0", "=路灯不亮1", "=路灯不亮2"}
    outsider = sheet_rows(client_for("outsider").get(f"/excel/cases/export?unit={city.street2.code}").content)
    assert len(outsider) == 1
    assert client_for("outsider").get(f"/excel/cases/export?unit={city.street.code}").status_code == 404
    assert client_for("street_official").get(f"/excel/cases/import?unit={city.street.code}").status_code == 404


def test_compounds_export_lists_the_area_only(city, client_for):
    rows = sheet_rows(client_for("community_worker").get(f"/excel/compounds/export?unit={city.community.code}").content)
    assert [r[:3] for r in rows[1:]] == [[city.compound.code, "幸福小区", "第一网格"]]


def test_every_registry_export_is_audited(city, client_for):
    from jiceng.core.models import AuditEvent

    client = client_for("community_worker")
    for name in ("compounds", "cases", "needs"):
        assert client.get(f"/excel/{name}/export?unit={city.community.code}").status_code == 200
    paths = list(AuditEvent.objects.filter(action="export.download").values_list("changes__path", flat=True))
    assert paths == ["/excel/compounds/export", "/excel/cases/export", "/excel/needs/export"]
