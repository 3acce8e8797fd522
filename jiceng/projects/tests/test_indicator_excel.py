"""The organization department edits a level's indicator tree in Excel on the assessment page:
download, edit, upload; the upload goes through indicator_tree_set, all or nothing."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jiceng.accounts.services import grant_create, user_create
from jiceng.core.excel import write_xlsx
from jiceng.core.models import AuditEvent
from jiceng.core.roles import Role
from jiceng.projects import assessment as svc
from jiceng.projects.excel import HEADERS, tree_of
from jiceng.projects.tests.conftest import YEAR

TREE = [
    {"code": "A", "title": "基层治理", "weight": 0.6, "source": "", "children": [
        {"code": "A1", "title": "联席会议按时召开", "weight": 0.5, "source": "meetings.on_time_rate"},
        {"code": "A2", "title": "书记领办项目", "weight": 0.5, "source": "projects.progress"},
    ]},
    {"code": "B", "title": "党建基础工作", "weight": 0.4, "source": ""},
]
COLS = ["代码", "指标名称", "上级代码", "权重", "类型", "数据来源"]
GOOD_ROWS = [
    ["A", "基层治理", "", 0.6, "汇总", ""],
    ["A1", "联席会议按时召开", "A", 0.5, "计算", "meetings.on_time_rate"],
    ["A2", "书记领办项目", "A", 0.5, "计算", "projects.progress"],
    ["B", "党建基础工作", "", 0.4, "录入", ""],
]


@pytest.fixture
def assessment(city):
    a = svc.assessment_create(actor=None, unit=city.city, year=YEAR)
    svc.indicator_tree_set(actor=None, assessment=a, level="community", tree=TREE)
    return a


def _file(rows, headers=COLS):
    return SimpleUploadedFile("指标体系.xlsx", write_xlsx(headers, rows))


def _upload(client, a, level, upload):
    return client.post(f"/projects/assessments/{a.pk}/indicators/{level}/", {"file": upload})


def _sheet(content):
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def test_download_edit_upload_round_trip_equals_the_tree_the_api_sets(client_for, city, assessment):
    admin = client_for("city_admin")
    r = admin.get(f"/projects/assessments/{assessment.pk}/indicators/community.xlsx")
    assert r.status_code == 200 and r["Content-Disposition"].endswith('.xlsx"')
    rows = _sheet(r.content)
    assert list(rows[0]) == HEADERS
    assert [[v if v is not None else "" for v in row[:6]] for row in rows[1:]] == GOOD_ROWS

    # Edit in "Excel": rename B, move weight from A2 to A1, add an entered sub-indicator under A.
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[0]
    sheet.cell(row=3, column=4, value=0.3)
    sheet.cell(row=4, column=4, value=0.5)
    sheet.cell(row=5, column=2, value="党建基础工作（台账）")
    sheet.append(["A3", "居民议事协商", "A", 0.2, "录入", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    r = _upload(admin, assessment, "community", SimpleUploadedFile("edited.xlsx", buffer.getvalue()))
    assert r.status_code == 302 and r["Location"].endswith("#indicators-community")

    edited = [
        {"code": "A", "title": "基层治理", "weight": 0.6, "source": "", "children": [
            {"code": "A1", "title": "联席会议按时召开", "weight": 0.3, "source": "meetings.on_time_rate"},
            {"code": "A2", "title": "书记领办项目", "weight": 0.5, "source": "projects.progress"},
            {"code": "A3", "title": "居民议事协商", "weight": 0.2, "source": ""},
        ]},
        {"code": "B", "title": "党建基础工作（台账）", "weight": 0.4, "source": ""},
    ]
    api = admin.put(f"/api/v1/projects/assessments/{assessment.pk}/indicators/street", json.dumps({"tree": edited}),
                    content_type="application/json")
    assert api.status_code == 200
    assert tree_of(assessment=assessment, level="community") == tree_of(assessment=assessment, level="street")
    assert tree_of(assessment=assessment, level="community") == edited
    # Written by the one service: its audit event, once per upload.
    assert AuditEvent.objects.filter(action="assessment.indicator_tree_set").count() == 3


def test_an_empty_level_downloads_a_template_with_headers_and_one_example_row(client_for, city, assessment):
    r = client_for("city_admin").get(f"/projects/assessments/{assessment.pk}/indicators/street.xlsx")
    rows = _sheet(r.content)
    assert list(rows[0]) == HEADERS and len(rows) == 2
    assert rows[1][0] == "A" and rows[1][2] is None and rows[1][3] == 1


def test_the_page_shows_each_levels_tree_indented_with_weights_and_the_upload_form(client_for, city, assessment):
    page = client_for("city_admin").get(f"/projects/assessments/{assessment.pk}/").content.decode()
    assert 'id="indicators-community"' in page and 'id="indicators-street"' in page
    assert 'id="indicators-county"' in page
    assert "padding-left: 1.5em\">A1" in page and "meetings.on_time_rate" in page
    assert "30%" in page  # A1's share of the indicator score: 0.6 × 0.5 (one rule: no ".0")
    assert page.count('enctype="multipart/form-data"') == 3
    assert "/indicators/community.xlsx" in page


def test_percent_weights_and_source_names_are_read(client_for, city, assessment):
    from jiceng.projects import indicators

    label = str(indicators.SOURCES["projects.progress"].label)
    rows = [["X", "项目", "", "40%", "", label], ["Y", "党建", "", "60%", "", ""]]
    r = _upload(client_for("city_admin"), assessment, "street", _file(rows))
    assert r.status_code == 302
    assert tree_of(assessment=assessment, level="street") == [
        {"code": "X", "title": "项目", "weight": 0.4, "source": "projects.progress"},
        {"code": "Y", "title": "党建", "weight": 0.6, "source": ""}]


def _with(change):
    rows = [list(r) for r in GOOD_ROWS]
    change(rows)
    return rows


BAD = {
    "unknown_parent": (lambda rows: rows[2].__setitem__(2, "Z"), 4, "上级代码"),
    "duplicate_code": (lambda rows: rows[3].__setitem__(0, "A1"), 5, "代码"),
    "weight_not_a_number": (lambda rows: rows[3].__setitem__(3, "四成"), 5, "权重"),
    "weight_out_of_range": (lambda rows: rows[3].__setitem__(3, 1.4), 5, "权重"),
    "siblings_do_not_sum_to_1": (lambda rows: rows[2].__setitem__(3, 0.4), 3, "权重"),
    "unknown_source": (lambda rows: rows[1].__setitem__(5, "cases.nope"), 3, "数据来源"),
    "unknown_kind": (lambda rows: rows[3].__setitem__(4, "考核"), 5, "类型"),
    "computed_without_source": (lambda rows: rows[3].__setitem__(4, "计算"), 5, "数据来源"),
    "source_on_a_group": (lambda rows: rows[0].__setitem__(5, "projects.progress"), 2, "数据来源"),
    "missing_title": (lambda rows: rows[3].__setitem__(1, ""), 5, "指标名称"),
    "missing_code": (lambda rows: rows[3].__setitem__(0, ""), 5, "代码"),
    "parents_in_a_loop": (lambda rows: (rows[0].__setitem__(2, "A1"), rows[0].__setitem__(4, "")), 2, "上级代码"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_row_is_refused_with_its_row_and_column_and_nothing_changes(client_for, city, assessment, case):
    change, row, column = BAD[case]
    before = tree_of(assessment=assessment, level="community")
    events = AuditEvent.objects.count()
    r = _upload(client_for("city_admin"), assessment, "community", _file(_with(change)))
    assert r.status_code == 422
    errors = r.context["tree_error"]["errors"]
    assert {"row": row, "column": column} in [{"row": e["row"], "column": e["column"]} for e in errors], errors
    page = r.content.decode()
    assert f"<td class=\"num\">{row}</td><td>{column}</td>" in page
    assert tree_of(assessment=assessment, level="community") == before
    assert AuditEvent.objects.count() == events


def test_every_bad_row_of_a_file_is_listed_at_once(client_for, city, assessment):
    rows = _with(lambda rows: (rows[1].__setitem__(5, "nope"), rows[3].__setitem__(3, "x")))
    r = _upload(client_for("city_admin"), assessment, "community", _file(rows))
    assert r.status_code == 422
    assert {(e["row"], e["column"]) for e in r.context["tree_error"]["errors"]} == {(3, "数据来源"), (5, "权重")}


def test_a_file_that_is_not_an_xlsx_or_misses_columns_or_is_absent_is_refused(client_for, city, assessment):
    admin = client_for("city_admin")
    before = tree_of(assessment=assessment, level="community")
    r = _upload(admin, assessment, "community", SimpleUploadedFile("a.xlsx", b"not a workbook"))
    assert r.status_code == 422 and r.context["tree_error"]["message"]
    r = _upload(admin, assessment, "community", _file([["A", "a"]], headers=["代码", "指标名称"]))
    assert r.status_code == 422 and "权重" in str(r.context["tree_error"]["message"])
    r = admin.post(f"/projects/assessments/{assessment.pk}/indicators/community/", {})
    assert r.status_code == 422
    r = _upload(admin, assessment, "community", _file([]))
    assert r.status_code == 422 and r.context["tree_error"]["errors"][0]["row"] == 2
    assert tree_of(assessment=assessment, level="community") == before


def test_a_published_assessment_refuses_a_new_tree_with_the_services_message(client_for, city, assessment):
    svc.assessment_compute(actor=None, assessment=assessment)
    svc.assessment_publish(actor=None, assessment=assessment)
    admin = client_for("city_admin")
    page = admin.get(f"/projects/assessments/{assessment.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' not in page
    assert admin.get(f"/projects/assessments/{assessment.pk}/indicators/community.xlsx").status_code == 200
    rows = _with(lambda rows: rows[3].__setitem__(1, "改名"))
    r = _upload(admin, assessment, "community", _file(rows))
    assert r.status_code == 409
    assert str(YEAR) in str(r.context["tree_error"]["message"])
    assert tree_of(assessment=assessment, level="community")[1]["title"] == "党建基础工作"


def test_a_role_without_supervise_inside_the_assessing_unit_gets_403_and_no_form(client_for, city, assessment):
    from django.test import Client

    reader = user_create(actor=None, username="city_reader", password="pass-city_reader")
    grant_create(actor=None, user=reader, role=Role.PARTY_MEMBER, unit=city.city)
    client = Client()
    client.force_login(reader)
    page = client.get(f"/projects/assessments/{assessment.pk}/")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' not in page.content.decode()
    assert client.get(f"/projects/assessments/{assessment.pk}/indicators/community.xlsx").status_code == 200
    # Refused before the file is read, even when the file is bad.
    assert _upload(client, assessment, "community", _file(GOOD_ROWS)).status_code == 403
    assert _upload(client, assessment, "community", _file([["A", "", "", "x"]])).status_code == 403
    assert tree_of(assessment=assessment, level="community") == TREE


@pytest.mark.parametrize("persona", ["street_official", "community_worker", "party_member", "outsider"])
def test_the_assessed_and_outsiders_see_the_tree_but_no_form_and_get_404_on_upload(client_for, city, assessment,
                                                                                   persona):
    client = client_for(persona)
    page = client.get(f"/projects/assessments/{assessment.pk}/").content.decode()
    assert 'id="indicators-community"' in page and 'enctype="multipart/form-data"' not in page
    assert _upload(client, assessment, "community", _file(GOOD_ROWS)).status_code == 404
    assert tree_of(assessment=assessment, level="community") == TREE


def test_an_outsider_of_a_county_assessment_gets_404_everywhere(client_for, city):
    from jiceng.orgs import services as org_services

    other = org_services.unit_create(actor=None, parent=city.city, kind="county", code="141003", name="曲沃县")
    a = svc.assessment_create(actor=None, unit=other, year=YEAR)
    client = client_for("outsider")
    assert client.get(f"/projects/assessments/{a.pk}/").status_code == 404
    assert client.get(f"/projects/assessments/{a.pk}/indicators/street.xlsx").status_code == 404
    assert _upload(client, a, "street", _file(GOOD_ROWS)).status_code == 404
    assert tree_of(assessment=a, level="street") == []


def test_an_unknown_level_is_not_found(client_for, city, assessment):
    admin = client_for("city_admin")
    assert admin.get(f"/projects/assessments/{assessment.pk}/indicators/grid.xlsx").status_code == 404
    assert _upload(admin, assessment, "grid", _file(GOOD_ROWS)).status_code == 404
