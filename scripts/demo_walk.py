"""Walk the Done-when journeys of issues 11, 13, 14 and 18 in Chromium on the running demo city.

    make demo > demo.log 2>&1 &        # the demo city, served at http://127.0.0.1:8000
    .venv/bin/python scripts/demo_walk.py --base http://127.0.0.1:8000 --log demo.log [--shots DIR]
                                          [workforce] [funds] [ballot] [onecore] [neworgs]
                                          [report] [grid] [dispatch] [chase] [call] [wall] [finish15]

Each journey logs in as the demo personas (password = user name) and uses the pages only, as the people
would: the county recruits on the recruitment page, the street records its checklist and prepares the
payroll, the county approves it and downloads the bank sheet, the resident votes on a phone with the SMS
code the console gateway printed into the server's log. Two things are read from the demo database
because the people themselves know them and the pages rightly never show them: a resident's own phone
numbers (to ask for the SMS code) and, after voting, that the ballot paper table has no column that could
link a household to its choice. Nothing is written to the database except through the pages.

Issue 18's journeys: a resident reports pin first with a photo on a phone, follows and rates the case; the
grid worker takes a case on a phone with one primary button a step; the community worker dispatches to a
department of their choice; the street chases up (催办) a supervision card; the community issues a wartime
call on a page and the member accepts the offer from the in-app list on a phone (where the member lives is
read from the demo to put the post there); the wall display refreshes a figure in place after a report.
Every page any journey loads is checked (watch_pages): no English words or internal keys in the visible
zh-Hans text outside LATIN_ALLOWED, and at 390×844 no page wider than the screen; a finding fails the journey.

The journeys change the demo city as its users would (a recruited worker, a raised budget, a closed
ballot, a decided matter, a registered courier station, reported cases, a wartime call); run it on a fresh
`make demo`. It prints what
it saw, one JSON line at the end, and exits 1 when a journey fails. Screenshots go to --shots.
"""

import argparse
import datetime
import io
import json
import os
import re
import sys
import time
import traceback
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
os.environ.setdefault("JICENG_DEMO", "1")
# The read-only look-ups below run while Playwright's sync API holds an event loop in this thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
DESK, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
TIMEOUT_MS = 30_000  # a page's wait; --timeout raises it on a loaded machine
# The demo personas' units (jiceng/people/demo.py: the first street of the first county, its first community).
CITY, COUNTY, STREET, COMMUNITY = "141000", "141002", "141002001", "141002001001"


class Walk:
    def __init__(self, browser, base: str, shots: Path | None):
        self.browser, self.base, self.shots = browser, base.rstrip("/"), shots
        self.host = urlparse(base).netloc
        self.outside: list[str] = []
        self.seen: list[str] = []
        self.pages: list = []
        self.findings: dict[tuple, str] = {}  # (issue, url, detail) -> text: see watch_pages
        self.checked: set[str] = set()

    def page(self, user: str, viewport=DESK):
        context = self.browser.new_context(base_url=self.base, locale="zh-CN", viewport=viewport,
                                           accept_downloads=True)
        watch_pages(self, context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        self.pages.append(page)
        page.on("request", lambda r: None if urlparse(r.url).netloc in ("", self.host) or r.url.startswith(
            ("data:", "blob:", "about:")) else self.outside.append(r.url))
        if user:
            page.goto("/accounts/login/")
            page.fill("#id_username", user)
            page.fill("#id_password", user)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            assert "/accounts/login/" not in page.url, f"{user} could not log in"
        return page

    def saw(self, text: str):
        self.seen.append(text)
        print("  ·", text, flush=True)

    def shot(self, page, name: str):
        if self.shots:
            page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)


# --- Every page the walk visits (issue 18): no raw English or internal keys in zh-Hans, no sideways scroll --

# Latin words that are right in a Chinese page, each for a reason: product and standard names people know by
# them (Open311 is the standard the city's API speaks; Excel the sheets they import and download; API the
# developers' page), file formats and units, the legend of the base map (Leaflet, OpenStreetMap), and
# "English" in the language switch (every language is named in itself there).
# Codes are never flagged: those that mix letters and digits (categories E0101, credit codes 91…MA…), and a
# case's code and follow secret, 10 or 12 capitals and digits of the cases' CODE_ALPHABET (which may be all
# letters); single letters are grades (A–D) and building parts.
LATIN_ALLOWED = {"api", "open311", "excel", "xlsx", "csv", "pdf", "png", "jpg", "jpeg", "sms", "km", "kg", "mb",
                 "kb", "gb", "leaflet", "openstreetmap", "osm", "gis", "id", "qr", "url", "http", "https", "json",
                 "english"}
LATIN_TOKEN = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?:[._-][A-Za-z0-9]+)*")
CASE_CODE = re.compile(r"[2-9A-HJ-NP-Z]{10}|[2-9A-HJ-NP-Z]{12}")
PAGE_CHECK_JS = """(() => {
  if (window.top !== window) return;
  const check = () => {
    if (document.contentType !== 'text/html' || !document.body || !window.__jcPageCheck) return;
    const root = document.scrollingElement || document.documentElement;
    let overflow = null;
    if (window.innerWidth <= 400 && root.scrollWidth > window.innerWidth) {
      const wide = [...document.body.querySelectorAll('*')].filter(
        el => el.getBoundingClientRect().right > window.innerWidth + 1 && el.getBoundingClientRect().width > 0);
      const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      overflow = [root.scrollWidth, window.innerWidth, wide.slice(0, 4).map(name).join(' > ')];
    }
    const zh = (document.documentElement.lang || '').toLowerCase().startsWith('zh');
    window.__jcPageCheck({url: location.pathname + location.search, overflow,
                          text: zh ? document.title + '\\n' + document.body.innerText : ''});
  };
  window.addEventListener('load', () => { setTimeout(check, 300); setTimeout(check, 2500); });
})();"""


def latin_words(text: str) -> list[tuple[str, str]]:
    """The Latin words of a zh-Hans page's visible text that are not Chinese UI: English words and internal
    keys (snake_case, dotted names such as cases.response_rate), each with its context."""
    out = []
    for m in LATIN_TOKEN.finditer(text):
        word = m.group(0)
        key = "_" in word or re.search(r"[a-z]\.[a-z]", word)
        if not key and (len(word) == 1 or any(c.isdigit() for c in word) or word.lower() in LATIN_ALLOWED
                        or CASE_CODE.fullmatch(word)):
            continue
        if not key and re.fullmatch(r"[A-Z]{1,2}\d*", word):
            continue
        out.append((word, text[max(0, m.start() - 25):m.end() + 25].replace("\n", " ⏎ ")))
    return out


def watch_pages(walk, context):
    """Every document the walk's pages load, once loaded (and again 2.5 s later, after its scripts drew maps
    and tables), reports its visible text and its width: raw English or internal keys in zh-Hans and, at
    390×844, a page wider than the screen are findings; the journey fails on any."""

    def report(_source, data):
        walk.checked.add(data["url"].split("?")[0])
        if data.get("overflow"):
            width, screen, culprit = data["overflow"]
            walk.findings.setdefault(("sideways", data["url"].split("?")[0], culprit),
                                     f"{data['url']}: {width} px wide on a {screen} px phone ({culprit})")
        for word, context_text in latin_words(data.get("text") or ""):
            walk.findings.setdefault(("latin", data["url"].split("?")[0], word),
                                     f"{data['url']}: {word!r} in …{context_text}…")

    context.expose_binding("__jcPageCheck", report)
    context.add_init_script(PAGE_CHECK_JS)


