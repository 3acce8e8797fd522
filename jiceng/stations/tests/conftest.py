"""The small city of jiceng/conftest.py with building locations, a lattice walking network around the
first street's buildings, and a few positions."""

import types

import numpy as np
import pytest

from jiceng.orgs.models import Unit
from jiceng.stations import finder, walknet

LAT0, LNG0 = 36.05, 111.42  # inside grid G1 of the small city
M_LAT = 111_195.0


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JICENG_NOTIFY_WEBHOOK_URL = ""
    walknet._cache.clear()
    finder._cache.clear()
    yield
    walknet._cache.clear()
    finder._cache.clear()


def offset(north_m: float, east_m: float) -> tuple[float, float]:
    """(lat, lng) of a point north_m/east_m metres from (LAT0, LNG0)."""
    return LAT0 + north_m / M_LAT, LNG0 + east_m / (M_LAT * np.cos(np.radians(LAT0)))


def lattice(n: int = 21, step: float = 100.0) -> dict:
    """An n × n street lattice with `step` metres between crossings, centred on (LAT0, LNG0)."""
    half = (n - 1) / 2
    lats, lngs = [], []
    for r in range(n):
        for c in range(n):
            lat, lng = offset((r - half) * step, (c - half) * step)
            lats.append(lat)
            lngs.append(lng)
    eu, ev = [], []
    for r in range(n):
        for c in range(n):
            i = r * n + c
            if c + 1 < n:
                eu.append(i)
                ev.append(i + 1)
            if r + 1 < n:
                eu.append(i)
                ev.append(i + n)
    lats, lngs = np.asarray(lats), np.asarray(lngs)
    em = walknet.haversine_m(lats[eu], lngs[eu], lats[ev], lngs[ev])
    return walknet.build_arrays(lats, lngs, np.zeros(len(lats)), eu, ev, em, np.zeros(len(eu)))


@pytest.fixture
def net(city):
    return walknet.network_replace(actor=None, source="lattice", arrays=lattice())


@pytest.fixture
def placed(city, net):
    """Building 1 at the lattice centre (2 residents), a second building 900 m east with 3 residents."""
    from jiceng.orgs import services as org_services
    from jiceng.people import services as people_services

    Unit.objects.filter(pk=city.building.pk).update(lat=LAT0, lng=LNG0)
    far_lat, far_lng = offset(0, 900)
    far = org_services.unit_create(actor=None, parent=city.compound, kind="building", code="141002001001001001002",
                                   name="2号楼")
    Unit.objects.filter(pk=far.pk).update(lat=far_lat, lng=far_lng)
    hh = org_services.unit_create(actor=None, parent=far, kind="household", code="1410020010010010010020101",
                                  name="1单元101室")
    for name in ("赵一", "钱二", "孙三"):
        people_services.person_create(actor=None, household=hh, name=name, gender="F")
    return types.SimpleNamespace(city=city, far=far, far_household=hh)


ALL_WEEK = {str(d): "00:00-24:00" for d in range(8)}
