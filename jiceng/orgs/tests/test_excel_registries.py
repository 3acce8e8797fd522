"""H5: party organizations, big committees and their part-time members round-trip through Excel, and a bad
row writes nothing (the generic /excel/<registry>/ routes of core)."""

import datetime

from jiceng.core.testing import registry_round_trip, sheet_rows, xlsx_upload
from jiceng.orgs.models import BigCommittee, PartTimeMember, PartyOrg
from jiceng.orgs.services import big_committee_create, part_time_member_add, party_org_create, unit_create


def test_party_orgs_round_trip_into_a_clean_grid(city, client_for):
    # A chain-valid tree (A2) whose lower row names a parent written by an earlier row of the same file:
    # the grid's branch under the community committee, a building's group under the grid's branch.
    compound = unit_create(actor=None, parent=city.grid_b, kind="compound", code="141002001001002001", name="和平小区")
    building = unit_create(actor=None, parent=compound, kind="building", code="141002001001002001001", name="3号楼")
    root = party_org_create(actor=None, unit=city.grid_b, kind="grid_branch", name="第二网格党支部",
                            parent=city.org_community, established_on=datetime.date(2021, 7, 1))
    party_org_create(actor=None, unit=building, kind="building_group", name="=3号楼党小组", parent=root)

    def wipe():
        PartyOrg.objects.filter(parent=root).delete()
        PartyOrg.objects.filter(pk=root.pk).delete()

    first, second = registry_round_trip(client_for("community_worker"), "party-orgs", city.grid_b.code, wipe)
    assert first == second
    assert first[1][0] == city.grid_b.code and first[1][2:] == ["第二网格党支部", "五一路社区党委",
                                                                datetime.datetime(2021, 7, 1)]
    assert [r[2] for r in first[1:]] == ["第二网格党支部", "=3号楼党小组"]  # a formula-like name stays text
    assert PartyOrg.objects.get(name="=3号楼党小组").parent.name == "第二网格党支部"


def test_a_bad_party_org_row_writes_nothing_and_names_row_and_column(city, client_for):
    upload = xlsx_upload([["所在单位代码", "类型", "名称", "上级党组织"],
                          [city.grid_b.code, "grid_branch", "第二网格党支部", "五一路社区党委"],
                          [city.grid_b.code, "不存在的类型", "某党小组", ""],
                          [city.grid2.code, "grid_branch", "外街道党支部", ""]])
    before = PartyOrg.objects.count()
    r = client_for("community_worker").post(f"/excel/party-orgs/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 422
    errors = r.context["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {(3, "类型")}  # parsing stops before any write
    assert errors[0]["message"].startswith("无法识别“不存在的类型”")  # zh-Hans, naming the value
    assert PartyOrg.objects.count() == before
    upload = xlsx_upload([["所在单位代码", "类型", "名称", "上级党组织"],
                          [city.grid_b.code, "grid_branch", "第二网格党支部", "五一路社区党委"],  # chain-valid
                          [city.grid2.code, "grid_branch", "外街道党支部", ""]])
    r = client_for("community_worker").post(f"/excel/party-orgs/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 422
    assert [(e["row"], e["column"]) for e in r.context["errors"]] == [(3, "所在单位代码")]
    assert PartyOrg.objects.count() == before  # row 2 was written and rolled back


def test_big_committees_and_members_round_trip(city, client_for):
    committee = big_committee_create(actor=None, unit=city.street, term_start=datetime.date(2023, 1, 1),
                                     term_end=datetime.date(2027, 12, 31))
    part_time_member_add(actor=None, committee=committee, name="钱进", source="property_company",
                         source_org="幸福物业", position="经理")
    client = client_for("street_official")

    def wipe_members():
        PartTimeMember.objects.filter(committee__unit_path__startswith=city.street.path).delete()

    first, second = registry_round_trip(client, "committee-members", city.street.code, wipe_members)
    assert first == second and len(first) == 3  # the street's and the community's (from the test city)

    def wipe_committees():
        BigCommittee.objects.filter(unit_path__startswith=city.street.path).delete()

    first, second = registry_round_trip(client, "big-committees", city.street.code, wipe_committees)
    assert first == second and len(first) == 3


def test_committee_member_rows_check_source_and_committee(city, client_for):
    upload = xlsx_upload([["单位代码", "姓名", "来源", "来源单位"],
                          [city.community.code, "孙丽", "派出所", "解放路派出所"],
                          [city.community.code, "周明", "居委会", "某居委会"],
                          [city.grid.code, "吴军", "其他", "某单位"]])
    before = PartTimeMember.objects.count()
    r = client_for("community_worker").post(f"/excel/committee-members/import?unit={city.community.code}",
                                            {"file": upload})
    assert r.status_code == 422
    assert [(e["row"], e["column"]) for e in r.context["errors"]] == [(3, "来源")]
    assert PartTimeMember.objects.count() == before


def test_import_outside_ones_area_is_404_and_writes_nothing(city, client_for):
    upload = xlsx_upload([["所在单位代码", "类型", "名称"], [city.grid2.code, "grid_branch", "外街道党支部"]])
    before = PartyOrg.objects.count()
    r = client_for("community_worker").post(f"/excel/party-orgs/import?unit={city.community2.code}", {"file": upload})
    assert r.status_code == 404
    assert PartyOrg.objects.count() == before
    r = client_for("grid_worker").get(f"/excel/party-orgs/import?unit={city.grid.code}")
    assert r.status_code == 403  # in the area, without the structure capability


def test_export_lists_nothing_out_of_scope(city, client_for, django_assert_max_num_queries):
    client = client_for("street_official")
    with django_assert_max_num_queries(12):
        r = client.get(f"/excel/party-orgs/export?unit={city.street.code}")
    names = [row[3] for row in sheet_rows(r.content)[1:]]
    assert "鼓楼南街道党工委" not in names and "解放路街道党工委" in names
    assert client.get(f"/excel/party-orgs/export?unit={city.street2.code}").status_code == 404


def test_list_pages_link_to_their_registries_excel(city, client_for):
    client = client_for("community_worker")
    page = client.get(f"/units/{city.community.code}/").content.decode()
    for name in ("party-orgs", "big-committees", "committee-members", "compounds", "cases"):
        assert f"/excel/{name}/export?unit={city.community.code}" in page
    assert f"/excel/party-orgs/import?unit={city.community.code}" in page
    assert "/excel/cases/import" not in page  # export only
    assert f"/excel/needs/export?unit={city.community.code}" in client.get(
        f"/mobilize/?unit={city.community.code}").content.decode()
    assert "/excel/meetings/import?unit=" in client.get("/meetings/").content.decode()
    assert "/excel/projects/export?unit=" in client.get("/projects/").content.decode()
    imported = client.get(f"/excel/needs/import?unit={city.community.code}").content.decode()
    assert "社区代码*" in imported and "需要开始*" in imported  # the columns, required ones starred