def local_today() -> datetime.date:
    """Today where the city is (settings.TIME_ZONE, Asia/Shanghai): the date the server stamps."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    return datetime.datetime.now(ZoneInfo(settings.TIME_ZONE)).date()


def number(text: str) -> Decimal:
    """A figure as the page shows it (thousands separators, a % sign, a unit) as a number."""
    match = re.search(r"-?[\d,]+(?:\.\d+)?", text.replace("，", ","))
    assert match, f"no number in {text!r}"
    return Decimal(match.group(0).replace(",", ""))


def figure(page, key: str) -> str:
    return page.inner_text(f'.figure[data-key="{key}"] .value').strip()


def bank_matches_slips(page, run_url: str) -> tuple[int, Decimal]:
    """Download an approved run's bank sheet and open every line's pay slip: the same amounts, to the fen,
    and their sum is the run's total."""
    from openpyxl import load_workbook

    page.goto(run_url)
    with page.expect_download() as info:
        page.click("#bank-sheet")
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).worksheets[0]
    bank = sorted(Decimal(str(row[3])).quantize(Decimal("0.01")) for row in list(sheet.iter_rows(values_only=True))[1:]
                  if row and row[1])
    run_total = number(page.inner_text("#run-total"))
    links, page_no = [], 1
    while True:
        page.goto(f"{run_url}?page={page_no}")
        links += [a.get_attribute("href") for a in page.locator("table.list a[href*='/payslips/']").all()]
        if page.locator(".pager a", has_text="›").count() == 0:
            break
        page_no += 1
    slips = []
    for href in links:
        page.goto(href)
        slips.append(Decimal(page.get_attribute("[data-total]", "data-total")).quantize(Decimal("0.01")))
    assert bank == sorted(slips), (len(bank), len(slips))
    assert sum(bank) == run_total, (sum(bank), run_total)
    return len(bank), run_total


# --- Issue 11: the community workforce ---------------------------------------------------------------------

def walk_workforce(w: Walk):
    from jiceng.core.pii import id_check_digit

    keys = ["professional_community_workers", "professional_workers_as_secretary",
            "professional_workers_in_two_committees", "two_committee_average_age",
            "secretary_director_one_shoulder_rate", "streets_fully_configured"]
    admin = w.page("demo-admin")
    admin.goto(f"/cockpit/?unit={CITY}")
    values = {k: figure(admin, k) for k in keys}
    w.saw(f"cockpit at the city: {values}")
    w.shot(admin, "11-cockpit")

    # The county recruits a worker on the recruitment page: the cockpit's count moves.
    county = w.page("demo-county")
    county.goto(f"/workforce/new/?unit={COMMUNITY}")
    body = f"14100219950{1 + int(time.time()) % 9}0712{int(time.time() * 10) % 10}"  # born 1995, months 01–09
    body = body[:17].ljust(17, "1")
    county.fill("#id_community", COMMUNITY)
    county.fill("#id_name", "王晓燕")
    county.fill("#id_id_number", body + id_check_digit(body))
    county.fill("#id_phone", "13934567890")
    county.select_option("#id_post", "other")
    county.select_option("#id_channel", "open")
    county.fill("#id_hire_date", local_today().isoformat())
    county.select_option("#id_education", "bachelor")
    county.select_option("#id_qualification", "junior")
    county.click("form.card button")
    county.wait_for_url("**/workforce/workers/*/")
    worker_url = urlparse(county.url).path
    w.saw(f"the county recruited 王晓燕: {worker_url}")
    admin.reload()
    after = figure(admin, "professional_community_workers")
    assert number(after) == number(values["professional_community_workers"]) + 1, (values, after)
    w.saw(f"professional_community_workers {values['professional_community_workers']} → {after}")

    # The community uses: its worker's page explains the grade step by step.
    community = w.page("demo-community")
    community.goto(f"/workforce/?unit={COMMUNITY}")
    link = community.locator("a[href^='/workforce/workers/']").first
    link.click()
    community.wait_for_selector("#grade-steps li")
    steps = community.locator("#grade-steps li")
    assert steps.count() >= 1 and community.inner_text("#worker-grade").strip()
    w.saw(f"worker page {urlparse(community.url).path}: grade {community.inner_text('#worker-grade').strip()!r}, "
          f"{steps.count()} steps, first: {steps.nth(0).inner_text()[:80]!r}")
    w.shot(community, "11-worker-grade")

    # A street without its veterans' service station is on the county's gap list, and leaves it when restored.
    street = w.page("demo-street")
    street.goto(f"/workforce/streets/?unit={STREET}")
    form = street.locator(f"#street-{STREET} form")
    form.locator("[name=item]").select_option("veterans_station")
    if form.locator("[name=present]").is_checked():
        form.locator("[name=present]").uncheck()
    form.locator("[name=staffing]").fill("0")
    form.locator("button").click()
    street.wait_for_load_state()
    county.goto(f"/workforce/streets/?unit={COUNTY}")
    gaps = county.inner_text("#gaps")
    assert "解放路街道" in gaps and "退役军人服务保障站" in gaps, gaps
    w.saw("解放路街道 without 退役军人服务保障站 is on 尧都区's gap list")
    w.shot(county, "11-gap-list")
    admin.reload()
    configured = figure(admin, "streets_fully_configured")
    assert number(configured) == number(values["streets_fully_configured"]) - 1, configured
    w.saw(f"streets_fully_configured {values['streets_fully_configured']} → {configured}")
    street.goto(f"/workforce/streets/?unit={STREET}")
    form = street.locator(f"#street-{STREET} form")
    form.locator("[name=item]").select_option("veterans_station")
    form.locator("[name=present]").check()
    form.locator("[name=head]").fill("刘建军（站长）")
    form.locator("[name=staffing]").fill("4")
    form.locator("button").click()
    street.wait_for_load_state()
    county.goto(f"/workforce/streets/?unit={COUNTY}")
    assert "退役军人服务保障站" not in county.inner_text("#gaps")
    w.saw("the station recorded again: 解放路街道 left the gap list")

    # The street prepares this month's payroll (the demo's history holds the twelve months before it, June's
    # approved), the county approves it, its bank sheet matches the pay slips to the fen.
    month = local_today().strftime("%Y-%m")
    street.goto("/workforce/payrolls/")
    street.fill("#prepare-form input[name=street]", STREET)
    street.fill("#prepare-form input[name=month]", month)
    street.click("#prepare-form button")
    street.wait_for_url("**/workforce/payrolls/*/")
    assert "已编制" in street.inner_text("#run-status") and street.locator("#approve").count() == 0
    run_url = urlparse(street.url).path
    w.saw(f"解放路街道 prepared the payroll of {month}: {run_url}, total {street.inner_text('#run-total')}")
    county.goto(run_url)
    county.click("#approve")
    county.wait_for_load_state()
    assert "已审批" in county.inner_text("#run-status")
    w.shot(county, "11-payroll-approved")
    lines, total = bank_matches_slips(county, run_url)
    w.saw(f"bank sheet of {month}: {lines} lines, {total} yuan, each equal to its pay slip to the fen")
    # June's payroll, approved in the demo's history: its bank sheet matches its pay slips as well.
    june = datetime.date(local_today().year - (local_today().month < 6), 6, 1).strftime("%Y-%m")
    county.goto(f"/workforce/payrolls/?unit={STREET}")
    county.click(f"table.list a:text-is('{june}')")
    county.wait_for_url("**/workforce/payrolls/*/")
    assert "已审批" in county.inner_text("#run-status")
    lines, total = bank_matches_slips(county, urlparse(county.url).path)
    w.saw(f"bank sheet of {june} (approved): {lines} lines, {total} yuan, each equal to its pay slip to the fen")

    # The statistics page draws its charts.
    admin.goto(f"/workforce/statistics/?unit={CITY}")
    admin.wait_for_selector(".workforce-chart[data-drawn='1']")
    charts = admin.locator(".workforce-chart")
    drawn = sum(1 for i in range(charts.count()) if charts.nth(i).get_attribute("data-drawn") == "1"
                and charts.nth(i).locator("svg.main-svg").count())
    assert drawn == charts.count() >= 6, drawn
    w.saw(f"statistics: {drawn} charts drawn")
    w.shot(admin, "11-statistics")


