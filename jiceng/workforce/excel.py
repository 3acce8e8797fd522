"""The roster of professional community workers in Excel, on core's one table (jiceng.core.excel): the export
masks the numbers; an import recruits every new row or nothing, each problem named by row and column.

The same Table serves /workforce/roster.xlsx and /workforce/import/ and core's /excel/workers/…; its writers
are the county's recruiters (RECRUIT), its readers those who may see the roster (VIEW). An exported row
carries the worker's 编号: importing the exported file again recognises those workers and changes nothing
(a change to a worker is made on the worker's page, where its rules apply); a row without 编号 is a recruit."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.errors import ServiceError
from jiceng.core.excel import Choice, Column, Date, Integer, Registry, RowErrors, Table, Text
from jiceng.core.scope import scope_filter, subtree_q, user_can
from jiceng.orgs.excel import scope_unit
from jiceng.orgs.models import Unit
from jiceng.workforce import selectors, services
from jiceng.workforce.models import Worker

POSTS = [("principal", "正职"), ("deputy", "副职"), ("other", "其他")]
CHANNELS = [("transition", "两委主干过渡"), ("cadre", "社区干部招录"), ("open", "社会公开招聘")]
EDUCATIONS = [("secondary", "高中及以下"), ("college", "大专"), ("bachelor", "本科"), ("master", "硕士"), ("doctor", "博士")]
QUALIFICATIONS = [("none", "无"), ("junior", "初级"), ("intermediate", "中级"), ("senior", "高级")]
STATUSES = [("active", "在岗"), ("suspended", "停岗"), ("ended", "离岗")]

WORKERS = Table([
    Column("community", "社区代码", Text(32), required=True, aliases=("community code",), get="community.code"),
    Column("community_name", "社区", get="community.name", export_only=True, aliases=("community name",)),
    Column("name", "姓名", Text(60), required=True, get="person.name"),
    Column("id_number", "身份证号", Text(24), required=True, aliases=("身份证号码", "identity number"),
           get="person.id_number_masked"),
    Column("phone", "手机号", Text(20), default="", aliases=("联系电话", "phone"), get="person.phone_masked"),
    Column("post", "岗位", Choice(POSTS)),
    Column("title", "职务", Text(40), default=""),
    Column("channel", "招录方式", Choice(CHANNELS), required=True),
    Column("hire_date", "入职日期", Date(), required=True, aliases=("hire date",)),
    Column("education", "学历", Choice(EDUCATIONS, extra={"中专": "secondary"}), required=True),
    Column("qualification", "社工资格", Choice(QUALIFICATIONS), default="none"),
    Column("grade", "等级", Integer(1, 18), get=lambda w: w.grade or None),
    Column("bank_account", "银行账号", Text(40), default="", aliases=("bank account",), get="bank_account_masked"),
    Column("status", "状态", Choice(STATUSES), default="active"),
    Column("worker", "编号", Integer(1), aliases=("worker id",), get="pk"),
], title="专职社区工作者")
HEADERS = [c.header for c in WORKERS.import_columns if c.key != "worker"]
HEADERS.insert(1, "社区")
MISSING_POST = gettext_lazy("The post is missing (principal, deputy or other).")
# The service's field names, as the sheet's headers.
_COLUMN_OF = {"gender": "身份证号", "birth_date": "身份证号", "row": "姓名"}
# What a row of an already listed worker must repeat: the import never changes a worker.
_SAME = ("community", "post", "title", "channel", "hire_date", "education", "qualification", "status")


def roster_xlsx(workers) -> bytes:
    return WORKERS.export(workers)


def roster_import(*, actor, upload, within: Unit | None = None) -> int:
    """Recruit every new row of a roster workbook, or nothing (a ValidationFailed lists each problem by row
    and column). With `within` (the unit of /excel/workers/import?unit=) every row's community lies in its
    subtree. Rows naming a listed worker (编号) must match that worker and are left as they are."""
    rows, errors = WORKERS.read(upload)
    header = WORKERS.header
    codes = {r["community"] for _n, r in rows}
    communities = {u.code: u for u in Unit.objects.filter(code__in=codes, kind="community")}
    listed_ids = {r["worker"] for _n, r in rows if r["worker"]}
    listed = {w.pk: w for w in scope_filter(Worker.objects.filter(pk__in=listed_ids).select_related("community"),
                                            actor, "unit_path", capability=services.RECRUIT)}
    parsed = []
    for number, row in rows:
        community = communities.get(row["community"])
        if community is None or not user_can(actor, community.path, services.RECRUIT) or (
                within is not None and not community.path.startswith(within.path)):
            errors.add(number, header("community"), _("Unknown community, or outside your area."))
            continue
        if row["worker"]:
            worker = listed.get(row["worker"])
            if worker is None or (within is not None and not worker.unit_path.startswith(within.path)):
                errors.add(number, header("worker"), _("No worker with the number %(n)s in your area.")
                           % {"n": row["worker"]})
                continue
            current = {"community": worker.community.code, "post": worker.post, "title": worker.title,
                       "channel": worker.channel, "hire_date": worker.hire_date, "education": worker.education,
                       "qualification": worker.qualification, "status": worker.status}
            for key in _SAME:
                if (row[key] or "") != (current[key] or ""):
                    errors.add(number, header(key), _("This worker is already on the roster: change them on the "
                                                      "worker's page."))
                    break
            continue
        if not row["post"]:
            errors.add(number, header("post"), MISSING_POST)
            continue
        parsed.append({**row, "row": number, "community": community})
    errors.raise_if_any()
    if not parsed:
        if listed:
            return 0  # the file lists only workers already on the roster: nothing to do
        raise ServiceError(_("The sheet has no rows."))
    try:
        workers = services.workers_bulk_create(actor=actor, rows=parsed, note="excel import")
    except ServiceError as exc:
        if not exc.errors:
            raise
        mapped = RowErrors()
        for err in exc.errors:
            mapped.add(err["row"], header(err["column"]) or _COLUMN_OF.get(err["column"], err["column"]),
                       err["message"])
        mapped.raise_if_any()
        raise
    return len(workers)


def _workers(user, unit: Unit):
    """The export's rows: the unit's workers whom the user may see (ended posts too), masked."""
    selectors.require_view(user, unit)
    qs = scope_filter(Worker.objects.select_related("person", "community"), user, "unit_path",
                      capability=services.VIEW)
    return qs.filter(subtree_q(unit.path, "unit_path")).order_by("unit_path", "-post", "person__name", "id") \
        .iterator(chunk_size=2000)


REGISTRIES = [
    Registry("workers", gettext_lazy("Professional community workers"), WORKERS, scope=scope_unit, rows=_workers,
             importer=lambda actor, unit, upload: roster_import(actor=actor, upload=upload, within=unit),
             capability=services.RECRUIT, read_capability=services.VIEW,
             list_url=lambda unit: f"{reverse('workforce:home')}?unit={unit.code}"),
]
