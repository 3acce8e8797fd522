"""Query counts pinned on the list pages of the registry (list_pages.py) whose app does not pin them
itself: an N+1 or an added round trip fails here with the statements listed. Opened as the city
administrator (the widest area), after one warm-up request (per-process caches filled)."""

import pytest

from jiceng.core.testing import assert_queries
from jiceng.core.tests.list_pages import LIST_PAGES

# route name -> URL -> queries; the other list pages are pinned in their app's tests:
# people:list, people:central_households, orgs:party_orgs, orgs:unit (community), cases:desk, cases:queue,
# accounts:notifications, neworgs:home, neworgs:gaps, meetings:home, projects:home, consult:matters,
# mobilize:home, mobilize:cobuild_* (test_cobuild_pages.py) (grep assert_queries in jiceng/<app>/tests).
PINNED = {
    "/units/{city_code}/": 8,
    "/units/{building}/": 10,
    "/network/integrity/{city_code}/": 11,
    "/network/integrity/{street}/": 12,
    "/cases/board/?unit={city_code}": 9,
    "/cases/board/?unit={street}": 9,
    "/projects/assessments/": 4,
    "/workforce/": 8,
    "/workforce/seats/": 5,
    "/workforce/payrolls/": 5,
    "/funds/budgets/?unit={community}": 12,
    "/funds/spending/?unit={community}": 10,
    "/funds/projects/?unit={community}": 5,
    "/stations/": 5,
}


def test_every_pinned_page_is_a_registered_list_page():
    registered = {url for templates in LIST_PAGES.values() for url in templates}
    assert set(PINNED) <= registered


@pytest.mark.parametrize("template", sorted(PINNED))
def test_list_page_query_count(city, client_for, template):
    client = client_for("city_admin")
    url = template.format(city_code=city.city.code, street=city.street.code, community=city.community.code,
                          grid=city.grid.code, building=city.building.code)
    assert client.get(url).status_code == 200
    with assert_queries(PINNED[template], label=url):
        response = client.get(url)
    assert response.status_code == 200
