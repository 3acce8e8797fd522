"""People from and to Excel. Import columns: 姓名, 性别, 出生日期, 身份证号, 电话, 户代码. The export masks the
numbers and shows 年龄 (age) instead of 出生日期."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.audit import audit_record
from jiceng.core.errors import NotFound, ServiceError
from jiceng.core.excel import Choice, Column, Date, Registry, Table, Text
from jiceng.core.pii import age_on
from jiceng.core.scope import scope_filter, subtree_q, user_can
from jiceng.orgs.excel import scope_unit, unit_page_url
from jiceng.orgs.models import Unit
from jiceng.people.models import Person
from jiceng.people.services import people_bulk_create, pii_columns, validate_person_fields

# One Table for the import, the export and /excel/people/…: the export masks the numbers and shows the age
# (年龄) instead of the birth date, which only an import carries.
PEOPLE = Table([
    Column("name", "姓名", Text(60), required=True, get=lambda r: r[0]),
    Column("gender", "性别", Choice([("M", "男"), ("F", "女")]), get=lambda r: r[1]),
    Column("birth_date", "出生日期", Date(), aliases=("birth date",), import_only=True),
    Column("age", "年龄", get=lambda r: r[2], export_only=True),
    Column("id_number", "身份证号", Text(24), default="", aliases=("身份证号码", "identity number"),
           get=lambda r: r[3]),
    Column("phone", "电话", Text(20), default="", aliases=("手机",), get=lambda r: r[4]),
    Column("household", "户代码", Text(32), required=True, get=lambda r: r[5] or ""),
], title="人员")


def people_import(*, actor, upload, within: Unit | None = None) -> int:
    """Register the people of a sheet, all or nothing (every problem listed by row and column); with `within`
    (the unit of /excel/people/import?unit=) every household lies in its subtree."""
    rows, errors = PEOPLE.read(upload)
    header = PEOPLE.header
    codes = {r["household"] for _n, r in rows}
    households = {u.code: u for u in Unit.objects.filter(code__in=codes, kind="household")}
    seen_ids: dict[str, int] = {}
    people = []
    for number, row in rows:
        household = households.get(row["household"])
        if household is None or not user_can(actor, household.path, "write") or (
                within is not None and not household.path.startswith(within.path)):
            errors.add(number, header("household"), _("No household with the code %(code)s in your area.")
                       % {"code": row["household"]})
            continue
        try:
            name, gender, birth, norm_id, norm_phone = validate_person_fields(
                name=row["name"], gender=row["gender"], birth_date=row["birth_date"],
                id_number=str(row["id_number"] or ""), phone=str(row["phone"] or ""), household=household)
        except ServiceError as exc:
            errors.add(number, header(exc.field) or header("name"), exc.message)
            continue
        if norm_id:
            if norm_id in seen_ids:
                errors.add(number, header("id_number"), _("The same identity number is on row %(row)d.")
                           % {"row": seen_ids[norm_id]})
                continue
            seen_ids[norm_id] = number
        people.append((number, Person(name=name, gender=gender, birth_date=birth, household=household,
                                      unit_path=household.path, **pii_columns(id_number=norm_id, phone=norm_phone))))
    hashes = {p.id_number_hash: n for n, p in people if p.id_number_hash}
    # Only inside the importer's area: a number registered elsewhere is answered like an unknown one
    # (and gets a second record here), so an import cannot probe who is registered in the city.
    in_scope = scope_filter(Person.objects.filter(id_number_hash__in=list(hashes)), actor, "unit_path")
    for h in set(in_scope.values_list("id_number_hash", flat=True)):
        errors.add(hashes[h], header("id_number"), _("A person with this identity number is already registered."))
    errors.raise_if_any()
    return people_bulk_create(actor=actor, people=[p for _n, p in people], note="excel import")


def _people(user, unit: Unit):
    """The export's rows under `unit`: masked like the pages (issue 10, item 5)."""
    today = timezone.localdate()
    qs = (scope_filter(Person.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
          .order_by("unit_path", "id")
          .values_list("name", "gender", "birth_date", "id_number_masked", "phone_masked", "household__code"))
    return ((n, g, age_on(b, today), i, p, h) for n, g, b, i, p, h in qs.iterator(chunk_size=5000))


def people_export(*, user, unit: Unit) -> bytes:
    """Masked like the pages: age instead of the birth date, the last four characters of the identity
    number (issue 10, item 5). The export is recorded in the audit log."""
    if not user_can(user, unit.path, "read"):
        raise NotFound()
    with transaction.atomic():
        audit_record(actor=user, action="person.export", object_type="people.person", unit_path=unit.path,
                     changes={"unit": unit.code, "format": "xlsx"})
    return PEOPLE.export(_people(user, unit), title=unit.name)


REGISTRIES = [
    Registry("people", gettext_lazy("Residents"), PEOPLE, scope=scope_unit, rows=_people,
             importer=lambda actor, unit, upload: people_import(actor=actor, upload=upload, within=unit),
             list_url=unit_page_url),
]
