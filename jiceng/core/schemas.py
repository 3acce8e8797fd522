"""Pieces shared by the API's output schemas."""

import operator

from ninja import Schema


def related(path: str):
    """A schema resolver that reads a dotted attribute path of the row (`resolve_street_code =
    related("street.code")`), for the fields an output shows of a related row."""
    get = operator.attrgetter(path)

    def resolve(obj):
        return get(obj)

    return staticmethod(resolve)


class UnitCodeOut(Schema):
    """A row that belongs to a unit shows the unit's code (read from its `unit`), never the unit's id."""

    unit_code: str
    resolve_unit_code = related("unit.code")


class UnitOut(UnitCodeOut):
    """… and the unit's name."""

    unit_name: str
    resolve_unit_name = related("unit.name")
