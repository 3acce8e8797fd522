"""A signed-in reporter's own cases ("我的事件"): only the user's own reports, each opening its follow page."""

import pytest

from jiceng.cases.tests.conftest import G1_POINT, G2_POINT

pytestmark = pytest.mark.django_db


def test_a_resident_sees_own_reports_and_no_one_elses(city, submit, client_for):
    mine = submit(actor=city.users["resident"], description="楼道灯坏了")
    submit(actor=city.users["grid_worker"], description="井盖松动")
    submit(point=G2_POINT, description="别人的事")
    anonymous = submit(point=G1_POINT, actor=city.users["resident"], anonymous=True, description="匿名上报")
    page = client_for("resident").get("/cases/mine/").content.decode()
    assert "楼道灯坏了" in page and f"/cases/follow/{mine.code}/" in page
    assert "井盖松动" not in page and "别人的事" not in page
    assert anonymous.code not in page  # an anonymous report keeps no link to the account


def test_without_reports_the_page_says_so_and_offers_to_report(city, client_for):
    page = client_for("resident").get("/cases/mine/").content.decode()
    assert "您还没有上报过事件。" in page and 'href="/cases/report/"' in page


def test_the_page_costs_a_fixed_number_of_queries(city, submit, client_for, django_assert_max_num_queries):
    for i in range(5):
        submit(actor=city.users["resident"], description=f"第{i}件")
    client = client_for("resident")
    client.get("/cases/mine/")
    with django_assert_max_num_queries(8):
        client.get("/cases/mine/")
