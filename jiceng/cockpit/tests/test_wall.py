"""The wall display (issue 18, item 11): a dark page for the staff of a unit, figures and lists refreshed in
place from a small JSON endpoint with a pinned number of queries, nothing personal on the wall."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiceng.cases import figures as case_figures
from jiceng.cockpit.tests.conftest import G1_POINT, G2_POINT, GB_POINT
from jiceng.core.supervision import card_raise
from jiceng.core.testing import assert_queries

pytestmark = pytest.mark.django_db

# Besides the cases' own figures (cases/figures.py, pinned by its tests):
#  1. the session   2. the user   3. the user's grants   4. the shown unit (scope-filtered)
#  5. cases received today   6. open cases   7. open supervision cards   8. the latest cases (one join)
#  9. the open cards with their holder units (one join)
DATA_QUERIES = 9


def _figure_queries(unit) -> int:
    with CaptureQueriesContext(connection) as ctx:
        case_figures.figures(unit, today=timezone.localdate())
    return len(ctx.captured_queries)


def _figure(data, key):
    return next(f["value"] for f in data["figures"] if f["key"] == key)


def test_the_wall_page_is_dark_with_the_unit_in_its_banner_and_no_reload(client_for, city, submit):
    submit()
    r = client_for("street_official").get(f"/cockpit/wall/?unit={city.street.code}")
    assert r.status_code == 200
    html = r.content.decode()
    assert "wall-screen" in html and 'class="wall-unit">解放路街道<' in html
    assert 'http-equiv="refresh"' not in html  # refreshed in place, not reloaded
    assert 'data-every="30"' in html and "/cockpit/wall/data?unit=141002001" in html
    assert html.count('class="wall-figure"') == 8


def test_the_refresh_period_is_a_validated_parameter(client_for, city):
    client = client_for("street_official")
    assert 'data-every="10"' in client.get("/cockpit/wall/?every=10").content.decode()
    assert client.get("/cockpit/wall/?every=1").status_code == 404
    assert client.get("/cockpit/wall/?every=x").status_code == 404


def test_the_data_endpoint_answers_figures_and_lists_without_personal_data(client_for, city, submit):
    case = submit(reporter_name="张三丰", reporter_phone="13912345678", description="张三丰家门口垃圾")
    data = client_for("community_worker").get(f"/cockpit/wall/data?unit={city.community.code}").json()
    assert _figure(data, "cases_today") == "1" and _figure(data, "cases_open") == "1"
    assert data["cases"][0]["code"] == case.code and data["cases"][0]["grid"] == "第一网格"
    text = str(data)
    assert "张三丰" not in text and "1391" not in text and "5678" not in text and "垃圾堆" not in text


def test_the_lists_are_scope_filtered_to_the_unit(client_for, city, submit):
    mine, other = submit(point=G1_POINT), submit(point=G2_POINT)  # G2 lies in the neighbouring street
    data = client_for("street_official").get("/cockpit/wall/data").json()
    codes = [c["code"] for c in data["cases"]]
    assert mine.code in codes and other.code not in codes
    data = client_for("outsider").get("/cockpit/wall/data").json()
    assert [c["code"] for c in data["cases"]] == [other.code]


def test_open_supervision_cards_are_listed_with_kind_holder_and_deadline(client_for, city):
    card_raise(actor=None, kind="case_overdue", unit=city.street, subject_type="cases.case", subject_id="1",
               title="事件超期", deadline=timezone.localdate())
    data = client_for("street_official").get(f"/cockpit/wall/data?unit={city.street.code}").json()
    assert _figure(data, "cards_open") == "1"
    assert data["cards"][0]["unit"] == "解放路街道" and data["cards"][0]["deadline"]


def test_the_data_endpoint_query_count_is_pinned_and_does_not_grow(client_for, city, submit):
    client = client_for("street_official")
    url = f"/cockpit/wall/data?unit={city.street.code}"
    client.get(url)  # (warm the session)
    expected = DATA_QUERIES + _figure_queries(city.street)
    with assert_queries(expected, label="wall data, a street with no case"):
        client.get(url)
    for point in (G1_POINT, GB_POINT, G1_POINT, GB_POINT, G1_POINT):
        submit(point=point)
    for i in range(3):
        card_raise(actor=None, kind="case_overdue", unit=city.community, subject_type="cases.case",
                   subject_id=str(100 + i), title="事件超期")
    assert _figure_queries(city.street) == expected - DATA_QUERIES
    with assert_queries(expected, label="wall data, a street with 5 cases and 3 cards"):
        data = client.get(url).json()
    assert len(data["cases"]) == 5 and len(data["cards"]) == 3