# --- Issue 13: funds and asking the people ----------------------------------------------------------------

def walk_funds(w: Walk):
    year = local_today().year
    keys = ["streets_running_funds_compliant", "communities_funds_compliant", "livelihood_projects_year"]
    admin = w.page("demo-admin")
    admin.goto(f"/cockpit/?unit={CITY}")
    values = {k: figure(admin, k) for k in keys}
    w.saw(f"cockpit at the city: {values}")

    # The city's compliance table lists every unit below its standard: take a street below 800,000.
    admin.goto(f"/funds/compliance/?unit={CITY}&year={year}")
    w.shot(admin, "13-compliance-city")
    shorts = []
    for row in admin.locator("#compliance tbody tr").all():
        cells = [c.inner_text().strip() for c in row.locator("td").all()]
        if len(cells) == 6 and cells[1] == "街道" and number(cells[4]) == 800000 and number(cells[3]) < 800000:
            code = re.search(r"unit=(\d+)", row.locator("a").first.get_attribute("href")).group(1)
            shorts.append((cells[0], code, cells[3]))
    assert shorts, admin.inner_text("#compliance")[:500]

    def open_letters(county_code):
        admin.goto(f"/funds/compliance/?unit={county_code}&year={year}")
        return admin.locator("#letters tbody tr", has_text="督促提醒函").filter(has_text="办理中").count()

    # A street whose county has no open letter yet (a county gets one letter a year, open until all comply).
    street_name, street_code, budget = next((s for s in shorts if open_letters(s[1][:6]) == 0), shorts[0])
    county_code = street_code[:6]
    letters = open_letters(county_code)
    table = admin.inner_text("#compliance")
    assert street_name in table, table[:500]
    w.saw(f"{street_name} ({street_code}) has {budget} yuan of running funds: on its county {county_code}'s table")
    if letters == 0:
        admin.fill("#id_deadline", (local_today() + datetime.timedelta(days=20)).isoformat())
        admin.click("form:has(#id_deadline) button[type=submit]")
        admin.wait_for_load_state()
        assert open_letters(county_code) == 1, "no reminder letter"
        w.saw(f"a reminder letter to county {county_code} was sent from the page")
    else:
        w.saw(f"county {county_code} already has an open reminder letter")
    w.shot(admin, "13-letter")

    # The street's budget is raised on the budgets page: it leaves the table, the cockpit moves.
    admin.goto(f"/funds/budgets/?unit={street_code}&year={year}")
    admin.fill("#id_unit", street_code)
    admin.select_option("#id_fund_type", "street_running")
    admin.select_option("#id_source", "county")
    admin.fill("#id_amount", "800000")
    with admin.expect_navigation():
        admin.click("form:has(#id_amount) button[type=submit]")
    admin.goto(f"/funds/compliance/?unit={county_code}&year={year}")
    assert street_name not in admin.inner_text("#compliance")
    resolved = admin.locator("#letters tbody tr", has_text="督促提醒函").filter(has_text="办理中").count() == 0
    w.saw(f"{street_name} raised to 800,000: it left the county's table "
          f"({'its letter resolved' if admin.locator('#compliance tbody tr td[colspan]').count() and resolved else 'other units of the county still short, the letter stays open'})")
    admin.goto(f"/cockpit/?unit={CITY}")
    after = figure(admin, "streets_running_funds_compliant")
    assert number(after) == number(values["streets_running_funds_compliant"]) + 1, after
    w.saw(f"streets_running_funds_compliant {values['streets_running_funds_compliant']} → {after}")

    # The whole lifecycle in a county without a letter: the county cuts the demo street's running funds to
    # 750,000 on the budgets page; the street is on the county's table; the city sends the letter; the
    # county raises the budget back; the street leaves the table and the letter is resolved.
    county = w.page("demo-county")

    def set_running(amount: str):
        county.goto(f"/funds/budgets/?unit={STREET}&year={year}")
        county.fill("#id_unit", STREET)
        county.select_option("#id_fund_type", "street_running")
        county.select_option("#id_source", "county")
        county.fill("#id_amount", amount)
        with county.expect_navigation():
            county.click("form:has(#id_amount) button[type=submit]")

    assert open_letters(COUNTY) == 0
    county.goto(f"/funds/budgets/?unit={STREET}&year={year}")
    lines = {}
    for row in county.locator("table.list tbody tr").all():
        cells = [c.inner_text().strip() for c in row.locator("td").all()]
        if len(cells) >= 4 and cells[0].endswith(STREET) and cells[1] == "街道运转经费":
            lines[cells[2]] = number(cells[3])
    from_county, total = lines["县（市、区）"], sum(lines.values())
    w.saw(f"解放路街道's running funds {year}: {lines} = {total}")
    set_running(str(from_county - (total - 750000)))
    admin.goto(f"/funds/compliance/?unit={COUNTY}&year={year}")
    assert "解放路街道" in admin.inner_text("#compliance")
    w.saw("尧都区 cut its share so that 解放路街道 has 750,000: it is on 尧都区's compliance table")
    admin.fill("#id_deadline", (local_today() + datetime.timedelta(days=20)).isoformat())
    admin.click("form:has(#id_deadline) button[type=submit]")
    admin.wait_for_load_state()
    assert open_letters(COUNTY) == 1, "no reminder letter"
    w.saw("the city sent 尧都区 a reminder letter from the compliance page")
    w.shot(admin, "13-letter-sent")
    set_running(str(from_county))
    admin.goto(f"/funds/compliance/?unit={COUNTY}&year={year}")
    assert "解放路街道" not in admin.inner_text("#compliance")
    letter = admin.locator("#letters tbody tr", has_text="督促提醒函").filter(has_text="尧都区").first
    assert open_letters(COUNTY) == 0 and re.search(r"已\S+ \d{4}-\d\d-\d\d", letter.inner_text()), letter.inner_text()
    w.saw(f"尧都区 raised its share back to {from_county}: 解放路街道 left the table and the letter is resolved")


def _resident_phones(street_code: str, ballot_id: int):
    """Two mobile numbers registered on one household of the street that has not voted: what the two residents
    know about themselves. Read-only."""
    import django

    django.setup()
    from jiceng.consult.models.ballots import BallotParticipation
    from jiceng.core.crypto import decrypt
    from jiceng.orgs.models import Unit
    from jiceng.people.models import Person

    street = Unit.objects.get(code=street_code)
    voted = set(BallotParticipation.objects.filter(ballot_id=ballot_id).values_list("household_id", flat=True))
    by_household: dict[int, list[str]] = {}
    people = (Person.objects.filter(unit_path__startswith=street.path, household__isnull=False).exclude(phone_enc="")
              .exclude(household_id__in=voted).values_list("household_id", "phone_enc").iterator())
    seen: dict[str, int] = {}
    for household, enc in people:
        phone = decrypt(enc)
        if phone and phone.startswith("1"):
            seen[phone] = seen.get(phone, 0) + 1
            by_household.setdefault(household, []).append(phone)
    for phones in by_household.values():
        unique = [p for p in phones if seen[p] == 1]
        if len(unique) >= 2:
            return unique[0], unique[1]
    raise AssertionError("no household with two mobile numbers that has not voted")


