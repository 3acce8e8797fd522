"""Shared fixtures: a small city with the seven personas of the scope matrix (docs/architecture.md)."""

import datetime
import types

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from jiceng.accounts.services import grant_create, user_create
from jiceng.core.roles import Role
from jiceng.orgs import services as org_services
from jiceng.people import services as people_services

# Property tests check behaviour, not speed: no per-example deadline and no too-slow health check (a loaded CI machine is not a failure;
# timing belongs to the benchmarks).
hypothesis_settings.register_profile("jiceng", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("jiceng")

PERSONAS = ["city_admin", "street_official", "community_worker", "grid_worker", "party_member", "resident",
            "outsider"]
ID_R1 = "141002199003071230"  # a valid GB 11643 number (check digit 0)


def _box(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def build_city():
    u = org_services.unit_create
    ns = types.SimpleNamespace()
    ns.city = u(actor=None, parent=None, kind="city", code="141000", name="临汾市", geometry=_box(111.4, 36.0, 111.6, 36.2))
    ns.county = u(actor=None, parent=ns.city, kind="county", code="141002", name="尧都区",
                  geometry=_box(111.4, 36.0, 111.6, 36.2))
    ns.street = u(actor=None, parent=ns.county, kind="street", code="141002001", name="解放路街道",
                  geometry=_box(111.4, 36.0, 111.5, 36.2))
    ns.street2 = u(actor=None, parent=ns.county, kind="street", code="141002002", name="鼓楼南街道",
                   geometry=_box(111.5, 36.0, 111.6, 36.2))
    ns.community = u(actor=None, parent=ns.street, kind="community", code="141002001001", name="五一路社区",
                     geometry=_box(111.4, 36.0, 111.5, 36.1))
    ns.community2 = u(actor=None, parent=ns.street2, kind="community", code="141002002001", name="鼓楼社区",
                      geometry=_box(111.5, 36.0, 111.6, 36.1))
    ns.grid = u(actor=None, parent=ns.community, kind="grid", code="141002001001001", name="第一网格",
                geometry=_box(111.4, 36.0, 111.45, 36.1))
    ns.grid_b = u(actor=None, parent=ns.community, kind="grid", code="141002001001002", name="第二网格",
                  geometry=_box(111.45, 36.0, 111.5, 36.1))
    ns.grid2 = u(actor=None, parent=ns.community2, kind="grid", code="141002002001001", name="鼓楼第一网格",
                 geometry=_box(111.5, 36.0, 111.6, 36.1))
    ns.compound = u(actor=None, parent=ns.grid, kind="compound", code="141002001001001001", name="幸福小区")
    ns.building = u(actor=None, parent=ns.compound, kind="building", code="141002001001001001001", name="1号楼",
                    address="五一路12号幸福小区1号楼")
    ns.household = u(actor=None, parent=ns.building, kind="household", code="1410020010010010010010101",
                     name="1单元101室", address="五一路12号幸福小区1号楼1单元101室")
    ns.compound2 = u(actor=None, parent=ns.grid2, kind="compound", code="141002002001001001", name="鼓楼小区")
    ns.building2 = u(actor=None, parent=ns.compound2, kind="building", code="141002002001001001001", name="2号楼")
    ns.household2 = u(actor=None, parent=ns.building2, kind="household", code="1410020020010010010010201",
                      name="2单元201室")
    po = org_services.party_org_create
    ns.org_city = po(actor=None, unit=ns.city, kind="city_committee", name="中共临汾市委")
    ns.org_county = po(actor=None, unit=ns.county, kind="county_committee", name="中共尧都区委", parent=ns.org_city)
    ns.org_street = po(actor=None, unit=ns.street, kind="street_working_committee", name="解放路街道党工委",
                       parent=ns.org_county)
    ns.org_community = po(actor=None, unit=ns.community, kind="community_committee", name="五一路社区党委",
                          parent=ns.org_street)
    ns.org_grid = po(actor=None, unit=ns.grid, kind="grid_branch", name="第一网格党支部", parent=ns.org_community)
    ns.org_street2 = po(actor=None, unit=ns.street2, kind="street_working_committee", name="鼓楼南街道党工委",
                        parent=ns.org_county)
    ns.resident_person = people_services.person_create(
        actor=None, household=ns.household, name="张伟", id_number=ID_R1, phone="13912345678")
    ns.member_person = people_services.person_create(
        actor=None, household=ns.household, name="李娜", gender="F", birth_date=datetime.date(1985, 5, 1),
        phone="13800001111")
    people_services.party_membership_set(actor=None, person=ns.member_person, org=ns.org_grid, in_service=True,
                                         employer="临汾市税务局")
    ns.other_person = people_services.person_create(actor=None, household=ns.household2, name="王芳", gender="F")
    committee = org_services.big_committee_create(
        actor=None, unit=ns.community, term_start=datetime.date(2024, 1, 1), term_end=datetime.date(2028, 12, 31))
    org_services.part_time_member_add(actor=None, committee=committee, name="赵强", source="police",
                                      source_org="解放路派出所")
    ns.committee = committee

    def persona(username, role, unit, person=None):
        user = user_create(actor=None, username=username, password="pass-" + username, person=person)
        grant_create(actor=None, user=user, role=role, unit=unit)
        return user

    ns.users = {
        "city_admin": persona("city_admin", Role.CITY_ADMIN, ns.city),
        "street_official": persona("street_official", Role.STREET_OFFICIAL, ns.street),
        "community_worker": persona("community_worker", Role.COMMUNITY_WORKER, ns.community),
        "grid_worker": persona("grid_worker", Role.GRID_WORKER, ns.grid),
        "party_member": persona("party_member", Role.PARTY_MEMBER, ns.community, ns.member_person),
        "resident": persona("resident", Role.RESIDENT, ns.household, ns.resident_person),
        "outsider": persona("outsider", Role.STREET_OFFICIAL, ns.street2),
    }
    return ns


@pytest.fixture
def city(db):
    return build_city()


@pytest.fixture
def client_for(city):
    """client_for("grid_worker") -> a Django test client logged in as that persona."""

    def make(persona: str | None):
        client = Client()
        if persona is not None:
            client.force_login(city.users[persona])
        return client

    return make


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.JICENG_COCKPIT_CACHE_SECONDS = 0  # every test computes its figures (jiceng/cockpit/registry.py)
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads of a test stay in its temporary folder


# --- Browser tests: Debian's chromium driven by Playwright (never a downloaded browser) ---------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); browser tests skipped")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A browser page on the live server; any request that would leave the machine is blocked and recorded."""
    from urllib.parse import urlparse

    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    outside = []

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.outside_requests = outside
    yield pg
    context.close()


def browser_login(page, username: str, password: str):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


# Reference data that data migrations seed (a transactional test's flush deletes it): (module, function).
RESEED_MIGRATIONS = [
    ("jiceng.cases.migrations.0002_seed_categories", "seed"),
    ("jiceng.mobilize.migrations.0002_default_skills", "up"),
    ("jiceng.funds.migrations.0002_builtin_fund_types", "seed"),
    ("jiceng.stations.migrations.0002_default_amenities", "up"),
]


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool((marker is not None and marker.kwargs.get("transaction")) or any(
        name in getattr(item, "fixturenames", ()) for name in ("transactional_db", "live_server")))


@pytest.fixture(autouse=True)
def _audit_log_flushable(request):
    """Transactional tests end with a flush (DELETE on SQLite, TRUNCATE on PostgreSQL), which the
    append-only audit triggers refuse: lift them for that flush; `pytest_runtest_teardown` puts them back."""
    if not _is_transactional(request.node):
        yield
        return
    from django.db import connection

    request.getfixturevalue("_django_db_helper")
    yield
    if connection.vendor == "sqlite":
        from importlib import import_module

        mig = import_module("jiceng.core.migrations.0002_audit_append_only")
        with connection.schema_editor() as editor:
            mig.down(None, editor)
    elif connection.vendor == "postgresql":
        from importlib import import_module

        import_module("jiceng.core.migrations.0003_audit_no_truncate").allow_flush(connection)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush: restore the audit triggers and the seeded reference data,
    so the tests that follow in this process see the database as migrations left it."""
    yield
    if not _is_transactional(item) or nextitem is None:  # (after the last test the test database is gone)
        return
    from importlib import import_module

    from django.apps import apps
    from django.db import connection, transaction
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        if connection.vendor == "sqlite":
            audit = import_module("jiceng.core.migrations.0002_audit_append_only")
            with connection.schema_editor() as editor:
                audit.up(None, editor)
        else:  # PostgreSQL's flush is a TRUNCATE: only the TRUNCATE triggers were lifted
            import_module("jiceng.core.migrations.0003_audit_no_truncate").forbid_flush(connection)
        with transaction.atomic():
            for module, function in RESEED_MIGRATIONS:
                getattr(import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service-level tests read messages in English; requests still get zh-Hans via LocaleMiddleware."""
    from django.utils import translation

    with translation.override("en"):
        yield
