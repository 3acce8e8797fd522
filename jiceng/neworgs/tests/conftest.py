"""Fixtures of the new-organization registry: valid credit codes and a courier station in grid G1."""

import itertools

import pytest

from jiceng.core import codes

_serial = itertools.count(1)


def code(n: int | None = None) -> str:
    """A valid unified social credit code (a different one per call)."""
    n = next(_serial) if n is None else n
    return codes.make("91", "141002", f"MA{n:06d}")


def station_fields(**over) -> dict:
    return {"kind": "courier_station", "name": "中通快递五一路站", "credit_code": code(), "lat": 36.05, "lng": 111.42,
            "address": "五一路18号", "employees": 9, "party_members": 4, **over}


@pytest.fixture
def station(city):
    from jiceng.neworgs.services import neworg_create

    return neworg_create(actor=None, **station_fields())