def walk_ballot(w: Walk, log: Path):
    from jiceng.core.pii import mask_phone

    admin = w.page("demo-admin")
    admin.goto("/consult/")
    href = admin.locator("a[href^='/consult/ballots/']").first.get_attribute("href")
    ballot_id = int(re.search(r"/consult/ballots/(\d+)/", href).group(1))
    first, second = _resident_phones(STREET, ballot_id)

    phone = w.page("", viewport=PHONE)
    phone.goto(f"/consult/vote/{ballot_id}/")
    w.shot(phone, "13-vote-phone")
    boxes = phone.locator("input[name=options]")
    assert boxes.count() >= 2
    boxes.nth(0).check()
    phone.fill("#id_phone", first)
    size = log.stat().st_size
    phone.click("#code-button")
    phone.wait_for_selector("#code-sent")
    assert mask_phone(first) in phone.inner_text("#code-sent")
    masked = mask_phone(first)
    code = _sms_code(log, size, masked)
    w.saw(f"SMS code for {masked} read from the console gateway in the server log")
    phone.fill("#id_code", code)
    phone.click("#vote-button")
    phone.wait_for_selector("#vote-done")
    w.saw("the resident voted on a 390×844 phone")
    w.shot(phone, "13-voted")

    phone.goto(f"/consult/vote/{ballot_id}/")
    phone.locator("input[name=options]").nth(1).check()
    phone.fill("#id_phone", second)
    phone.click("#code-button")
    phone.wait_for_selector("#vote-error")
    assert "已经投过票" in phone.inner_text("#vote-error")
    w.saw(f"a second member of the same household: {phone.inner_text('#vote-error').strip()!r}")

    from django.db import connection

    columns = {c.name for c in connection.introspection.get_table_description(
        connection.cursor(), "consult_ballotpaper")}
    assert columns == {"id", "ballot_id", "choices"}, columns
    w.saw(f"ballot papers hold only {sorted(columns)}: nothing links a household to its choice")

    street = w.page("demo-street")
    street.goto(f"/consult/ballots/{ballot_id}/")
    street.on("dialog", lambda d: d.accept())
    street.locator("form[action$='/close/'] button").click()
    street.wait_for_load_state()
    street.goto(f"/consult/ballots/{ballot_id}/results/")
    w.shot(street, "13-results")
    winners = []
    for row in street.locator("table.list tbody tr").all():
        cells = [c.inner_text().strip() for c in row.locator("td").all()]
        if len(cells) >= 5 and cells[4] == "入选":
            winners.append(cells[1])
    assert winners, street.inner_text("main")[:500]
    street.goto(f"/funds/projects/?unit={STREET}")
    projects = street.inner_text("main")
    missing = [t for t in winners if t not in projects]
    assert not missing, missing
    w.saw(f"the ballot closed; its {len(winners)} winning projects ({'、'.join(winners)}) are livelihood projects")


# --- Issue 14: co-governance of compounds, new organizations ----------------------------------------------

def walk_onecore(w: Walk):
    community = w.page("demo-community")
    community.goto(f"/consult/communities/{COMMUNITY}/")
    codes = [re.search(r"/consult/compounds/([^/]+)/", a.get_attribute("href")).group(1)
             for a in community.locator("a[href^='/consult/compounds/']").all()]
    complete = None
    for code in codes[:40]:
        community.goto(f"/consult/compounds/{code}/")
        if community.locator("#missing").count() and community.inner_text("#missing").strip() == "无缺项。":
            complete = code
            break
    assert complete, f"no compound of {COMMUNITY} shows its whole one core, many parties"
    parts = {sel: community.inner_text(sel)[:60].replace("\n", " ") for sel in
             ("#branch", "#owners-committee", "#property", "#instructors", "#teams", "#appointments")}
    w.saw(f"compound {complete}: nothing missing; {parts}")
    w.shot(community, "14-compound")

    # A dispute case reported up to the community: opened for deliberation with both parties.
    community.goto(f"/consult/matters/?unit={COMMUNITY}")
    w.shot(community, "14-matters")
    deliberated = community.inner_text("main")
    community.goto("/cases/desk/")
    case_code = None
    for row in community.locator("tr", has_text="纠纷").all():
        for a in row.locator("a[href^='/cases/']").all():
            m = re.search(r"/cases/([0-9A-Z]{10})/$", a.get_attribute("href") or "")
            if m and m.group(1) not in deliberated:
                case_code = m.group(1)
        if case_code:
            break
    assert case_code, "no dispute reported up on the community desk that is not under deliberation yet"
    w.saw(f"on the community desk: dispute {case_code}, {row.inner_text()[:80]!r}")
    community.goto(f"/consult/matters/?unit={COMMUNITY}&case={case_code}")
    today = local_today()
    community.fill("#id_title", "楼道堆物纠纷协商")
    community.fill("#id_decide_by", (today + datetime.timedelta(days=7)).isoformat())
    community.check("#id_invite_owners_committee")
    community.check("#id_invite_property_company")
    community.click("#matter-form button[type=submit]")
    community.wait_for_url("**/consult/matters/*/")
    w.saw(f"case {case_code} opened for deliberation: {urlparse(community.url).path}")
    form = community.locator("#session-form")
    form.locator("[name=held_on]").fill(today.isoformat())
    form.locator("[name=minutes]").fill("业委会与物业到场，约定三日内清理楼道")
    names = form.locator("input[name^=party_]")
    assert names.count() >= 2
    for i in range(names.count()):
        names.nth(i).fill(["业委会主任", "物业项目经理", "居民代表"][i % 3])
    form.locator("button[type=submit]").click()
    community.wait_for_selector("#decision-form [name=session] option:nth-child(2)", state="attached")
    form = community.locator("#decision-form")
    form.locator("[name=session]").select_option(index=1)
    form.locator("[name=method]").select_option("consensus")
    form.locator("[name=text]").fill("物业三日内清理楼道堆物，业委会监督")
    deadline = (today + datetime.timedelta(days=3)).isoformat()
    form.locator("[name=actions]").fill(f"清理3号楼楼道堆物 | 物业项目经理 | {deadline}")
    form.locator("button[type=submit]").click()
    community.wait_for_selector("#decision")
    w.shot(community, "14-decision")
    community.goto(f"/cases/{case_code}/")
    status = community.inner_text("main")
    assert "已关闭" in status or "已办结" in status or "结案" in status, status[:300]
    community.goto("/cases/desk/")
    assert "清理3号楼楼道堆物" in community.content()
    w.saw("the decision closed the case; its follow-up action is on the community desk")


def walk_neworgs(w: Walk):
    from jiceng.core import codes

    desk = w.page("demo-community")
    desk.goto(f"/cockpit/?unit={COMMUNITY}")
    before = figure(desk, "new_orgs_party_org_coverage")
    desk.goto(f"/neworgs/gaps/?unit={COMMUNITY}")
    gaps_before = number(desk.inner_text("#gap-total"))

    # The grid worker stands in their grid (the phone's position: the grid's centre, read from the demo).
    import django

    django.setup()
    from jiceng.orgs.models import Unit

    here = Unit.objects.get(code=f"{COMMUNITY}001")
    grid = w.page("demo-grid", viewport=PHONE)
    grid.context.grant_permissions(["geolocation"])
    grid.context.set_geolocation({"latitude": float(here.lat), "longitude": float(here.lng)})
    grid.goto("/cases/patrol/")
    grid.click("#neworg-link")
    grid.wait_for_url("**/neworgs/new/")
    grid.fill("#id_name", "中通快递育才路站")
    grid.select_option("#id_kind", "courier_station")
    grid.fill("#id_credit_code", codes.make("91", "141002", f"MA{int(time.time()) % 1_000_000:06d}"))
    grid.fill("#id_address", "育才路18号")
    grid.click("#locate")
    grid.wait_for_function("document.getElementById('id_lat').value !== ''")
    grid.fill("#id_employees", "9")
    grid.fill("#id_party_members", "4")
    grid.click("#submit")
    grid.wait_for_selector("#gap-tag")
    w.saw(f"the grid worker registered 中通快递育才路站 (4 party members, no organization) on a phone: {grid.url}")
    w.shot(grid, "14-station-phone")

    desk.goto(f"/neworgs/gaps/?unit={COMMUNITY}")
    assert "中通快递育才路站" in desk.inner_text("#gap-list")
    assert number(desk.inner_text("#gap-total")) == gaps_before + 1
    desk.goto(f"/cockpit/?unit={COMMUNITY}")
    middle = figure(desk, "new_orgs_party_org_coverage")
    w.saw(f"on the gap list ({gaps_before} → {gaps_before + 1}); new_orgs_party_org_coverage {before} → {middle}")

    grid.select_option("#id_org_coverage", "joint")
    grid.fill("#id_branch_name", "育才路快递物流联合党支部")
    grid.click("#submit")
    grid.wait_for_selector("#org-coverage")
    assert grid.query_selector("#gap-tag") is None
    desk.goto(f"/neworgs/gaps/?unit={COMMUNITY}")
    assert "中通快递育才路站" not in desk.inner_text("#gap-list")
    desk.goto(f"/cockpit/?unit={COMMUNITY}")
    after = figure(desk, "new_orgs_party_org_coverage")
    assert number(after) > number(middle), (middle, after)
    w.saw(f"joint branch recorded: off the list; new_orgs_party_org_coverage {middle} → {after}")


