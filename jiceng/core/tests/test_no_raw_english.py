"""No raw English or internal keys: every page, as each persona that may open it (the persona matrix's real
URLs and objects), in zh-Hans, shows no Latin word outside the allow list of jiceng/core/plaintext.py
(codes, numbers, units, brand names such as Excel, API, Open311)."""

import pytest
from django.test import Client
from django.utils import translation

from jiceng.core.matrix import Check, Exempt
from jiceng.core.plaintext import english_words, visible_text
from jiceng.core.tests.test_persona_matrix import CHECKS

pytestmark = pytest.mark.django_db

# Public pages (Exempt in the matrix: no persona verdicts) that a resident opens without an account.
PUBLIC = ["/accounts/login/", "/cases/report/", "/cases/public/", "/cases/follow/NO-SUCH-CODE/",
          "/projects/showcase/", "/stations/finder/"]
# Words a page names on purpose, as the machine reads them: the HTTP header an API client sends, the
# parameter Open311 clients pass, the GeoJSON type and column names a boundary import reads.
ROUTE_ALLOWED = {
    "accounts:tokens": {"Authorization", "Bearer"},
    "cases:open311_keys": {"api_key"},
    "network:integrity": {"FeatureCollection", "code", "name", "wkt", "coordinates", "lng", "lat"},
}
# Data, not interface: the personas' user names (shown in the header as the signed-in account).
USERNAMES = {"city_admin", "street_official", "community_worker", "grid_worker", "party_member", "resident",
             "outsider"}


def _pages():
    """(route key, index) of every GET page check (not the API, not a download)."""
    out = []
    for key, entries in sorted(CHECKS.items()):
        if " " in key or isinstance(entries, Exempt):
            continue
        for i, check in enumerate(entries):
            if check.method == "GET":
                out.append((key, i))
    return out


def _english_on(response, allowed=()) -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    return english_words(visible_text(response.content.decode()), allowed=USERNAMES | set(allowed))


def _client(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies["django_language"] = "zh-hans"
    if user is not None:
        client.force_login(user)
    return client


PAGES = _pages()


@pytest.mark.parametrize(("key", "index"), PAGES, ids=[f"{k}#{i}" for k, i in PAGES])
def test_a_page_shows_no_raw_english(key, index, city):
    check: Check = CHECKS[key][index]
    with translation.override("zh-hans"):  # records the check creates (timeline notes) in the site's language
        url = check.url(city)
    found = {}
    for persona, expected in check.expect.items():
        if expected != 200 or persona == "anonymous":
            continue
        words = _english_on(_client(city.users[persona]).get(url), ROUTE_ALLOWED.get(key, ()))
        if words:
            found[persona] = sorted(set(words))
    assert not found, f"{url}: raw English in zh-Hans: {found}"


@pytest.mark.parametrize("url", PUBLIC)
def test_a_public_page_shows_no_raw_english(url, city):
    response = _client().get(url)
    assert response.status_code in (200, 404)
    assert not _english_on(response), f"{url}: {sorted(set(_english_on(response)))}"


def test_the_admin_speaks_chinese(city, admin_user):
    from django.contrib import admin

    client = _client(admin_user)
    urls = ["/admin/"] + [f"/admin/{m._meta.app_label}/" for m in admin.site._registry] + [
        f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry]
    found = {}
    for url in sorted(set(urls)):
        response = client.get(url)
        # "admin" is the account's name; Django's search_form.html writes its icon's alt="Search" untranslated
        words = [w for w in _english_on(response) if w not in ("admin", "Search")]
        if words:
            found[url] = sorted(set(words))
    assert not found, found


def test_the_walk_finds_a_planted_english_word():
    html = "<html><head><title>事件</title></head><body><h1>评估 county</h1><script>var x='ok';</script>" \
           "<p>来源 cases.response_rate · E0101 · 12 km · Excel</p><input type=hidden value='x y'></body></html>"
    assert english_words(visible_text(html)) == ["county", "cases.response_rate"]
