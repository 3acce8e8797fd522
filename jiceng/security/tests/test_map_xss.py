"""Issue 10, item 4: a unit renamed to HTML shows as text on every map, in a real browser.

The attacker is anyone who can name a unit, a grid or a category (an import, an admin, a compromised
account). Every unit of the small city and the case category get a hostile name; every page with a map
or a chart is opened, every Leaflet tooltip and popup on it is opened (a script hooked into Leaflet opens
each one as it is bound), the maps are hovered, and the test fails on any dialog, any script error and
any console error (under the site's CSP an injected handler is refused with a console error).
"""

import pytest

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = "<img src=x onerror=alert(1)>"

# Opens every tooltip and popup as soon as its layer is on a map: their content is rendered then.
OPEN_ALL = """
(function () {
  var hooked = false;
  function hook(L) {
    if (hooked || !L || !L.Layer) return;
    hooked = true;
    ["bindTooltip", "bindPopup"].forEach(function (name) {
      var original = L.Layer.prototype[name];
      L.Layer.prototype[name] = function () {
        var layer = original.apply(this, arguments);
        var self = this;
        setTimeout(function () {
          if (!self._map) return;
          if (name === "bindTooltip") self.openTooltip(); else self.openPopup();
          window.__opened = (window.__opened || 0) + 1;
        }, 300);
        return layer;
      };
    });
  }
  var value;
  Object.defineProperty(window, "L", {configurable: true, get: function () { return value; },
                                      set: function (v) { value = v; hook(v); }});
})();
"""


def _watch(page):
    problems = []
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.add_init_script(OPEN_ALL)
    return problems


def _hostile_city():
    from jiceng.cases.models import Case, Category
    from jiceng.cases.services import case_submit
    from jiceng.network import routing
    from jiceng.orgs.models import Unit

    routing.reset_index()
    city = build_city()
    case, _ = case_submit(actor=None, category=Category.objects.get(code="E0101"), lat=36.05, lng=111.42,
                          description="楼下垃圾堆放多日无人清理", source="api")
    Unit.objects.exclude(kind="household").update(name=HOSTILE)
    Category.objects.filter(code="E0101").update(name=HOSTILE)
    return city, Case.objects.get(pk=case.pk)


def _visit(page, problems, url, *, wait: str, hover: str | None = None, expect_text: str | None = None,
           offset: tuple = (0, 0), click: bool = False):
    page.goto(url)
    page.wait_for_selector(wait)
    if hover:
        box = page.locator(hover).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2 + offset[0], box["y"] + box["height"] / 2 + offset[1])
        if click:  # a popup opens on a click
            page.mouse.down()
            page.mouse.up()
    page.wait_for_timeout(600)
    if expect_text:
        texts = page.locator(expect_text).all_inner_texts()
        assert any(HOSTILE in t for t in texts), (url, expect_text, texts)
    assert page.locator("img[src=x]").count() == 0, url
    assert problems == [], (url, problems)


def test_a_hostile_unit_name_is_text_on_every_map_page(page):
    city, case = _hostile_city()
    problems = _watch(page)

    # anonymous: the public phone page (the county's outline, with its name as a tooltip)
    _visit(page, problems, "/cases/report/", wait="#pin path.leaflet-interactive", hover="#pin",
           expect_text=".leaflet-tooltip")

    # anonymous: the public cases map (a published case of the hostile category: its name in the tooltip)
    from jiceng.cases.models import Category
    from jiceng.cases.services import case_submit

    case_submit(actor=None, category=Category.objects.get(code="E0101"), lat=36.051, lng=111.421,
                description="路灯不亮", source="phone", publish=True)
    _visit(page, problems, "/cases/public/", wait="#public-map .public-point", expect_text="#public-list")
    page.locator("#public-map .public-point").first.hover(force=True)
    assert any(HOSTILE in t for t in page.locator(".leaflet-tooltip").all_inner_texts())

    browser_login(page, "grid_worker", "pass-grid_worker")
    _visit(page, problems, "/cases/patrol/", wait="#pin path.leaflet-interactive", hover="#pin",
           expect_text=".leaflet-tooltip")
    _visit(page, problems, f"/cases/{case.code}/", wait="#case-map path.leaflet-interactive", hover="#case-map",
           offset=(0, 40), expect_text=".leaflet-tooltip")  # below the case's marker, over its grid
    _visit(page, problems, f"/network/grids/{city.grid.code}/", wait="main")

    page.context.clear_cookies()
    browser_login(page, "community_worker", "pass-community_worker")
    # the desk: grid outlines (tooltips) and case dots (popups with code and category)
    _visit(page, problems, "/cases/desk/", wait="#map path.leaflet-interactive", hover="#map",
           expect_text=".leaflet-tooltip, .leaflet-popup-content")
    _visit(page, problems, "/cases/queue/", wait="main")

    page.context.clear_cookies()
    browser_login(page, "city_admin", "pass-city_admin")
    _visit(page, problems, f"/network/?unit={city.community.code}", wait="#grid-map[data-loaded]",
           hover="#grid-map", click=True, expect_text=".leaflet-popup-content")
    _visit(page, problems, f"/cockpit/?unit={city.county.code}", wait="#chart-scores .main-svg", hover="#cockpit-map",
           expect_text=".cockpit-map-label")
    # the score chart's axis shows the names as the characters, not as markup
    assert HOSTILE in " ".join(page.locator("#chart-scores .xtick text").all_text_contents())
    _visit(page, problems, f"/cockpit/?unit={city.county.code}&wall=1", wait="#chart-scores .main-svg",
           hover="#cockpit-map", expect_text=".leaflet-tooltip")
    _visit(page, problems, f"/cases/board/?unit={city.street.code}", wait="main")
    assert page.outside_requests == []
