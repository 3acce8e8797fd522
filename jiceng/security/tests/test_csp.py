"""Issue 10, item 3: a site-wide Content-Security-Policy that runs only the platform's own scripts.

An injected `<script>` or `onerror=` does not run: the policy has no 'unsafe-inline' for scripts, no
template carries inline script (so the policy can stay strict), and every page works under it in
Chromium without a single policy violation.
"""

import re
from pathlib import Path

import pytest

from jiceng.conftest import browser_login, build_city

ROOT = Path(__file__).resolve().parents[2]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_every_page_answers_with_a_policy_that_allows_only_own_scripts(client):
    for url in ("/accounts/login/", "/cases/report/", "/api/v1/docs"):
        policy = _policy(client.get(url))
        assert policy["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy.get("style-src-elem", []) and "'unsafe-eval'" not in policy["script-src"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
STYLE_BLOCK = re.compile(r"<style[\s>]", re.I)


def test_no_template_carries_inline_script_handlers_or_style_blocks():
    """What the policy would refuse in the browser is refused here first, for every app's templates."""
    problems = []
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (HANDLER, "event handler attribute"),
                              (JS_URL, "javascript: URL"), (STYLE_BLOCK, "<style> block")):
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {what}: {m.group(0)[:60]}")
    assert problems == []


def test_no_static_script_builds_html_from_strings():
    """Our own scripts put text in the DOM with textContent or DOM nodes, never innerHTML and friends."""
    risky = re.compile(r"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write")
    problems = []
    for path in sorted(ROOT.rglob("static/**/*.js")):
        if "leaflet" in path.parts or "plotly" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if risky.search(line):
                problems.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}")
    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_runs_under_the_policy_without_a_violation(page):
    """Every page of the nav bar, every map and chart page, the public pages and the API docs, in
    Chromium: no console error (a policy violation is one), no script error."""
    from jiceng.cases.models import Category
    from jiceng.cases.services import case_submit
    from jiceng.network import routing

    routing.reset_index()
    city = build_city()
    case, _ = case_submit(actor=None, category=Category.objects.get(code="E0101"), lat=36.05, lng=111.42,
                          description="楼下垃圾堆放多日无人清理", source="api")
    problems = []
    page.on("pageerror", lambda e: problems.append(f"{page.url}: script error: {e}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"{page.url}: {m.text}"))

    def visit(url, wait="main"):
        page.goto(url)
        page.wait_for_selector(wait, state="attached")
        page.wait_for_load_state("networkidle")

    visit("/cases/report/", "#pin .leaflet-pane")
    visit(f"/cases/follow/{case.code}/", "main")
    visit("/api/v1/docs", "#swagger-ui .info")
    browser_login(page, "city_admin", "pass-city_admin")
    page.wait_for_load_state("networkidle")
    nav = [href for href in page.locator("header nav a").evaluate_all("els => els.map(e => e.getAttribute('href'))")]
    assert len(nav) >= 3
    for href in nav:
        visit(href)
    visit(f"/cockpit/?unit={city.county.code}", "#chart-scores .main-svg")
    visit(f"/cockpit/?unit={city.county.code}&wall=1", "#chart-months .main-svg")
    visit(f"/network/?unit={city.community.code}", "#grid-map[data-loaded]")
    visit(f"/network/grids/{city.grid.code}/")
    visit("/cases/desk/", "#map .leaflet-pane")
    visit(f"/cases/{case.code}/", "#case-map .leaflet-pane")
    visit("/cases/patrol/", "#pin .leaflet-pane")
    visit("/cases/hotline/")
    page.select_option("select[name=language]", "en")  # the language switch: no inline handler needed
    page.wait_for_selector("html[lang=en]")
    assert problems == []
    assert page.outside_requests == []
