import pytest

from jiceng.cases.models import Category


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JICENG_NOTIFY_WEBHOOK_URL = ""


@pytest.fixture(autouse=True)
def _fresh_grid_index():
    from jiceng.cases import services
    from jiceng.network import routing

    routing.reset_index()
    services._category_changed()  # a rolled-back test must not leave its categories in the cache
    yield
    routing.reset_index()
    services._category_changed()


@pytest.fixture
def cat(db):
    """暴露垃圾: grid level, 4 calendar hours."""
    return Category.objects.get(code="E0101")


# Points inside the conftest grids (square polygons): G1 = 111.40–111.45 × 36.0–36.1.
G1_POINT = (36.05, 111.42)
GB_POINT = (36.05, 111.47)
G2_POINT = (36.05, 111.55)
OUTSIDE = (30.0, 100.0)


@pytest.fixture
def submit(city, cat):
    from jiceng.cases.services import case_submit

    def make(point=G1_POINT, category=None, actor=None, **kw):
        kw.setdefault("description", "楼下垃圾堆放多日无人清理")
        kw.setdefault("source", "api")
        case, _ = case_submit(actor=actor, category=category or cat, lat=point[0], lng=point[1], **kw)
        return case

    return make
