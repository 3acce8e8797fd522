"""Pieces shared by the API's output schemas."""

from ninja import Schema


class UnitCodeOut(Schema):
    """A row that belongs to a unit shows the unit's code (read from its `unit`), never the unit's id."""

    unit_code: str

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit.code


class UnitOut(UnitCodeOut):
    """… and the unit's name."""

    unit_name: str

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name
