"""Unit tree rules, enforced by the service that writes units: kinds, codes, uniqueness, moves."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.core.scope import subtree_q
from jiceng.orgs.models import Unit
from jiceng.orgs.services import unit_create, unit_move, validate_unit_fields


def test_a_child_must_be_of_the_next_kind(city):
    with pytest.raises(ValidationFailed, match="can only contain"):
        unit_create(actor=None, parent=city.street, kind="grid", code="141002001999", name="x")


def test_a_code_must_extend_its_parents(city):
    with pytest.raises(ValidationFailed, match="does not extend"):
        unit_create(actor=None, parent=city.community, kind="grid", code="141002002001005", name="x")


def test_a_code_has_the_length_of_its_kind(city):
    with pytest.raises(ValidationFailed, match="exactly 15 digits"):
        unit_create(actor=None, parent=city.community, kind="grid", code="14100200100105", name="x")


def test_codes_are_unique(city):
    with pytest.raises(Conflict, match="already used"):
        unit_create(actor=None, parent=city.community, kind="grid", code=city.grid.code, name="again")
    assert Unit.objects.filter(code=city.grid.code).count() == 1


def test_a_move_cannot_create_a_cycle(city):
    with pytest.raises(ValidationFailed):
        unit_move(actor=None, unit=city.community, new_parent=city.community)
    with pytest.raises(ValidationFailed):
        unit_move(actor=None, unit=city.street, new_parent=city.grid)


def test_a_move_rewrites_codes_paths_and_copied_paths(city):
    moved = unit_move(actor=None, unit=city.compound, new_parent=city.grid_b)
    assert moved.code == city.grid_b.code + "001"
    household = Unit.objects.get(pk=city.household.pk)
    assert household.code.startswith(moved.code) and household.path.startswith(moved.path)
    city.resident_person.refresh_from_db()
    assert city.resident_person.unit_path == household.path


@given(st.text(alphabet="0123456789a ", min_size=0, max_size=20))
@settings(max_examples=200, deadline=None)
def test_code_validation_accepts_exactly_the_digits_that_extend(code):
    parent = Unit(kind="community", code="141002001001", path="/141000/141002/141002001/141002001001/")
    ok = len(code) == 15 and code.isdigit() and code.startswith(parent.code)
    try:
        validate_unit_fields(parent=parent, kind="grid", code=code, name="网格")
    except ValidationFailed:
        assert not ok
    else:
        assert ok


@pytest.mark.django_db
@given(moves=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=12))
@settings(max_examples=25, deadline=None)
def test_any_sequence_of_moves_keeps_the_tree_consistent(moves):
    from django.db import transaction

    with transaction.atomic():
        root = unit_create(actor=None, parent=None, kind="city", code="142000", name="c")
        county = unit_create(actor=None, parent=root, kind="county", code="142001", name="k")
        streets = [unit_create(actor=None, parent=county, kind="street", code=f"142001{i:03d}", name=f"s{i}")
                   for i in range(1, 3)]
        communities = [unit_create(actor=None, parent=streets[i % 2], kind="community",
                                   code=f"{streets[i % 2].code}{i:03d}", name=f"c{i}") for i in range(1, 4)]
        grids = [unit_create(actor=None, parent=communities[i % 3], kind="grid",
                             code=f"{communities[i % 3].code}{i:03d}", name=f"g{i}") for i in range(1, 4)]
        movable = communities + grids
        for a, b in moves:
            unit = Unit.objects.get(pk=movable[a % len(movable)].pk)
            parents = streets if unit.kind == "community" else communities
            target = Unit.objects.get(pk=parents[b % len(parents)].pk)
            try:
                unit_move(actor=None, unit=unit, new_parent=target)
            except (ValidationFailed, Conflict):
                pass
        for unit in Unit.objects.filter(subtree_q(root.path)).select_related("parent"):
            if unit.parent is None:
                continue
            assert unit.path == unit.parent.path + unit.code + "/"
            assert unit.code.startswith(unit.parent.code) or unit.parent.kind == "city"
            assert unit.depth == unit.parent.depth + 1
        transaction.set_rollback(True)