# --- issue 15's Done-when: big committee, meeting from its roster, co-building, a wartime offer, Excel -----

def _finish15_person_numbers():
    """What two people know and tell the worker, read from the demo database: the demo resident's identity
    number (for the evaluation they give on a visit) and the demo member's home point (the post is put
    there, so the offer is theirs)."""
    from django.contrib.auth import get_user_model

    from jiceng.core import crypto
    from jiceng.mobilize.models import Member

    users = get_user_model().objects.select_related("person")
    resident = users.get(username="demo-resident").person
    member = Member.objects.get(person_id=users.get(username="demo-member").person_id)
    return crypto.decrypt(resident.id_number_enc), (member.lat, member.lng)


def _finish15_new_id(seed: int) -> str:
    from jiceng.core.pii import id_check_digit

    first17 = f"14100219850315{seed % 1000:03d}"
    return first17 + id_check_digit(first17)


def _go(page, locator):
    with page.expect_navigation():
        locator.click()


def walk_finish15(w: Walk):
    """A community worker, on pages alone: the community's big committee (members joining the term in office
    and the next term set up by renewal), the monthly meeting whose attendance is that roster, an agency and
    its member registered and confirmed, a need matched to a resource as a project that is checked and
    evaluated, an activity with check-in by code and credited hours; a member on a phone accepts a wartime
    offer from the in-app list; the workers' roster round-trips through Excel on its page."""
    from openpyxl import load_workbook

    from jiceng.orgs.models import BigCommittee

    today = local_today()
    resident_id, (home_lat, home_lng) = _finish15_person_numbers()
    stamp = int(time.time()) % 100000
    desk = w.page("demo-community")

    # A3: the big committee of the community, its part-time members and its terms
    desk.goto(f"/units/{COMMUNITY}/")
    _go(desk, desk.locator("#big-committee-link"))
    in_office = desk.locator("#terms tr", has=desk.locator(".tag.ok"))
    if in_office.count():
        _go(desk, in_office.first.locator("a").first)
    else:
        desk.fill("#term-form #id_term_start", today.replace(month=1, day=1).isoformat())
        desk.fill("#term-form #id_term_end", today.replace(year=today.year + 4, month=12, day=31).isoformat())
        _go(desk, desk.locator("#term-form button"))
    committee_url = desk.url
    joined = [(f"赵警官{stamp}", "police", "解放路派出所", "社区民警"),
              (f"孙经理{stamp}", "property_company", "幸福物业服务有限公司", "项目经理")]
    for name, source, org, position in joined:
        desk.fill("#member-form #id_name", name)
        desk.select_option("#member-form #id_source", source)
        desk.fill("#member-form #id_source_org", org)
        desk.fill("#member-form #id_position", position)
        _go(desk, desk.locator("#member-form button"))
        assert name in desk.inner_text("#roster"), f"{name} not on the roster"
    w.saw(f"big committee: {len(joined)} part-time members joined the term in office")
    committee = BigCommittee.objects.get(pk=int(re.search(r"/big-committees/(\d+)/", committee_url).group(1)))
    if not BigCommittee.objects.filter(unit=committee.unit, term_start__gt=committee.term_end).exists():
        desk.fill("#renew-form input[name=term_end]",
                  committee.term_end.replace(year=committee.term_end.year + 5).isoformat())
        _go(desk, desk.locator("#renew-form button"))
        w.saw(f"the next term set up by renewal: {desk.inner_text('h1')}")
    desk.goto(committee_url)

    # the monthly joint meeting: those due are the roster, nobody typed
    desk.goto(f"/meetings/?unit={COMMUNITY}")
    if desk.locator("#system-setup").count():
        _go(desk, desk.locator("#system-setup button"))
    else:
        _go(desk, desk.locator("a[href*='/meetings/systems/']").first)
    due = desk.locator("#meeting-form tr[data-member]")
    ids = [due.nth(i).get_attribute("data-member") for i in range(due.count())]
    texts = " ".join(due.all_inner_texts())
    assert all(name in texts for name, *_r in joined), "the joined members are not among those due"
    desk.fill("#meeting-form input[name=held_on]", today.isoformat())
    desk.fill("#meeting-form input[name=title]", f"大党委{today.month}月联席会议")
    desk.fill("#meeting-form textarea[name=agenda]", "小区停车整治；共建项目推进")
    for i, pk in enumerate(ids):
        desk.check(f"input[name=att_{pk}][value={'deputy' if i == 0 else 'present'}]")
    desk.fill(f"input[name=deputy_{ids[0]}]", "副所长")
    _go(desk, desk.locator("#meeting-form button"))
    assert "/meetings/" in desk.url and "副所长" in desk.inner_text("main"), "the meeting was not recorded"
    w.saw(f"meeting recorded: attendance taken on the roster's {len(ids)} members due")
    desk.goto(committee_url)
    assert desk.locator("#roster .rate").count() >= len(joined)
    w.saw(f"attendance rates on the roster: {desk.locator('#roster .rate').all_inner_texts()[:4]}")

    # C1: an agency and its member, confirmed
    desk.goto("/mobilize/")
    _go(desk, desk.locator("#cobuild-links a", has_text="报到单位"))
    agency = f"临汾市税务局第{stamp}党支部"
    desk.fill("#id_name", agency)
    desk.fill("#id_agreement_start", today.isoformat())
    desk.fill("#id_agreement_end", (today + datetime.timedelta(days=365)).isoformat())
    desk.fill("#id_commitments", "每月组织一次志愿服务")
    _go(desk, desk.locator("#agency-form button[type=submit]").first)
    _go(desk, desk.locator("button[name=confirm]"))
    assert desk.inner_text("#agency-status") == "已确认"
    _go(desk, desk.get_by_role("link", name="为该单位党员办理报到"))
    member_name = f"周晓{stamp % 97}"
    desk.fill("#id_name", member_name)
    desk.fill("#id_id_number", _finish15_new_id(stamp))
    desk.fill("#id_phone", f"139{stamp:08d}")
    desk.locator("#member-form label", has_text="驾驶").first.click()
    _go(desk, desk.locator("#member-form button[type=submit]").first)
    row = desk.locator("tr[id^=member-]", has_text=member_name).first
    _go(desk, row.locator("button[name=confirm]"))
    w.saw(f"agency {agency} and its member {member_name} registered and confirmed")

    # C2: need → resource → suggested match → set, check, evaluate
    later = (today + datetime.timedelta(days=60)).isoformat()
    _go(desk, desk.locator(".crumbs a", has_text="需求清单"))
    need = f"独居老人助餐{stamp}"
    desk.fill("#id_title", need)
    desk.select_option("#id_category", label="养老服务")
    desk.fill("#id_wanted_from", today.isoformat())
    desk.fill("#id_wanted_to", later)
    desk.fill("#id_quantity", "2")
    _go(desk, desk.locator("#need-form button[type=submit]").first)
    need_url = desk.url
    _go(desk, desk.locator(".crumbs a", has_text="资源清单"))
    resource = f"税务局送餐志愿队{stamp}"
    desk.fill("#id_title", resource)
    desk.select_option("#id_category", label="养老服务")
    desk.select_option("#id_agency", label=agency)
    desk.fill("#id_available_from", today.isoformat())
    desk.fill("#id_available_to", later)
    desk.fill("#id_capacity", "3")
    _go(desk, desk.locator("#resource-form button[type=submit]").first)
    desk.goto(need_url)
    assert resource in desk.inner_text("#suggestions"), "the resource is not suggested for the need"
    desk.locator("#project-form label", has_text=resource).click()
    _go(desk, desk.locator("#project-form button[type=submit]").first)
    assert desk.inner_text("#project-stage") == "定"
    desk.fill("#id_note", "每天中午按时送达，已回访")
    _go(desk, desk.locator("#check-form button[type=submit]").first)
    assert desk.inner_text("#project-stage") == "查"
    desk.fill("#id_id_number", resident_id)
    desk.select_option("#id_score", "5")
    desk.fill("#id_comment", "饭菜热乎")
    _go(desk, desk.locator("#evaluate-form button[type=submit]").first)
    assert desk.inner_text("#project-stage") == "评"
    w.saw(f"project set, checked, evaluated: {desk.inner_text('#project-score').strip()}")

    # C3: an activity under way, sign-up, check-in with the code shown there, check-out, hours credited
    _go(desk, desk.locator(".crumbs a", has_text="活动列表"))
    start = datetime.datetime.now() - datetime.timedelta(minutes=30)
    desk.select_option("#id_kind", label="志愿服务")
    desk.fill("#id_title", f"清洁家园{stamp}")
    desk.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    desk.fill("#id_ends_at", (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    desk.fill("#id_capacity", "10")
    _go(desk, desk.locator("#activity-form button[type=submit]").first)
    activity_url = desk.url
    desk.select_option("#id_member", label=member_name)
    _go(desk, desk.locator("#signup-form button[type=submit]").first)
    _go(desk, desk.get_by_role("link", name="显示签到码"))
    code = re.search(r"\d{6}", desk.inner_text(".figure .value")).group(0)
    desk.goto(activity_url)
    desk.select_option("#presence_member", label=member_name)
    desk.fill("#presence_code", code)
    _go(desk, desk.locator("#presence-form button[name=check-in]"))
    assert "签到成功" in desk.inner_text(".messages")
    time.sleep(40)  # the member serves a while: 40 s is 0.01 h
    desk.select_option("#presence_member", label=member_name)
    desk.fill("#presence_code", code)
    _go(desk, desk.locator("#presence-form button[name=check-out]"))
    hours = desk.inner_text(f"tr[id^=signup-]:has-text('{member_name}') .hours").strip()
    assert Decimal(hours) > 0 and hours in desk.inner_text(".messages"), f"no hours credited: {hours}"
    w.saw(f"activity: {member_name} checked in by code and out, {hours} h credited")

    # C4: wartime; a call whose post is at the member's home; the member accepts on a phone
    desk.goto("/mobilize/")
    if not desk.locator("#issue-call").count():  # peacetime: switch to wartime first
        desk.select_option("#id_mode", "wartime")
        desk.fill("#id_reason", "防汛抢险")
        _go(desk, desk.locator("#mode-form button[type=submit]"))
    _go(desk, desk.locator("#issue-call"))
    call_title = f"防汛值守{stamp}"
    desk.fill("#id_title", call_title)
    desk.fill("#id_posts-0-place", "五一路河堤")
    desk.fill("#id_posts-0-lat", f"{home_lat:.6f}")
    desk.fill("#id_posts-0-lng", f"{home_lng:.6f}")
    desk.fill("#id_posts-0-headcount", "1")
    _go(desk, desk.locator("button[name=issue]"))
    call_url = desk.url
    w.saw(f"call issued: {call_title}")
    phone = w.page("demo-member", viewport=PHONE)
    for _ in range(60):  # the offers are sent by the task worker after the commit
        phone.goto("/accounts/inbox/")
        if phone.locator(".card", has_text=call_title).count():
            break
        time.sleep(2)
    notice = phone.locator(".card", has_text=call_title).first
    _go(phone, notice.locator("a").first)
    card = phone.locator("[id^=assignment-]", has_text=call_title).first
    _go(phone, card.locator("button[name=accept]"))
    assert "已接受" in phone.locator("[id^=assignment-]", has_text=call_title).first.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    w.shot(phone, "finish15-offer-accepted")
    desk.goto(call_url.rstrip("/") + "/board/")
    w.saw(f"the member accepted on a phone; board: {desk.inner_text('#board').split(chr(10))[0]}")

    # H5: the roster of workers round-trips through Excel on its page (the county recruits)
    county = w.page("demo-county")
    county.goto(f"/workforce/?unit={COMMUNITY}")
    with county.expect_download() as info:
        county.click(".excel-links a[href^='/excel/workers/export']")
    first = Path(info.value.path()).read_bytes()
    rows = [list(r) for r in load_workbook(io.BytesIO(first)).worksheets[0].iter_rows(values_only=True)]
    _go(county, county.locator(".excel-links a[href^='/excel/workers/import']"))
    county.set_input_files("input[type=file]", files=[{"name": "workers.xlsx", "buffer": first,
                           "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    _go(county, county.locator("form.card button[type=submit]"))
    assert county.locator("#import-errors").count() == 0, county.inner_text("main")[:300]
    w.saw(f"import: {county.inner_text('.messages').strip()}")
    county.goto(f"/workforce/?unit={COMMUNITY}")
    with county.expect_download() as info:
        county.click(".excel-links a[href^='/excel/workers/export']")
    again = [list(r) for r in load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).worksheets[0]
             .iter_rows(values_only=True)]
    assert again == rows, "the roster changed on its round trip"
    w.saw(f"workers' roster round-tripped through Excel: {len(rows) - 1} rows, unchanged")


JOURNEYS = {"workforce": walk_workforce, "funds": walk_funds, "ballot": walk_ballot, "onecore": walk_onecore,
            "neworgs": walk_neworgs}


# --- Issue 18: the people's journeys ----------------------------------------------------------------------

def _grid_point(code: str = f"{COMMUNITY}001") -> dict:
    """Where a grid is (its centre, read from the demo): where the phone says it stands, as a geolocation."""
    import django

    django.setup()
    from jiceng.orgs.models import Unit

    here = Unit.objects.get(code=code)
    return {"latitude": float(here.lat), "longitude": float(here.lng)}


def _photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (120, 140, 110))
    ImageDraw.Draw(image).rectangle((80, 120, 240, 220), fill=(90, 70, 50))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


def _sms_code(log: Path, size: int, masked: str) -> str:
    for _ in range(60):
        with log.open("rb") as f:
            f.seek(size)
            tail = f.read().decode("utf-8", "replace")
        found = re.findall(rf"\[sms to {re.escape(masked)}\][^\n]*?(\d{{6}})", tail)
        if found:
            return found[-1]
        time.sleep(0.5)
    raise AssertionError(f"no SMS code for {masked} in the server's log")


def _report_on_phone(w: Walk, user: str, description: str, search: str, log: Path | None = None,
                     grid: str = f"{COMMUNITY}001") -> tuple[str, str, object]:
    """A resident reports on a 390×844 phone: the pin first (their location, in the grid), then the kind
    (searched), then a photo and the words. Returns the case code, the follow secret and the phone page."""
    phone = w.page(user, viewport=PHONE)
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation(_grid_point(grid))
    phone.goto("/cases/report/")
    order = phone.evaluate("""['#pin', '#category', '#photos', '#description'].map(
        s => document.querySelector(s).getBoundingClientRect().top)""")
    assert order == sorted(order), f"the pin does not come first: {order}"
    phone.wait_for_selector("#pin .leaflet-pane", state="attached")
    phone.click("#locate")
    phone.wait_for_function("() => document.getElementById('lat').value !== ''")
    phone.fill("#category-search", search)
    phone.locator("#category-matches button").first.click()
    category = phone.input_value("#category")
    assert category, "no kind chosen"
    phone.set_input_files("#photos", files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": _photo()}])
    phone.fill("#description", description)
    if phone.locator("#sms_code").count():  # JICENG_INTAKE_SMS_CHECK: the number confirmed by a code
        from jiceng.core.pii import mask_phone

        number = "13912345678"
        phone.fill("#phone", number)
        size = log.stat().st_size
        phone.click("#send-code")
        phone.fill("#sms_code", _sms_code(log, size, mask_phone(number)))
    w.shot(phone, "18-report-filled")
    phone.click("#submit")
    phone.wait_for_selector("#follow-secret")
    code, secret = phone.inner_text("#case-code").strip(), phone.inner_text("#follow-secret").strip()
    w.saw(f"{user or 'an anonymous resident'} reported {code} ({category}, with a photo) pin first on a phone")
    return code, secret, phone


def _act_primary(page, action: str, comment: str = "", choose=None) -> str:
    """On a case page: the next action is the one primary button (the rest folded under 更多操作); do it."""
    page.wait_for_selector(f"[data-primary][data-action={action}]")
    assert page.locator("[data-primary]").count() == 1, "more than one primary action"
    assert page.locator("[data-primary]").is_visible()
    more = page.locator("#more-actions")
    assert more.count() == 0 or not more.evaluate("d => d.open"), "the other actions are not folded away"
    label = page.inner_text("[data-primary]").strip()
    if choose:
        choose(page)
    if comment:
        page.fill("#primary-comment", comment)
    page.click("[data-primary]")
    page.wait_for_load_state()
    return label


def _take_on_phone(w: Walk, code: str) -> list[str]:
    """The grid worker, on a phone, finds the case in their queue and takes it to handled with the one
    obvious action at each step."""
    grid = w.page("demo-grid", viewport=PHONE)
    grid.goto("/cases/queue/")
    link = grid.locator(f"a[href='/cases/{code}/']")
    assert link.count(), f"{code} is not in the grid worker's queue"
    link.first.click()
    grid.wait_for_url(f"**/cases/{code}/")
    w.shot(grid, "18-grid-case")
    labels = []
    for action in ("register", "dispatch", "start", "handle"):
        labels.append(_act_primary(grid, action, "已到现场清理完毕" if action == "handle" else ""))
    grid.wait_for_selector("#case-status:has-text('已处置')")
    timeline = grid.inner_text("#timeline")
    assert "网格员" in timeline and "demo-grid" not in timeline, timeline[:400]
    w.shot(grid, "18-grid-handled")
    return labels


def walk_report(w: Walk, log: Path):
    """A resident reports with the pin first and a photo, follows the case, and rates it once it is closed."""
    stamp = datetime.datetime.now().strftime("%H%M%S")
    code, secret, phone = _report_on_phone(w, "demo-resident", f"小区门口垃圾堆放多日无人清理（{stamp}）", "垃圾", log)
    phone.goto(f"/cases/follow/{code}/")
    phone.wait_for_selector("#follow-photos img")
    phone.wait_for_function("() => document.querySelector('#follow-photos img').naturalWidth > 0")  # the photo loads
    w.saw(f"the follow page of {code} shows the photo; status {phone.inner_text('main')[:60]!r}")
    phone.goto("/cases/mine/")
    assert code in phone.inner_text("main"), "the case is not in 我的事件"
    w.shot(phone, "18-report-mine")

    labels = _take_on_phone(w, code)
    w.saw(f"the grid worker took {code} on a phone, one button at a time: {' → '.join(labels)}")
    community = w.page("demo-community")
    community.goto(f"/cases/{code}/")
    done = [_act_primary(community, "verify"), _act_primary(community, "close")]
    community.wait_for_selector("#case-status:has-text('已结案')")
    w.saw(f"the community worker: {' → '.join(done)}")

    phone.goto(f"/cases/follow/{code}/")
    assert "已到现场清理完毕" in phone.inner_text("#follow-steps")
    assert phone.inner_text("#fixed-question").strip() == "问题解决了吗？"
    phone.check("input[name=rating][value=satisfied]")
    phone.fill("#secret", secret)
    w.shot(phone, "18-report-rate")
    phone.click("#rate-form button")
    phone.wait_for_selector("#your-rating")
    w.saw(f"the resident followed {code} and rated it: {phone.inner_text('#your-rating').strip()!r}")


def walk_grid(w: Walk, log: Path):
    """A case reported in the demo grid worker's grid is taken to handled on a phone, one obvious action a step."""
    stamp = datetime.datetime.now().strftime("%H%M%S")
    code, _secret, _phone = _report_on_phone(w, "", f"楼道口暴露垃圾无人清理（{stamp}）", "垃圾", log)
    labels = _take_on_phone(w, code)
    w.saw(f"the grid worker took {code} on a 390×844 phone: {' → '.join(labels)}")


def walk_dispatch(w: Walk, log: Path):
    """The community worker dispatches a registered case to a department of their choice from the desk."""
    stamp = datetime.datetime.now().strftime("%H%M%S")
    code, _secret, _phone = _report_on_phone(w, "", f"五一路井盖松动（{stamp}）", "井盖", log)
    desk = w.page("demo-community")
    desk.goto(f"/cases/{code}/")
    _act_primary(desk, "register")
    desk.goto("/cases/desk/")
    desk.click("#status-tiles a[data-status=registered]")  # the tile filters the to-do list
    desk.wait_for_url("**status=registered**")
    desk.fill("#queue-filter input[name=q]", code)  # the to-do list is searched by code
    with desk.expect_navigation():
        desk.click("#queue-filter button")
    desk.click(f"#todo a[href='/cases/{code}/']")
    desk.wait_for_selector("[data-primary][data-action=dispatch]")
    departments = [(o.get_attribute("value"), o.inner_text().strip())
                   for o in desk.locator("#dispatch-to option[value^='dept:']").all()]
    assert departments, "no department to choose in 派遣"
    value, name = departments[-1]  # the worker's choice: not the first offered
    w.shot(desk, "18-dispatch-choose")
    _act_primary(desk, "dispatch", "请相关部门派人处理", choose=lambda p: p.select_option("#dispatch-to", value))
    desk.wait_for_selector("#dispatched-to")
    assert desk.inner_text("#dispatched-to").strip() == name, (desk.inner_text("#dispatched-to"), name)
    assert name in desk.inner_text("#timeline")
    w.saw(f"the community worker dispatched {code} to {name} (one of {len(departments)} departments offered)")
    w.shot(desk, "18-dispatched")


def walk_chase(w: Walk):
    """A street official chases up (催办) an open supervision card from the board."""
    street = w.page("demo-street")
    street.goto(f"/cases/board/?unit={STREET}")
    cards = street.locator("#cards .sup-card:has([data-action=chase])")
    assert cards.count(), "no supervision card to chase up on the street's board"
    card = cards.first
    card_id = card.get_attribute("data-card")
    code = card.locator("a[href^='/cases/']").first.inner_text().strip()
    supervisor = card.locator(".supervisor").inner_text().strip()
    action = card.locator("form").get_attribute("action")
    assert action == f"/cases/cards/{card_id}/chase/", action
    w.shot(street, "18-board-card")
    card.locator("[data-action=chase]").click()
    street.wait_for_selector(".messages, .message, [role=alert]")
    message = street.locator(".messages, .message, [role=alert]").first.inner_text().strip()
    w.saw(f"the street chased up card {card_id} (case {code}, supervised by {supervisor}): {message!r}")
    street.goto(f"/cases/{code}/")
    assert "催办" in street.inner_text("#timeline"), street.inner_text("#timeline")[:300]
    w.saw(f"case {code}'s timeline shows the 催办")
    w.shot(street, "18-chased")


def _member_home() -> dict:
    """Where the demo member lives (the registered in-service member's home): the worker puts the post
    there so that the nearest qualified member, the one who gets the offer, is them. Read-only."""
    import django

    django.setup()
    from jiceng.accounts.models import User
    from jiceng.mobilize.models import Member

    person = User.objects.get(username="demo-member").person_id
    member = Member.objects.filter(person_id=person).first()
    assert member and member.lat, "the demo member is not a registered in-service member with a home"
    return {"lat": float(member.lat), "lng": float(member.lng)}


def walk_call(w: Walk):
    """A community worker issues a wartime call on a page; the member gets the offer in the in-app list on a
    phone and accepts it; the call's board counts the seat."""
    home = _member_home()
    desk = w.page("demo-community")
    desk.goto("/mobilize/")
    if desk.locator("#issue-call").count() == 0:
        desk.select_option("#id_mode", "wartime")
        desk.fill("#id_reason", "汛期防汛值守")
        desk.click("#mode-form button[type=submit]")
        desk.wait_for_load_state()
        w.saw("the community switched to wartime on the mobilization page")
    desk.click("#issue-call")
    desk.wait_for_load_state()
    title = f"防汛值守{datetime.datetime.now():%H%M}"
    desk.fill("#id_title", title)
    desk.fill("#id_posts-0-place", "汾河东岸堤口")
    desk.locator("#call-map").click(position={"x": 120, "y": 100})
    assert desk.input_value("#id_posts-0-lat") != "", "the map did not put the place"
    desk.fill("#id_posts-0-lat", f"{home['lat']:.6f}")
    desk.fill("#id_posts-0-lng", f"{home['lng']:.6f}")
    desk.fill("#id_posts-0-headcount", "2")
    w.shot(desk, "18-call-form")
    desk.click("button[name=issue]")
    desk.wait_for_url("**/mobilize/calls/*/")
    call_url = urlparse(desk.url).path
    w.saw(f"the call {title!r} was issued on the page: {call_url}, board {desk.inner_text('#board')[:60]!r}")

    phone = w.page("demo-member", viewport=PHONE)
    notice = phone.locator(".card", has_text=title)
    for _ in range(90):  # the offers go out from the task worker
        phone.goto("/accounts/inbox/")
        if notice.count():
            break
        phone.wait_for_timeout(1000)
    assert notice.count(), "no offer in the member's in-app list"
    w.shot(phone, "18-call-inbox")
    notice.first.locator("a").first.click()
    phone.wait_for_url("**/mobilize/my-calls/")
    card = phone.locator(".card[id^=assignment-]", has_text=title).first
    card.locator("button[name=accept]").click()
    phone.wait_for_load_state()
    card = phone.locator(".card[id^=assignment-]", has_text=title).first
    assert "已接受" in card.inner_text(), card.inner_text()
    w.saw(f"the member accepted on a phone: {card.inner_text()[:80]!r}")
    w.shot(phone, "18-call-accepted")
    desk.goto(call_url.rstrip("/") + "/board/")
    board = desk.inner_text("#board")
    assert re.search(r"\b1/\d+", board), board[:200]
    w.saw(f"the board counts the seat: {board[:80]!r}")


def walk_wall(w: Walk, log: Path):
    """The wall display at 1920×1080 refreshes its figures in place: a case reported between two refreshes
    moves 今日受理 without a reload."""
    wall = w.page("demo-street", viewport={"width": 1920, "height": 1080})
    wall.goto(f"/cockpit/wall/?unit={STREET}&every=5")
    wall.wait_for_selector("#wall-chart-months .main-svg")
    value = wall.locator('.wall-figure[data-key="cases_today"] .wall-value')
    before = number(value.inner_text())
    assert wall.evaluate("document.documentElement.scrollWidth") <= 1920
    assert wall.evaluate("document.documentElement.scrollHeight") <= 1080
    wall.evaluate("window.__wallMarker = 'still here'")
    refreshed = int(wall.get_attribute("#wall", "data-refreshed") or 0)
    w.shot(wall, "18-wall-before")
    stamp = datetime.datetime.now().strftime("%H%M%S")
    code, _secret, _phone = _report_on_phone(w, "", f"路面塌陷（{stamp}）", "道路", log)
    wall.wait_for_function("n => Number(document.querySelector('.wall-figure[data-key=\"cases_today\"] .wall-value')"
                           ".textContent.replace(/,/g, '')) > n", arg=float(before), timeout=60_000)
    assert wall.evaluate("window.__wallMarker") == "still here", "the wall reloaded"
    assert int(wall.get_attribute("#wall", "data-refreshed")) > refreshed
    after = number(value.inner_text())
    wall.wait_for_function(f"() => document.getElementById('wall-cases').textContent.includes('{code}')",
                           timeout=30_000)
    w.saw(f"the wall's 今日受理 moved {before} → {after} in place after {code} was reported; the case is on its list")
    w.shot(wall, "18-wall-after")


JOURNEYS.update({"report": walk_report, "grid": walk_grid, "dispatch": walk_dispatch, "chase": walk_chase,
                 "call": walk_call, "wall": walk_wall})
# Last: finish15's member accepts a wartime post, which keeps them from the call journey's offer meanwhile.
JOURNEYS["finish15"] = walk_finish15
LOG_JOURNEYS = {"ballot", "report", "grid", "dispatch", "wall"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("journeys", nargs="*", default=[], help=" ".join(JOURNEYS))
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--log", type=Path, default=Path("demo.log"), help="the demo server's output (SMS codes)")
    parser.add_argument("--shots", type=Path)
    parser.add_argument("--timeout", type=float, default=30, help="seconds a page may take (a loaded machine)")
    args = parser.parse_args()
    global TIMEOUT_MS
    TIMEOUT_MS = int(args.timeout * 1000)
    unknown = set(args.journeys) - set(JOURNEYS)
    if unknown:
        parser.error(f"unknown journeys: {sorted(unknown)}; choose from {list(JOURNEYS)}")
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name in args.journeys or list(JOURNEYS):
            walk = Walk(browser, args.base, args.shots)
            print(f"{name}:", flush=True)
            started = time.monotonic()
            try:
                JOURNEYS[name](walk, args.log) if name in LOG_JOURNEYS else JOURNEYS[name](walk)
                assert not walk.outside, f"requests outside the platform: {walk.outside[:3]}"
                if walk.pages:  # the last page's second look (watch_pages); bindings are served while waiting
                    walk.pages[-1].wait_for_timeout(3000)
                assert not walk.findings, (f"{len(walk.findings)} page findings (English, keys, sideways scroll): "
                                           + " | ".join(sorted(walk.findings.values())))
                results[name] = {"ok": True, "seconds": round(time.monotonic() - started, 1), "saw": walk.seen,
                                 "pages_checked": len(walk.checked)}
            except Exception as exc:  # noqa: BLE001 - a journey's failure is reported and the others go on
                traceback.print_exc()
                for i, page in enumerate(walk.pages):
                    walk.shot(page, f"FAILED-{name}-{i}")
                    print(f"  page {i} at {page.url}", file=sys.stderr)
                for finding in sorted(walk.findings.values()):
                    print("  ! page finding:", finding, file=sys.stderr)
                results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:1500], "saw": walk.seen}
        browser.close()
    ok = all(r["ok"] for r in results.values())
    print(json.dumps({"name": "demo_walk", "ok": ok, "journeys": results}, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
