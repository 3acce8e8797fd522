"""The roster in Excel: export (masked) and import (all or nothing, every bad row and column named)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.errors import ServiceError
from jiceng.core.excel import RowErrors, as_date, read_rows, require_columns, write_xlsx
from jiceng.orgs.selectors import unit_get
from jiceng.workforce import services

COLUMNS = {
    "community": ("社区代码", "community code", "community"),
    "community_name": ("社区", "community name"),
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "identity number", "id_number"),
    "phone": ("手机号", "联系电话", "phone"),
    "post": ("岗位", "post"),
    "title": ("职务", "title"),
    "channel": ("招录方式", "channel"),
    "hire_date": ("入职日期", "hire date", "hire_date"),
    "education": ("学历", "education"),
    "qualification": ("社工资格", "qualification"),
    "grade": ("等级", "grade"),
    "bank_account": ("银行账号", "bank account", "bank_account"),
    "status": ("状态", "status"),
}
HEADERS = ["社区代码", "社区", "姓名", "身份证号", "手机号", "岗位", "职务", "招录方式", "入职日期", "学历", "社工资格", "等级",
           "银行账号", "状态"]
REQUIRED = {"community": "社区代码", "name": "姓名", "id_number": "身份证号", "post": "岗位", "channel": "招录方式",
            "hire_date": "入职日期", "education": "学历"}
POSTS = {"正职": "principal", "副职": "deputy", "其他": "other"}
CHANNELS = {"两委主干过渡": "transition", "社区干部招录": "cadre", "社会公开招聘": "open"}
EDUCATIONS = {"高中及以下": "secondary", "中专": "secondary", "大专": "college", "本科": "bachelor", "硕士": "master",
              "博士": "doctor"}
QUALIFICATIONS = {"": "none", "无": "none", "初级": "junior", "中级": "intermediate", "高级": "senior"}
STATUSES = {"在岗": "active", "停岗": "suspended", "离岗": "ended"}


def _reverse(mapping):
    out = {}
    for label, code in mapping.items():
        out.setdefault(code, label)
    return out


def roster_xlsx(workers) -> bytes:
    posts, channels, educations, quals, statuses = (_reverse(m) for m in (POSTS, CHANNELS, EDUCATIONS, QUALIFICATIONS,
                                                                         STATUSES))
    quals["none"] = "无"
    rows = ((w.community.code, w.community.name, w.person.name, w.person.id_number_masked, w.person.phone_masked,
             posts[w.post], w.title, channels[w.channel], w.hire_date.isoformat(), educations[w.education],
             quals[w.qualification], w.grade, w.bank_account_masked, statuses[w.status]) for w in workers)
    return write_xlsx(HEADERS, rows, title="专职社区工作者")


def _code(value, mapping, message):
    text = str(value or "").strip()
    if text in mapping:
        return mapping[text]
    if text in mapping.values():
        return text
    raise ServiceError(message)


MISSING_POST = gettext_lazy("The post is missing (principal, deputy or other).")


def roster_import(*, actor, upload) -> int:
    """Read a roster workbook and recruit every row, or nothing (a ValidationFailed lists each problem)."""
    rows, present = read_rows(upload, COLUMNS)
    require_columns(present, REQUIRED)
    errors = RowErrors()
    parsed = []
    units = {}
    for number, row in rows:
        item = {"row": number}
        ok = True

        def fail(column, message, number=number):
            nonlocal ok
            ok = False
            errors.add(number, column, message)

        code = str(row.get("community") or "").strip()
        if code not in units:
            try:
                units[code] = unit_get(user=actor, code=code) if code else None
            except ServiceError:
                units[code] = None
        if units[code] is None or units[code].kind != "community":
            fail("社区代码", _("Unknown community, or outside your area."))
        item["community"] = units[code]
        if not str(row.get("post") or "").strip():
            fail("岗位", MISSING_POST)
        for key, column, mapping, message in (
                ("post", "岗位", POSTS, _("The post is 正职, 副职 or 其他.")),
                ("channel", "招录方式", CHANNELS, _("The recruitment channel is 两委主干过渡, 社区干部招录 or 社会公开招聘.")),
                ("education", "学历", EDUCATIONS, _("Unknown education level.")),
                ("qualification", "社工资格", QUALIFICATIONS, _("Unknown social-work qualification."))):
            if key == "post" and not str(row.get("post") or "").strip():
                continue
            try:
                item[key] = _code(row.get(key), mapping, message)
            except ServiceError as exc:
                fail(column, exc.message)
        try:
            item["hire_date"] = as_date(row.get("hire_date"))
        except (TypeError, ValueError):
            fail("入职日期", _("The hire date is missing or not a date."))
        grade = row.get("grade")
        if grade not in (None, ""):
            try:
                item["grade"] = int(grade)
            except (TypeError, ValueError):
                fail("等级", _("A grade is a whole number from 1 to 18."))
        else:
            item["grade"] = None
        if row.get("status") not in (None, ""):
            try:
                item["status"] = _code(row.get("status"), STATUSES, _("The status is 在岗, 停岗 or 离岗."))
            except ServiceError as exc:
                fail("状态", exc.message)
        for key in ("name", "id_number", "phone", "title", "bank_account"):
            item[key] = str(row.get(key) or "").strip()
        if ok:
            parsed.append(item)
    errors.raise_if_any()
    if not parsed:
        raise ServiceError(_("The sheet has no rows."))
    column_of = {"community": "社区代码", "post": "岗位", "channel": "招录方式", "hire_date": "入职日期", "education": "学历",
                 "qualification": "社工资格", "grade": "等级", "id_number": "身份证号", "name": "姓名", "phone": "手机号",
                 "bank_account": "银行账号", "gender": "身份证号", "birth_date": "身份证号"}
    try:
        workers = services.workers_bulk_create(actor=actor, rows=parsed, note="excel import")
    except ServiceError as exc:
        if not exc.errors:
            raise
        mapped = RowErrors()
        for err in exc.errors:
            mapped.add(err["row"], column_of.get(err["column"], err["column"]), err["message"])
        mapped.raise_if_any()
        raise
    return len(workers)
