import datetime

from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.exports import xlsx_response
from jiceng.core.fields import BirthDay, Bool, Day, Id, PathId, Text
from jiceng.core.pagination import Page
from jiceng.core.schemas import related
from jiceng.orgs.selectors import unit_get
from jiceng.people import selectors, services
from jiceng.people.excel import people_export as do_export
from jiceng.people.excel import people_import as do_import

router = Router(tags=["people"])
PREFIX = "/"


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    age: int | None
    id_number: str
    phone: str
    household: str | None
    is_resident: bool
    party_org_id: int | None

    resolve_age = related("age")
    resolve_id_number = related("id_number_masked")
    resolve_phone = related("phone_masked")

    @staticmethod
    def resolve_household(obj):
        return obj.household.code if obj.household_id else None

    @staticmethod
    def resolve_party_org_id(obj):
        membership = getattr(obj, "party_membership", None)
        return membership.org_id if membership else None


class PersonIn(Schema):
    household: Text(32, 1)
    name: Text(60, 1)
    gender: Text(1) | None = None
    birth_date: BirthDay | None = None
    id_number: Text(18) = ""
    phone: Text(20) = ""
    is_resident: Bool = True


class RevealIn(Schema):
    field: Text(20, 1)


class RevealOut(Schema):
    field: str
    value: str


class PeoplePage(Schema):
    count: int
    results: list[PersonOut]


@router.get("/people", response=PeoplePage,
            summary="People in the caller's area (numbers masked; searching by an exact identity or phone number "
                    "needs reveal_pii and is audited)")
def people_list(request, unit: str | None = None, q: str = "", id_number: str = "", phone: str = "",
                page: Query[Page.sized(50, 500)] = None):
    scope_unit = unit_get(user=request.user, code=unit) if unit else None
    qs = services.people_find(actor=request.user, unit=scope_unit, q=q, id_number=id_number, phone=phone)
    return {"count": qs.count(), "results": list(page.slice(qs))}


class ImportOut(Schema):
    created: int


@router.post("/people/import", response={201: ImportOut},
             summary="Import people from Excel (姓名, 性别, 出生日期, 身份证号, 电话, 户代码); all or nothing with row errors")
def people_import(request, file: UploadedFile = File(...)):
    return Status(201, {"created": do_import(actor=request.user, upload=file)})


@router.get("/people/export.xlsx", summary="People under a unit as Excel (numbers masked)")
def people_export(request, unit: str):
    target = unit_get(user=request.user, code=unit)
    return xlsx_response(do_export(user=request.user, unit=target), f"people-{target.code}.xlsx")


@router.get("/people/{person_id}", response=PersonOut, summary="One person (numbers masked)")
def person_detail(request, person_id: PathId):
    return selectors.person_get(user=request.user, pk=person_id)


@router.post("/people", response={201: PersonOut}, summary="Register a person in a household")
def person_create(request, payload: PersonIn):
    household = unit_get(user=request.user, code=payload.household)
    person = services.person_create(actor=request.user, household=household, name=payload.name,
                                    gender=payload.gender, birth_date=payload.birth_date,
                                    id_number=payload.id_number, phone=payload.phone,
                                    is_resident=payload.is_resident)
    return Status(201, person)


@router.post("/people/{person_id}/reveal", response=RevealOut,
             summary="The full identity or phone number, for roles that may see it (audited)")
def person_reveal(request, person_id: PathId, payload: RevealIn):
    person = selectors.person_get(user=request.user, pk=person_id)
    return {"field": payload.field, "value": services.person_reveal(actor=request.user, person=person,
                                                                   field=payload.field)}


# ---------------------------------------------------------------- party-member central households (A2)


class CentralHouseholdOut(Schema):
    id: int
    grid: str
    member_id: int
    person_id: int
    name: str
    households: list[str]

    @staticmethod
    def resolve_grid(obj):
        return obj.grid.code

    @staticmethod
    def resolve_person_id(obj):
        return obj.member.person_id

    @staticmethod
    def resolve_name(obj):
        return obj.member.person.name

    @staticmethod
    def resolve_households(obj):
        return [h.code for h in obj.households.all()]


class CentralCoverageOut(Schema):
    grid: str
    covered: int
    households: int
    share: float | None


class CentralHouseholdsOut(Schema):
    coverage: list[CentralCoverageOut]
    results: list[CentralHouseholdOut]


class CentralHouseholdIn(Schema):
    grid: Text(32, 1)
    person_id: Id
    households: list[Text(32, 1)] = Field([], max_length=100)


class HouseholdsIn(Schema):
    households: list[Text(32, 1)] = Field([], max_length=100)


class VisitIn(Schema):
    household: Text(32, 1)
    visited_on: Day
    note: Text(500) = ""


class VisitOut(Schema):
    id: int
    household: str
    visited_on: datetime.date
    note: str

    @staticmethod
    def resolve_household(obj):
        return obj.household.code


def _households(request, codes):
    return [unit_get(user=request.user, code=c) for c in dict.fromkeys(codes)]


def _central_detail(request, pk):
    return selectors.central_household_get(user=request.user, pk=pk)


@router.get("/central-households", response=CentralHouseholdsOut,
            summary="A grid's party-member central households and its coverage (households looked after / households)")
def central_households(request, grid: str):
    unit = unit_get(user=request.user, code=grid)
    if unit.kind != "grid":
        raise NotFound()
    rows = selectors.central_households_in(user=request.user, grid=unit).select_related("grid") \
        .prefetch_related("households")[:500]
    coverage = [{**row, "grid": row["grid"].code} for row in selectors.central_coverage(unit)]
    return {"coverage": coverage, "results": list(rows)}


@router.post("/central-households", response={201: CentralHouseholdOut},
             summary="Set up a party-member central household: a member living in the grid and neighbours to look after")
def central_household_create(request, payload: CentralHouseholdIn):
    grid = unit_get(user=request.user, code=payload.grid)
    person = selectors.person_get(user=request.user, pk=payload.person_id)
    membership = getattr(person, "party_membership", None)
    if membership is None:
        raise ValidationFailed(_("%(name)s is not a party member.") % {"name": person.name}, field="person_id")
    ch = services.central_household_create(actor=request.user, member=membership, grid=grid,
                                           households=_households(request, payload.households))
    return Status(201, _central_detail(request, ch.pk))


@router.get("/central-households/{ch_id}", response=CentralHouseholdOut, summary="One central household")
def central_household_detail(request, ch_id: PathId):
    return _central_detail(request, ch_id)


@router.put("/central-households/{ch_id}/households", response=CentralHouseholdOut,
            summary="Set the households a central household looks after")
def central_household_households(request, ch_id: PathId, payload: HouseholdsIn):
    ch = _central_detail(request, ch_id)
    services.central_household_set_households(actor=request.user, ch=ch,
                                              households=_households(request, payload.households))
    return _central_detail(request, ch_id)


@router.get("/central-households/{ch_id}/visits", response=list[VisitOut], summary="A central household's visits")
def central_household_visits(request, ch_id: PathId):
    return list(selectors.central_visits(_central_detail(request, ch_id))[:500])


@router.post("/central-households/{ch_id}/visits", response={201: VisitOut},
             summary="Log a visit to a household looked after")
def central_household_visit(request, ch_id: PathId, payload: VisitIn):
    ch = _central_detail(request, ch_id)
    household = unit_get(user=request.user, code=payload.household)
    return Status(201, services.central_household_visit_log(actor=request.user, ch=ch, household=household,
                                                            visited_on=payload.visited_on, note=payload.note))
