"""The bulk converters store exactly what Django's own field preparation stores."""

import datetime
import zoneinfo

import pytest
from django.db import connection

from jiceng.cases.models import Case, CaseEvent, Status
from jiceng.core.bulk import converter, insert_objects


@pytest.mark.parametrize("value", [
    datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    datetime.datetime(2026, 1, 2, 3, 4, 5, 123, tzinfo=datetime.UTC),
    datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
    None,
])
def test_datetimes_as_django_stores_them(db, value):
    field = CaseEvent._meta.get_field("at")
    assert converter(CaseEvent, "at", connection.vendor)(value) == field.get_db_prep_save(value, connection)


def test_every_case_column_as_django_stores_it(db, city):
    from jiceng.cases.models import Category

    case = Case(code="ABCDEFGHJK", category=Category.objects.get(code="E0101"), status=Status.CLOSED,
                source="phone", description="井盖破损", lat=36.05, lng=111.42, grid=city.grid,
                unit_path=city.grid.path, handler=city.grid, handler_path=city.grid.path,
                received_at=datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC))
    for f in Case._meta.concrete_fields:
        if f.primary_key:
            continue
        value = getattr(case, f.attname)
        assert converter(Case, f.name, connection.vendor)(value) == f.get_db_prep_save(value, connection), f.name
    assert insert_objects(Case, [case]) == 1
    stored = Case.objects.get(code="ABCDEFGHJK")
    assert stored.received_at == case.received_at and stored.status == "closed" and stored.grid_id == city.grid.pk
