"""The people list pages by keyset (residents first, then unit path and id) with its total from the
unit tallies: walking the pages forward and back visits every person in scope once, in order."""

import re

import pytest

from jiceng.orgs.services import unit_create
from jiceng.people import selectors
from jiceng.people.services import person_create


@pytest.fixture
def crowded(city):
    """Two more households in grid G1 and one in the other street; residents and non-residents mixed."""
    b = city.building
    h2 = unit_create(actor=None, parent=b, kind="household", code=b.code + "0102", name="1单元102室")
    h3 = unit_create(actor=None, parent=b, kind="household", code=b.code + "0201", name="2单元201室")
    for i, (household, resident) in enumerate([(h2, True), (h3, True), (h2, False), (city.household, True),
                                               (h3, False), (h2, True), (city.household2, True),
                                               (h3, True), (h2, True)]):
        person_create(actor=None, household=household, name=f"居民{i}", gender="M", is_resident=resident)
    return city


def _walk(user, size, **kw):
    page = selectors.people_page(user=user, size=size, **kw)
    pages = [page]
    while page.after:
        page = selectors.people_page(user=user, size=size, after=page.after, first=page.last + 1, **kw)
        pages.append(page)
    return pages


@pytest.mark.parametrize("persona", ["city_admin", "street_official", "grid_worker", "resident"])
def test_pages_forward_visit_everyone_in_scope_once_in_list_order(crowded, persona):
    user = crowded.users[persona]
    expected = list(selectors.people_search(user=user))
    pages = _walk(user, 2)
    seen = [p for page in pages for p in page.people]
    assert seen == expected
    assert [p.is_resident for p in seen] == sorted((p.is_resident for p in seen), reverse=True)
    assert all(page.total == len(expected) for page in pages)
    assert pages[0].before is None and pages[-1].after is None
    assert [page.first for page in pages] == list(range(1, len(expected) + 1, 2))


def test_pages_backward_come_back_to_the_first_page(crowded):
    user = crowded.users["city_admin"]
    expected = list(selectors.people_search(user=user))
    page = _walk(user, 3)[-1]
    back = [page.people]
    while page.before:
        page = selectors.people_page(user=user, size=3, before=page.before, first=page.first)
        back.insert(0, page.people)
    assert [p for people in back for p in people] == expected
    assert page.first == 1


def test_a_unit_and_a_search_narrow_the_list_and_its_total(crowded):
    user = crowded.users["city_admin"]
    page = selectors.people_page(user=user, unit=crowded.street2)
    assert {p.name for p in page.people} == {"王芳", "居民6"} and page.total == 2
    page = selectors.people_page(user=user, q="居民")
    assert page.total == 9 and len(page.people) == 9


def test_a_cursor_outside_the_scope_starts_from_the_first_page(crowded):
    grid_worker = crowded.users["grid_worker"]
    page = selectors.people_page(user=grid_worker, size=2, after=crowded.other_person.pk)
    assert page.first == 1 and page.before is None
    assert page.people == list(selectors.people_search(user=grid_worker)[:2])


def test_the_page_links_walk_the_list(crowded, client_for, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 5)
    client = client_for("city_admin")
    expected = [p.pk for p in selectors.people_search(user=crowded.users["city_admin"])]
    url, seen, lines = "/people/", [], []
    while url:
        html = client.get(url).content.decode()
        seen += [int(pk) for pk in re.findall(r'href="/people/(\d+)/"', html)]
        lines.append(re.search(r"(\d+)–(\d+)", html).groups())
        nxt = re.search(r'href="(\?q=&(?:amp;)?after=\d+&(?:amp;)?at=\d+)"', html)
        url = "/people/" + nxt.group(1).replace("&amp;", "&") if nxt else None
    assert seen == expected
    assert lines == [("1", "5"), ("6", "10"), ("11", "12")]
    prev = re.search(r'href="(\?q=&(?:amp;)?before=\d+&(?:amp;)?at=\d+)"', html).group(1).replace("&amp;", "&")
    html = client.get("/people/" + prev).content.decode()
    assert [int(pk) for pk in re.findall(r'href="/people/(\d+)/"', html)] == expected[5:10]
    assert "6–10" in html


def test_bad_pager_parameters_show_the_first_page(crowded, client_for):
    client = client_for("city_admin")
    for query in ("after=abc", "before=-1", "after=99999999999999999999", "at=x"):
        response = client.get(f"/people/?{query}")
        assert response.status_code == 200
        assert "1–12" in response.content.decode()
