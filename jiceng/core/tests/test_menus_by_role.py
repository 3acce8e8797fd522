"""Menus and landing pages by role: each persona lands on its daily page and sees only the menu entries its
role uses (one rule: each app's NAV entry names a capability or audience of jiceng/core/roles.py)."""

import re

import pytest

from jiceng.core.context import nav_entries, nav_for
from jiceng.core.roles import AUDIENCES, Role, role_can

pytestmark = pytest.mark.django_db

LANDS = {
    "city_admin": "/cases/board/",
    "street_official": "/cases/board/",
    "outsider": "/cases/board/",
    "community_worker": "/cases/desk/",
    "grid_worker": "/cases/queue/",
    "party_member": "/mobilize/my-calls/",
    "resident": "/cases/mine/",
}


def _menu(client) -> list[str]:
    html = client.get("/accounts/inbox/").content.decode()
    nav = re.search(r"<nav aria-label=[^>]*>(.*?)</nav>", html, re.S).group(1)
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.parametrize("persona", sorted(LANDS))
def test_home_sends_each_role_to_its_daily_page(client_for, persona):
    response = client_for(persona).get("/")
    assert response.status_code == 302 and response["Location"] == LANDS[persona]
    assert client_for(persona).get(LANDS[persona]).status_code == 200


@pytest.mark.parametrize("persona", ["resident", "grid_worker", "city_admin"])
def test_after_login_each_role_lands_on_its_daily_page(client, city, persona):
    response = client.post("/accounts/login/", {"username": persona, "password": f"pass-{persona}"}, follow=True)
    assert response.redirect_chain[-1][0] == LANDS[persona]


def test_without_a_grant_home_falls_back_to_the_units_page(client_for, city):
    from jiceng.accounts.services import user_create

    user = user_create(actor=None, username="nobody", password="pass-nobody")
    client = client_for(None)
    client.force_login(user)
    assert client.get("/")["Location"] == "/units/"
    assert client.get("/units/").status_code == 404  # no unit to show


def test_a_resident_sees_report_and_own_reports_only(client_for):
    assert _menu(client_for("resident")) == ["/cases/report/", "/cases/mine/", "/consult/"]


def test_a_party_member_sees_calls_activities_and_meetings(client_for):
    menu = _menu(client_for("party_member"))
    assert menu[:2] == ["/cases/report/", "/cases/mine/"]
    assert {"/mobilize/my-calls/", "/mobilize/cobuild/activities/", "/meetings/"} <= set(menu)
    assert not {"/cockpit/", "/people/", "/workforce/", "/funds/", "/cases/desk/"} & set(menu)


def test_a_grid_worker_sees_the_queue_and_patrol_not_the_office(client_for):
    menu = _menu(client_for("grid_worker"))
    assert {"/cases/queue/", "/cases/patrol/", "/people/", "/network/"} <= set(menu)
    assert not {"/cockpit/", "/workforce/", "/funds/", "/cases/report/", "/cases/board/"} & set(menu)


def test_a_community_worker_sees_the_desk_and_the_office(client_for):
    menu = _menu(client_for("community_worker"))
    assert {"/cases/desk/", "/workforce/", "/funds/", "/cockpit/", "/mobilize/"} <= set(menu)
    assert not {"/cases/board/", "/cases/queue/", "/cases/report/"} & set(menu)


@pytest.mark.parametrize("persona", ["street_official", "city_admin"])
def test_officials_see_the_board_and_the_cockpit(client_for, persona):
    menu = _menu(client_for(persona))
    assert {"/cases/board/", "/cockpit/", "/cases/desk/"} <= set(menu)
    assert "/cases/mine/" not in menu


def test_every_menu_entry_opens_for_the_roles_that_see_it(client_for):
    for persona in ("city_admin", "street_official", "community_worker", "grid_worker", "party_member",
                    "resident"):
        client = client_for(persona)
        for item in nav_for(client_for(persona).get("/").wsgi_request.user):
            status = client.get(item["url"]).status_code
            assert status in (200, 302), f"{persona}: {item['url']} → {status}"


def test_a_resident_gets_no_excel_import_link(client_for, city):
    page = client_for("resident").get(f"/units/{city.household.code}/").content.decode()
    assert "/excel/" not in page
    worker = client_for("community_worker").get(f"/units/{city.community.code}/").content.decode()
    assert "/import" in worker


def test_every_nav_entry_names_a_known_capability_or_audience():
    for _name, _label, need in nav_entries():
        role_can(Role.RESIDENT, need)  # raises on an unknown name
    with pytest.raises(ValueError):
        role_can(Role.RESIDENT, "cockpitz")
    assert AUDIENCES["everyone"] == set(Role)


def test_the_menu_costs_no_query_beyond_the_grants(client_for, django_assert_max_num_queries):
    from jiceng.core.scope import user_grants

    user = client_for("grid_worker").get("/").wsgi_request.user
    user_grants(user)
    with django_assert_max_num_queries(0):
        nav_for(user)
