"""Every numeric or date input of the API and of the pages has a sensible range (issue 18, item 12).

The OpenAPI document is walked: every integer or number field of a request body or parameter needs a minimum
and a maximum, every date or date-time a formatMinimum and formatMaximum (`core/fields.py`). Every page
form's integer, float, decimal and date field needs the same (`core/forms.py`).
"""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from hypothesis import given
from hypothesis import strategies as st

from jiceng.core import ranges
from jiceng.core.errors import ValidationFailed
from jiceng.core.forms import DayField, MomentField, PercentField, WeightField


def _openapi():
    from jiceng.api import api
    return api.get_openapi_schema()


def _unbounded(schema, where, components, seen, out):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _unbounded(components[name], name, components, seen, out)
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            _unbounded(sub, where, components, seen, out)
    kind, fmt = schema.get("type"), schema.get("format")
    if fmt in ("date", "date-time"):
        if "formatMinimum" not in schema or "formatMaximum" not in schema:
            out.append(where)
    elif kind in ("integer", "number"):
        low = "minimum" in schema or "exclusiveMinimum" in schema
        high = "maximum" in schema or "exclusiveMaximum" in schema
        if not (low and high):
            out.append(where)
    if kind == "array" and "items" in schema:
        _unbounded(schema["items"], where + "[]", components, seen, out)
    for name, sub in schema.get("properties", {}).items():
        _unbounded(sub, f"{where}.{name}", components, seen, out)
    if isinstance(schema.get("additionalProperties"), dict):
        _unbounded(schema["additionalProperties"], where + "{}", components, seen, out)


def test_every_numeric_or_date_input_of_the_api_has_a_minimum_and_a_maximum():
    doc = _openapi()
    components, seen, out = doc["components"]["schemas"], set(), []
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            for p in op.get("parameters", []):
                _unbounded(p.get("schema", {}), f"{method.upper()} {path} ?{p['name']}", components, seen, out)
            for media in (op.get("requestBody") or {}).get("content", {}).values():
                _unbounded(media["schema"], f"{method.upper()} {path} body", components, seen, out)
    assert out == [], "inputs without a range (use jiceng/core/fields.py):\n" + "\n".join(out)


def test_the_walk_finds_an_unbounded_field():
    """The check above can fail: a plain int, float and date are each reported."""
    out = []
    _unbounded({"properties": {"n": {"type": "integer"}, "x": {"type": "number", "minimum": 0},
                               "d": {"type": "string", "format": "date"}}}, "S", {}, set(), out)
    assert out == ["S.n", "S.x", "S.d"]


def _page_forms():
    for cfg in apps.get_app_configs():
        if not cfg.name.startswith("jiceng."):
            continue
        for module in ("forms", "views"):
            try:
                mod = importlib.import_module(f"{cfg.name}.{module}")
            except ImportError:
                continue
            for name, cls in inspect.getmembers(mod, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == mod.__name__:
                    yield f"{mod.__name__}.{name}", cls


def test_every_numeric_or_date_field_of_a_page_form_has_a_range():
    out = []
    for name, cls in _page_forms():
        for field_name, field in cls.base_fields.items():
            if isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
                if field.min_value is None or field.max_value is None:
                    out.append(f"{name}.{field_name}")
            elif isinstance(field, forms.DateField | forms.DateTimeField):
                if not isinstance(field, DayField | MomentField):
                    out.append(f"{name}.{field_name}")
    assert out == [], "form fields without a range (use jiceng/core/forms.py):\n" + "\n".join(out)


# --- the three inputs the issue names, in the service checks and the form fields -------------------------

@pytest.mark.parametrize("day", [datetime.date(4, 1, 1), datetime.date(1999, 12, 31), datetime.date(2101, 1, 1)])
def test_a_date_outside_2000_to_2100_is_refused_with_a_message(day):
    with pytest.raises(ValidationFailed) as e:
        ranges.check_day(day, field="deadline")
    assert e.value.field == "deadline" and "2000-01-01" in str(e.value.message)
    with pytest.raises(forms.ValidationError):
        DayField().clean(day.isoformat())


@pytest.mark.parametrize("value", [68100554861044950, 0, -1, 1000.01, 0.001, float("inf"), float("nan"), True])
def test_a_weight_outside_0_to_1000_or_too_fine_is_refused(value):
    with pytest.raises(ValidationFailed) as e:
        ranges.check_weight(value)
    assert e.value.field == "weight"
    with pytest.raises(forms.ValidationError):
        WeightField().clean(str(value))


@pytest.mark.parametrize("value", [3.4e-169, -0.01, 100.01, 12.345, 1e308])
def test_a_percentage_outside_0_to_100_or_with_more_than_two_decimals_is_refused(value):
    with pytest.raises(ValidationFailed) as e:
        ranges.check_percent(value)
    assert e.value.field == "progress"
    with pytest.raises(forms.ValidationError):
        PercentField().clean(repr(value))


@given(st.integers(min_value=0, max_value=10_000))
def test_every_percentage_with_two_decimals_is_taken_as_given(hundredths):
    value = float(f"{hundredths // 100}.{hundredths % 100:02d}")
    assert ranges.check_percent(value) == value
    assert PercentField().clean(f"{hundredths // 100}.{hundredths % 100:02d}") == value


@given(st.floats(min_value=0, max_value=100).filter(lambda v: round(v, 2) != v))
def test_no_percentage_with_more_than_two_decimals_gets_through(value):
    with pytest.raises(ValidationFailed):
        ranges.check_percent(value)


@given(st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)))
def test_a_day_is_taken_exactly_when_it_lies_in_2000_to_2100(day):
    inside = datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 12, 31)
    try:
        ranges.check_day(day, field="due")
        taken = True
    except ValidationFailed:
        taken = False
    assert taken == inside
