"""People from and to Excel. Import columns: 姓名, 性别, 出生日期, 身份证号, 电话, 户代码. The export masks the
numbers and shows 年龄 (age) instead of 出生日期."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit_record
from jiceng.core.errors import NotFound, ServiceError
from jiceng.core.excel import RowErrors, as_date, read_rows, require_columns, write_xlsx
from jiceng.core.pii import age_on
from jiceng.core.scope import scope_filter, subtree_q, user_can
from jiceng.orgs.models import Unit
from jiceng.people.models import Person
from jiceng.people.services import people_bulk_create, pii_columns, validate_person_fields

COLUMNS = {
    "name": ("姓名", "name"), "gender": ("性别", "gender"), "birth_date": ("出生日期", "birth_date", "birth date"),
    "id_number": ("身份证号", "身份证号码", "id_number", "identity number"), "phone": ("电话", "手机", "phone"),
    "household": ("户代码", "household"),
}
GENDER = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F", None: None, "": None}
FIELD_COLUMN = {"name": "姓名", "gender": "性别", "birth_date": "出生日期", "id_number": "身份证号", "phone": "电话",
                "household": "户代码"}


def people_import(*, actor, upload) -> int:
    rows, present = read_rows(upload, COLUMNS)
    require_columns(present, {"name": "姓名", "household": "户代码"})
    errors = RowErrors()
    codes = {str(r.get("household") or "") for _n, r in rows}
    households = {u.code: u for u in Unit.objects.filter(code__in=codes, kind="household")}
    seen_ids: dict[str, int] = {}
    people = []
    for number, row in rows:
        household = households.get(str(row.get("household") or ""))
        if household is None or not user_can(actor, household.path, "write"):
            errors.add(number, "户代码", _("No household with the code %(code)s in your area.")
                       % {"code": row.get("household")})
            continue
        gender = GENDER.get(row.get("gender"), "?")
        if gender == "?":
            errors.add(number, "性别", _("Gender is M or F."))
            continue
        try:
            birth = as_date(row.get("birth_date"))
        except ValueError:
            errors.add(number, "出生日期", _("Write dates as YYYY-MM-DD."))
            continue
        try:
            name, gender, birth, norm_id, norm_phone = validate_person_fields(
                name=str(row.get("name") or ""), gender=gender, birth_date=birth,
                id_number=str(row.get("id_number") or ""), phone=str(row.get("phone") or ""), household=household)
        except ServiceError as exc:
            errors.add(number, FIELD_COLUMN.get(exc.field, "姓名"), exc.message)
            continue
        if norm_id:
            if norm_id in seen_ids:
                errors.add(number, "身份证号", _("The same identity number is on row %(row)d.") % {"row": seen_ids[norm_id]})
                continue
            seen_ids[norm_id] = number
        people.append((number, Person(name=name, gender=gender, birth_date=birth, household=household,
                                      unit_path=household.path, **pii_columns(id_number=norm_id, phone=norm_phone))))
    hashes = {p.id_number_hash: n for n, p in people if p.id_number_hash}
    # Only inside the importer's area: a number registered elsewhere is answered like an unknown one
    # (and gets a second record here), so an import cannot probe who is registered in the city.
    in_scope = scope_filter(Person.objects.filter(id_number_hash__in=list(hashes)), actor, "unit_path")
    for h in set(in_scope.values_list("id_number_hash", flat=True)):
        errors.add(hashes[h], "身份证号", _("A person with this identity number is already registered."))
    if not rows:
        errors.add(2, "姓名", _("The sheet has no data rows."))
    errors.raise_if_any()
    return people_bulk_create(actor=actor, people=[p for _n, p in people], note="excel import")


def people_export(*, user, unit: Unit) -> bytes:
    """Masked like the pages: age instead of the birth date, the last four characters of the identity
    number (issue 10, item 5). The export is recorded in the audit log."""
    if not user_can(user, unit.path, "read"):
        raise NotFound()
    qs = (Person.objects.filter(subtree_q(unit.path, "unit_path")).select_related("household").order_by("unit_path", "id")
          .values_list("name", "gender", "birth_date", "id_number_masked", "phone_masked", "household__code"))
    today = timezone.localdate()
    with transaction.atomic():
        audit_record(actor=user, action="person.export", object_type="people.person", unit_path=unit.path,
                     changes={"unit": unit.code, "format": "xlsx"})
    return write_xlsx(["姓名", "性别", "年龄", "身份证号", "电话", "户代码"],
                      ((n, {"M": "男", "F": "女"}[g], age_on(b, today), i, p, h or "")
                       for n, g, b, i, p, h in qs.iterator(chunk_size=5000)),
                      title=unit.name)

