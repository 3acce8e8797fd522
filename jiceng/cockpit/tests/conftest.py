import json
import re

import pytest

# Points inside the conftest grids (square polygons): G1 = 111.40–111.45 × 36.0–36.1.
G1_POINT = (36.05, 111.42)
GB_POINT = (36.05, 111.47)
G2_POINT = (36.05, 111.55)

# A case taken from hotline to closure by the grid and community workers of the small city.
FLOW = [("grid_worker", "register"), ("grid_worker", "dispatch"), ("grid_worker", "start"),
        ("grid_worker", "handle"), ("community_worker", "verify"), ("community_worker", "close")]


@pytest.fixture(autouse=True)
def _quiet_cases(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.JICENG_NOTIFY_WEBHOOK_URL = ""


@pytest.fixture(autouse=True)
def _fresh_grid_index():
    """Case intake finds the grid through a cached index; each test's city is new."""
    from jiceng.network import routing

    routing.reset_index()
    yield
    routing.reset_index()


@pytest.fixture
def submit(city):
    """submit(point, now=…) -> a new case of 暴露垃圾 (E0101) at that point."""
    from jiceng.cases.models import Category
    from jiceng.cases.services import case_submit

    def make(point=G1_POINT, **kw):
        kw.setdefault("description", "楼下垃圾堆放多日无人清理")
        kw.setdefault("source", "api")
        case, _ = case_submit(actor=None, category=Category.objects.get(code="E0101"), lat=point[0],
                              lng=point[1], **kw)
        return case

    return make


@pytest.fixture
def close_case(city):
    """Take a case through the whole flow and rate it."""
    from jiceng.cases.services import case_act, case_rate

    def run(case, rating="satisfied"):
        secret = getattr(case, "follow_secret", None)  # given at intake; rating needs it
        for who, action in FLOW:
            case = case_act(actor=city.users[who], case=case, action=action, version=case.version, comment="ok")
        return case_rate(case=case, rating=rating, secret=secret) if rating else case

    return run


def cockpit_data(response) -> dict:
    """The JSON the page hands to its map and charts (what the browser gets)."""
    match = re.search(r'<script id="cockpit-data" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    assert match, "the page carries no #cockpit-data"
    return json.loads(match.group(1))


def features_by_code(data: dict) -> dict:
    return {f["properties"]["code"]: f["properties"] for f in data["map"]["features"]}
