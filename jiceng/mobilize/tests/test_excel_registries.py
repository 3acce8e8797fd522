"""H5: agencies, in-service members, needs, resources and activities round-trip through Excel (core's
/excel/<registry>/ routes), and a bad row writes nothing."""

import datetime

import pytest
from django.utils import timezone

from jiceng.core.pii import id_check_digit
from jiceng.core.testing import registry_round_trip, sheet_rows, xlsx_upload
from jiceng.mobilize import services
from jiceng.mobilize.models import Activity, AgencyRegistration, Member, Need, Resource, Skill

D = datetime.date


@pytest.fixture
def listed(city):
    agency = services.agency_register(actor=None, community=city.community, name="临汾市税务局党委",
                                      agreement_start=D(2025, 1, 1), agreement_end=D(2027, 12, 31),
                                      commitments="每月一次志愿服务\n=法律咨询")
    services.need_create(actor=None, community=city.community, title="独居老人助餐", category="elderly",
                         place="幸福小区", urgency=3, wanted_from=D(2026, 3, 1), wanted_to=D(2026, 6, 30), quantity=12)
    services.resource_create(actor=None, community=city.community, title="法律咨询", category="legal",
                             available_from=D(2026, 1, 1), available_to=D(2026, 12, 31), capacity=4, agency=agency)
    start = timezone.make_aware(datetime.datetime(2026, 5, 4, 9, 30))
    services.activity_create(actor=None, community=city.community, kind="volunteer", title="清洁家园",
                             starts_at=start, ends_at=start + datetime.timedelta(hours=3), capacity=30)
    return agency


@pytest.mark.parametrize("name, model", [("needs", Need), ("activities", Activity), ("agencies", AgencyRegistration)])
def test_a_list_round_trips_into_a_clean_community(city, client_for, listed, name, model):
    def wipe():
        Resource.objects.all().delete()
        model.objects.filter(unit_path__startswith=city.community.path).delete()

    first, second = registry_round_trip(client_for("community_worker"), name, city.community.code, wipe)
    assert first == second and len(first) == 2


def test_resources_round_trip_with_their_agency(city, client_for, listed):
    first, second = registry_round_trip(client_for("community_worker"), "resources", city.community.code,
                                        lambda: Resource.objects.all().delete())
    assert first == second
    assert first[1][:4] == [city.community.code, "法律咨询", "法律援助" if first[1][2] == "法律援助" else first[1][2],
                            "临汾市税务局党委"]
    assert Resource.objects.get().agency == listed


def test_members_round_trip_with_the_numbers_the_employer_keeps(city, client_for):
    Skill.objects.get_or_create(code="driving", defaults={"name": "驾驶", "bit": 60})
    first17 = "14100219880808123"
    id_number = first17 + id_check_digit(first17)
    upload = xlsx_upload([["姓名", "身份证号", "电话", "社区代码", "技能", "工作单位"],
                          ["周杰", id_number, "13700001234", city.community.code, "driving", "临汾市财政局"]])
    client = client_for("community_worker")
    r = client.post(f"/excel/members/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 302
    exported = sheet_rows(client.get(f"/excel/members/export?unit={city.community.code}").content)
    assert exported[1][:6] == ["周杰", "**************" + id_number[-4:], "137****1234", city.community.code, "driving",
                               "临汾市财政局"]  # masked, like every export
    Member.objects.all().delete()

    # Into the clean community: the masked numbers are refused (row and column) and nothing is written …
    first = [list(r) for r in exported[:2]]
    r = client.post(f"/excel/members/import?unit={city.community.code}", {"file": xlsx_upload(first)})
    assert r.status_code == 422 and [(e["row"], e["column"]) for e in r.context["errors"]] == [(2, "身份证号")]
    assert not Member.objects.exists()
    # … and with the numbers the employer keeps, the same rows come back.
    first[1][1], first[1][2] = id_number, "13700001234"
    assert client.post(f"/excel/members/import?unit={city.community.code}",
                       {"file": xlsx_upload(first)}).status_code == 302
    again = sheet_rows(client.get(f"/excel/members/export?unit={city.community.code}").content)
    assert again[1][:6] == exported[1][:6]


def test_a_bad_row_writes_nothing_and_names_row_and_column(city, client_for, listed):
    before = Need.objects.count()
    upload = xlsx_upload([["社区代码", "需求", "类别", "需要开始", "需要结束", "数量"],
                          [city.community.code, "助浴", "elderly", "2026-03-01", "2026-04-01", 2],
                          [city.community.code, "助餐", "不存在的类别", "2026-03-01", "2026-04-01", 0],
                          [city.community.code, "修车棚", "repair", "2026-05-01", "2026-04-01", 1]])
    r = client_for("community_worker").post(f"/excel/needs/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 422
    assert [(e["row"], e["column"]) for e in r.context["errors"]] == [(3, "类别"), (3, "数量")]
    assert Need.objects.count() == before
    upload = xlsx_upload([["社区代码", "需求", "类别", "需要开始", "需要结束"],
                          [city.community.code, "助浴", "elderly", "2026-03-01", "2026-04-01"],
                          [city.community.code, "修车棚", "repair", "2026-05-01", "2026-04-01"]])
    r = client_for("community_worker").post(f"/excel/needs/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 422
    assert [(e["row"], e["column"]) for e in r.context["errors"]] == [(3, "需要结束")]  # the service's refusal
    assert Need.objects.count() == before  # row 2 was rolled back


def test_import_into_another_street_is_404_and_export_stays_in_scope(city, client_for, listed,
                                                                      django_assert_max_num_queries):
    upload = xlsx_upload([["社区代码", "活动", "类型", "开始时间", "结束时间", "报名上限"],
                          [city.community2.code, "义诊", "volunteer", "2026-05-01 09:00", "2026-05-01 11:00", 5]])
    before = Activity.objects.count()
    r = client_for("community_worker").post(f"/excel/activities/import?unit={city.community2.code}", {"file": upload})
    assert r.status_code == 404 and Activity.objects.count() == before
    # A row naming a community outside the imported unit is refused by row and column.
    upload.seek(0)
    r = client_for("street_official").post(f"/excel/activities/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 422
    assert r.context["errors"][0]["column"] == "社区代码"
    assert Activity.objects.count() == before
    outsider = client_for("outsider")
    outsider.get("/")  # the session's first request warms what every page reads once
    with django_assert_max_num_queries(10):  # session, user, grants, unit, rows, the export's audit event
        r = outsider.get(f"/excel/needs/export?unit={city.street2.code}")
    assert len(sheet_rows(r.content)) == 1  # the header only: the need is in the other street
