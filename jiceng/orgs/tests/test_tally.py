"""The unit tallies stay equal to direct counts through creates, bulk creates, moves and person changes."""

from django.db.models import Count

from jiceng.core.scope import subtree_q
from jiceng.orgs.models import TALLY_KINDS, TALLY_PEOPLE, Unit, UnitTally
from jiceng.orgs.selectors import people_under, residents_count, residents_count_direct
from jiceng.orgs.services import unit_create, unit_move, units_bulk_create
from jiceng.orgs.tally import rebuild
from jiceng.people.models import Person
from jiceng.people.services import people_bulk_create, person_create, person_update


def _snapshot():
    return {t.unit_id: tuple(getattr(t, c) for c in TALLY_KINDS + TALLY_PEOPLE) for t in UnitTally.objects.all()}


def _direct(unit):
    rows = Unit.objects.filter(subtree_q(unit.path)).exclude(pk=unit.pk).values("kind").annotate(n=Count("id"))
    counts = {r["kind"]: r["n"] for r in rows}
    others = Person.objects.filter(subtree_q(unit.path, "unit_path"), is_resident=False).count()
    return tuple(counts.get(k, 0) for k in TALLY_KINDS) + (residents_count_direct(unit), others)


def test_tallies_follow_every_kind_of_write(city):
    g3 = unit_create(actor=None, parent=city.community, kind="grid", code="141002001001003", name="g3")
    c3 = unit_create(actor=None, parent=g3, kind="compound", code="141002001001003001", name="c3")
    b3 = unit_create(actor=None, parent=c3, kind="building", code="141002001001003001001", name="b3")
    households = [Unit(kind="household", code=f"{b3.code}{i:04d}", name=f"h{i}", parent=b3) for i in range(1, 6)]
    units_bulk_create(actor=None, units=households)
    people_bulk_create(actor=None, people=[Person(name=f"p{i}", gender="F", household=h, unit_path=h.path)
                                           for i, h in enumerate(households)])
    person_create(actor=None, household=households[0], name="非常住", gender="M", is_resident=False)
    people_bulk_create(actor=None, people=[Person(name="在职党员", gender="M", unit_path=city.community.path,
                                                  is_resident=False)])  # registered at the community itself
    person_update(actor=None, person=city.resident_person, household=households[1])
    person_update(actor=None, person=city.member_person, is_resident=False)
    unit_move(actor=None, unit=Unit.objects.get(pk=c3.pk), new_parent=Unit.objects.get(pk=city.grid2.pk),
              new_code="141002002001001002")
    for unit in Unit.objects.exclude(kind="household"):
        tally = UnitTally.objects.get(unit=unit)
        assert tuple(getattr(tally, c) for c in TALLY_KINDS + TALLY_PEOPLE) == _direct(unit), unit.name
    live = _snapshot()
    rebuild()
    assert _snapshot() == live
    assert residents_count(city.street2) == residents_count_direct(city.street2) == 7  # 5 + moved 张伟 + 王芳
    for unit in Unit.objects.filter(pk__in=[city.city.pk, city.street2.pk, city.community.pk, households[0].pk]):
        assert people_under([unit.path]) == Person.objects.filter(subtree_q(unit.path, "unit_path")).count() > 0
