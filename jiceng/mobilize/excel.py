"""H5: co-building registries in Excel (agencies, in-service members, needs, resources, activities), through
core's one table helper: each sheet is exported from what the user may read under a unit and imported
row by row through this app's services, all rows or none."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.errors import ValidationFailed
from jiceng.core.excel import Boolean, Choice, Column, Date, DateTime, Integer, Registry, Table, Text
from jiceng.core.scope import scope_filter, subtree_q
from jiceng.mobilize import services
from jiceng.mobilize.models import (
    Activity,
    ActivityKind,
    AgencyRegistration,
    Category,
    Member,
    Need,
    RegistrationStatus,
    Resource,
    Urgency,
)
from jiceng.orgs.excel import scope_unit, unit_under
from jiceng.orgs.models import UnitKind


def _home(unit) -> str:
    return reverse("mobilize:home")


def _community(scope, code):
    unit = unit_under(scope, code, field="community")
    if unit.kind != UnitKind.COMMUNITY:
        raise ValidationFailed(_("“%(code)s” is not a community of this city.") % {"code": code}, field="community")
    return unit


def _under(model, user, unit, *related):
    return (scope_filter(model.objects.select_related("community", *related), user, "unit_path")
            .filter(subtree_q(unit.path, "unit_path")).order_by("unit_path", "id"))


STATUS = Column("status", "状态", Choice(RegistrationStatus), export_only=True)

AGENCIES = Table([
    Column("community", "社区代码", Text(32), required=True, get="community.code"),
    Column("name", "单位党组织", Text(120), required=True),
    Column("agreement_start", "协议开始", Date(), required=True),
    Column("agreement_end", "协议结束", Date(), required=True),
    Column("commitments", "承诺事项", Text(2000), required=True),
    STATUS,
], title="报到单位")


def _agency_write(actor, scope, row):
    return services.agency_register(actor=actor, community=_community(scope, row["community"]), name=row["name"],
                                    agreement_start=row["agreement_start"], agreement_end=row["agreement_end"],
                                    commitments=row["commitments"])


# The upload's columns; an export shows the identity and phone numbers masked, like every export.
_MASKED = {"id_number": "person.id_number_masked", "phone": "person.phone_masked"}
MEMBERS = Table([
    *[Column(c.key, c.header, c.field, required=c.required, default=c.default, get=_MASKED.get(c.key, c.get))
      for c in services.MEMBER_SHEET.columns],
    STATUS,
], title="在职党员")


def _members(user, unit):
    members = list(_under(Member, user, unit, "person"))
    names = {bit: code for code, bit in services.skill_bits().items()}
    for m in members:  # skills as the codes a sheet carries
        m.skills = ",".join(code for bit, code in sorted(names.items()) if m.skills >> bit & 1)
    return members


def _members_import(actor, unit, upload):
    return services.members_upload(actor=actor, data=upload, within=unit)


NEEDS = Table([
    Column("community", "社区代码", Text(32), required=True, get="community.code"),
    Column("title", "需求", Text(120), required=True),
    Column("category", "类别", Choice(Category), required=True),
    Column("source", "来源", Choice([("resident", _("Resident")), ("community", _("Community"))]),
           default="community"),
    Column("place", "地点", Text(120), default=""),
    Column("urgency", "紧急程度", Choice(Urgency), default=Urgency.NORMAL),
    Column("wanted_from", "需要开始", Date(), required=True),
    Column("wanted_to", "需要结束", Date(), required=True),
    Column("quantity", "数量", Integer(1, 1_000_000), default=1),
    Column("open", "未办结", Boolean(), export_only=True),
], title="需求清单")


def _need_write(actor, scope, row):
    return services.need_create(actor=actor, community=_community(scope, row["community"]), title=row["title"],
                                category=row["category"], source=row["source"], place=row["place"],
                                urgency=row["urgency"], wanted_from=row["wanted_from"], wanted_to=row["wanted_to"],
                                quantity=row["quantity"])


RESOURCES = Table([
    Column("community", "社区代码", Text(32), required=True, get="community.code"),
    Column("title", "资源", Text(120), required=True),
    Column("category", "类别", Choice(Category), required=True),
    Column("agency", "提供单位", Text(120), get="agency.name"),
    Column("member", "提供党员", get="member.name", export_only=True),
    Column("available_from", "可提供开始", Date(), required=True),
    Column("available_to", "可提供结束", Date(), required=True),
    Column("capacity", "数量", Integer(1, 1_000_000), default=1),
], title="资源清单")


def _resource_write(actor, scope, row):
    community = _community(scope, row["community"])
    agency = None
    if row.get("agency"):
        agency = AgencyRegistration.objects.filter(unit_path__startswith=community.path.rsplit("/", 2)[0] + "/",
                                                   name=row["agency"]).first()
        if agency is None:
            raise ValidationFailed(_("No agency “%(name)s” registered in this street.") % {"name": row["agency"]},
                                   field="agency")
    return services.resource_create(actor=actor, community=community, title=row["title"], category=row["category"],
                                    available_from=row["available_from"], available_to=row["available_to"],
                                    capacity=row["capacity"], agency=agency)


ACTIVITIES = Table([
    Column("community", "社区代码", Text(32), required=True, get="community.code"),
    Column("kind", "类型", Choice(ActivityKind), required=True),
    Column("title", "活动", Text(120), required=True),
    Column("starts_at", "开始时间", DateTime(), required=True),
    Column("ends_at", "结束时间", DateTime(), required=True),
    Column("capacity", "报名上限", Integer(1, 100_000), required=True),
    Column("signed_up", "已报名", export_only=True),
], title="活动")


def _activities(user, unit):
    from django.db.models import Count

    return _under(Activity, user, unit).annotate(signed_up=Count("signups"))


def _activity_write(actor, scope, row):
    return services.activity_create(actor=actor, community=_community(scope, row["community"]), kind=row["kind"],
                                    title=row["title"], starts_at=row["starts_at"], ends_at=row["ends_at"],
                                    capacity=row["capacity"])


REGISTRIES = [
    Registry("agencies", gettext_lazy("Registered agencies"), AGENCIES, scope=scope_unit,
             rows=lambda user, unit: _under(AgencyRegistration, user, unit), write=_agency_write, list_url=_home),
    Registry("members", gettext_lazy("In-service party members"), MEMBERS, scope=scope_unit, rows=_members,
             importer=_members_import, list_url=_home),
    Registry("needs", gettext_lazy("Needs list"), NEEDS, scope=scope_unit,
             rows=lambda user, unit: _under(Need, user, unit), write=_need_write, list_url=_home),
    Registry("resources", gettext_lazy("Resources list"), RESOURCES, scope=scope_unit,
             rows=lambda user, unit: _under(Resource, user, unit, "agency", "member"), write=_resource_write,
             list_url=_home),
    Registry("activities", gettext_lazy("Activities"), ACTIVITIES, scope=scope_unit, rows=_activities,
             write=_activity_write, list_url=_home),
]
