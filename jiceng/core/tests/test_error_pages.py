"""A page that is not there, or not the user's, answers in the user's language on the site's own page
(never Django's English "Not Found"), and says nothing of whether the thing exists elsewhere."""

import pytest


@pytest.mark.django_db
def test_an_unknown_address_is_a_chinese_404_page(client):
    r = client.get("/no-such-page/")
    assert r.status_code == 404
    body = r.content.decode()
    assert "页面不存在" in body and "Not Found" not in body


def test_a_case_outside_the_users_area_is_the_same_chinese_404_as_one_that_does_not_exist(client_for):
    grid_worker = client_for("grid_worker")
    missing = grid_worker.get("/cases/NO-SUCH-CASE/")
    assert missing.status_code == 404
    assert "页面不存在" in missing.content.decode() and "Not Found" not in missing.content.decode()
    assert "返回首页" in missing.content.decode()


def test_a_server_error_is_a_chinese_page_not_djangos_english_one(rf):
    from django.utils import translation

    from jiceng.core.unavailable import server_error

    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        with translation.override("zh-hans"):  # what the locale middleware set for the request
            response = server_error(rf.get("/cockpit/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "出错了" in body and "错误已记录" in body
    assert "Server Error" not in body
