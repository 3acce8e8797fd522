"""In a real browser: a community worker chooses a central household's neighbours on the grid's map (a click
ticks the household in the list beside it), and changes them later on the same map."""

import pytest

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_neighbours_are_chosen_on_the_map(page):
    from jiceng.orgs.models import Unit
    from jiceng.orgs.services import unit_create
    from jiceng.people.models import CentralHousehold

    city = build_city()
    neighbours = [unit_create(actor=None, parent=city.building, kind="household",
                              code=f"{city.building.code}{i + 2:02d}01", name=f"1单元10{i + 2}室") for i in range(2)]
    for i, household in enumerate([city.household, *neighbours]):  # points a few metres apart in the grid
        Unit.objects.filter(pk=household.pk).update(lat=36.08 + i * 0.0004, lng=111.50 + i * 0.0004)
    browser_login(page, "community_worker", "pass-community_worker")
    page.goto(f"/people/central-households/?grid={city.grid.code}")
    page.wait_for_selector("#households-map .household-dot")
    assert page.locator("#households-map .household-dot").count() == 3
    page.select_option("select[name=member]", str(city.member_person.party_membership.pk))
    page.click(f'#households-map [data-households="{neighbours[0].pk}"]', force=True)
    page.click(f'#households-map [data-households="{neighbours[1].pk}"]', force=True)
    page.click(f'#households-map [data-households="{neighbours[1].pk}"]', force=True)  # a second click unticks
    assert page.is_checked(f'#central-form input[name=households][value="{neighbours[0].pk}"]')
    assert not page.is_checked(f'#central-form input[name=households][value="{neighbours[1].pk}"]')
    page.click("#central-form button")
    page.wait_for_selector("#looked-after")
    ch = CentralHousehold.objects.get()
    assert list(ch.households.all()) == [neighbours[0]]
    page.wait_for_selector("#households-map .household-dot")
    page.click(f'#households-map [data-households="{city.household.pk}"]', force=True)
    page.click("#households-form button")
    page.wait_for_selector("#looked-after")
    assert set(ch.households.all()) == {city.household, neighbours[0]}
    assert page.outside_requests == []
