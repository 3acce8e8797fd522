"""H5: the roster of professional community workers on core's one Excel table (/excel/workers/…): the export
is masked and scoped, importing it again changes nothing, a new row is recruited, a bad file writes nothing
and names every row and column, an import into a unit outside the recruiter's area answers 404."""

from jiceng.core.testing import registry_round_trip, sheet_rows, xlsx_upload
from jiceng.workforce.excel import HEADERS
from jiceng.workforce.models import Worker
from jiceng.workforce.tests.conftest import make_id


def _snapshot():
    return sorted(Worker.objects.values_list("id", "person_id", "community_id", "post", "title", "channel", "hire_date",
                                             "education", "qualification", "grade", "status", "updated_at"))


def test_the_exported_roster_imports_again_without_a_change(city, wf, client_for):
    before = _snapshot()
    client = client_for("city_admin")
    first, second = registry_round_trip(client, "workers", city.community.code, lambda: None)
    assert first == second and len(first) == 3  # the header and K1's two workers, not K2's
    assert _snapshot() == before
    exported = sheet_rows(client.get(f"/excel/workers/export?unit={city.community.code}").content)
    assert make_id(1) not in str(exported)


def test_a_new_row_is_recruited_beside_the_listed_ones(city, wf, client_for):
    client = client_for("city_admin")
    rows = sheet_rows(client.get(f"/excel/workers/export?unit={city.community.code}").content)
    header = rows[0]
    new = dict.fromkeys(header, "")
    new.update({"社区代码": city.community.code, "姓名": "新来的", "身份证号": make_id(90), "岗位": "副职",
                "招录方式": "社区干部招录", "入职日期": "2024-05-06", "学历": "本科", "社工资格": "初级"})
    r = client.post(f"/excel/workers/import?unit={city.community.code}",
                    {"file": xlsx_upload([header, *rows[1:], [new[h] for h in header]])})
    assert r.status_code == 302
    worker = Worker.objects.get(person__name="新来的")
    assert (worker.community, worker.post, worker.qualification) == (city.community, "deputy", "junior")


def test_a_bad_roster_writes_nothing_and_names_each_cell(city, wf, client_for):
    before = _snapshot()
    good = [city.community.code, "", "甲", make_id(60), "", "其他", "", "社会公开招聘", "2022-01-10", "本科", "初级", "", "",
            "在岗"]
    bad_date = [city.community.code, "", "乙", make_id(61), "", "其他", "", "社会公开招聘", "明年", "本科", "", "", "", ""]
    other_street = [city.community2.code, "", "丙", make_id(62),
                    "", "其他", "", "社会公开招聘", "2022-01-10", "本科", "", "", "", ""]
    changed = [city.community.code, "", "改", "x", "", "正职", "", "社会公开招聘", "2019-06-01", "本科", "", "", "", "在岗",
               wf.staff.pk]
    r = client_for("city_admin").post(f"/excel/workers/import?unit={city.community.code}",
                                      {"file": xlsx_upload([[*HEADERS, "编号"], good, bad_date, other_street, changed])})
    assert r.status_code == 422
    errors = {(e["row"], e["column"]) for e in r.context["errors"]}
    assert {(3, "入职日期"), (4, "社区代码"), (5, "岗位")} <= errors
    assert _snapshot() == before


def test_an_import_outside_the_area_or_without_the_power(city, wf, client_for):
    before = _snapshot()
    row = [city.community.code, "", "甲", make_id(60), "", "其他", "", "社会公开招聘", "2022-01-10", "本科", "", "", "", ""]
    r = client_for("street_official").post(f"/excel/workers/import?unit={city.community.code}",
                                           {"file": xlsx_upload([HEADERS, row])})
    assert r.status_code == 403  # the street manages workers; the county recruits them
    r = client_for("outsider").post(f"/excel/workers/import?unit={city.community.code}",
                                    {"file": xlsx_upload([HEADERS, row])})
    assert r.status_code == 404
    r = client_for("city_admin").post(f"/excel/workers/import?unit={city.community2.code}",
                                      {"file": xlsx_upload([HEADERS, row])})  # a row of K1 inside K2's import
    assert r.status_code == 422 and r.context["errors"][0]["column"] == "社区代码"
    assert client_for("party_member").get(f"/excel/workers/export?unit={city.community.code}").status_code == 403
    assert _snapshot() == before
