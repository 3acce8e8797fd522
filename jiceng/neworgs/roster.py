"""The one roster of party-building instructors and liaisons (neworgs.Instructor): new organizations point
at it by the name written on them, consult's assignments to property companies by the person. Both write
through these helpers, inside their own service's transaction (the service checks scope and audits)."""

from jiceng.neworgs.models import Instructor


def community_path(path: str) -> str:
    """The path of the community above a grid's path (…/community/grid/ -> …/community/)."""
    return path.rsplit("/", 2)[0] + "/"


def instructors_link(orgs) -> int:
    """Point each organization's `instructor` at the roster entry of its `work_contact` in its grid's community
    (created when the community has none of that name); an organization without one points nowhere.
    Returns the roster rows created."""
    wanted = {}
    for org in orgs:
        if not org.work_contact:
            org.instructor = None
            continue
        community_id = org.grid.parent_id
        wanted.setdefault((community_id, org.work_contact), (community_path(org.grid.path), org.work_coverage))
    if not wanted:
        return 0
    found = {}
    for row in Instructor.objects.filter(unit_id__in={k[0] for k in wanted}, name__in={k[1] for k in wanted},
                                         active=True).order_by("id"):
        found.setdefault((row.unit_id, row.name), row)
    new = [Instructor(unit_id=unit_id, unit_path=path, name=name,
                      role="liaison" if work == "liaison" else "instructor")
           for (unit_id, name), (path, work) in wanted.items() if (unit_id, name) not in found]
    if new:
        Instructor.objects.bulk_create(new, batch_size=1000)
        if new[0].pk is None:  # backends without RETURNING
            new = list(Instructor.objects.filter(unit_id__in={r.unit_id for r in new},
                                                 name__in={r.name for r in new}).order_by("id"))
        for row in new:
            found.setdefault((row.unit_id, row.name), row)
    for org in orgs:
        if org.work_contact:
            org.instructor = found[(org.grid.parent_id, org.work_contact)]
    return len(new)


def instructor_for_person(*, community, person) -> Instructor:
    """The roster entry of `person` sent by `community`: theirs, else an entry of their name not yet tied to a
    person (written on a new organization), which now is; else a new one."""
    row = Instructor.objects.filter(unit=community, person=person, active=True).order_by("id").first()
    if row is None:
        row = (Instructor.objects.select_for_update()
               .filter(unit=community, name=person.name, person__isnull=True, active=True).order_by("id").first())
        if row is not None:
            row.person = person
            row.save(update_fields=["person"])
    if row is None:
        row = Instructor.objects.create(unit=community, unit_path=community.path, name=person.name[:60],
                                        person=person)
    return row


def instructors_for_people(pairs) -> dict:
    """`instructor_for_person` for many (community, person) pairs at once (bulk writers, the demo), in a few
    queries: {(unit id, person id): Instructor}."""
    wanted = {}
    for community, person in pairs:
        wanted.setdefault((community.pk, person.pk), (community, person))
    if not wanted:
        return {}
    units, people = {k[0] for k in wanted}, {k[1] for k in wanted}
    out = {}
    for row in Instructor.objects.filter(unit_id__in=units, person_id__in=people, active=True).order_by("id"):
        out.setdefault((row.unit_id, row.person_id), row)
    named = {}
    missing = {k: v for k, v in wanted.items() if k not in out}
    if missing:
        for row in Instructor.objects.filter(unit_id__in={k[0] for k in missing}, person__isnull=True, active=True,
                                             name__in={p.name for _c, p in missing.values()}).order_by("id"):
            named.setdefault((row.unit_id, row.name), row)
    claimed, new = [], []
    for key, (community, person) in missing.items():
        row = named.pop((community.pk, person.name), None)
        if row is not None:
            row.person_id = person.pk
            claimed.append(row)
            out[key] = row
        else:
            new.append(Instructor(unit_id=community.pk, unit_path=community.path, name=person.name[:60],
                                  person_id=person.pk))
    Instructor.objects.bulk_update(claimed, ["person"], batch_size=1000)
    if new:
        Instructor.objects.bulk_create(new, batch_size=1000)
        if new[0].pk is None:  # backends without RETURNING
            new = list(Instructor.objects.filter(unit_id__in=units, person_id__in=people).order_by("id"))
        for row in new:
            out.setdefault((row.unit_id, row.person_id), row)
    return out
