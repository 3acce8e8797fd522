import datetime
from typing import Annotated

from django.http import HttpResponse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jiceng.core.fields import Bool, Text
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
    birth_date: Annotated[datetime.date, Field(ge=datetime.date(1880, 1, 1), le=datetime.date(2100, 12, 31))] | None = None
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
    response = HttpResponse(do_export(user=request.user, unit=target),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="people-{target.code}.xlsx"'
    return response


@router.get("/people/{person_id}", response=PersonOut, summary="One person (numbers masked)")
def person_detail(request, person_id: int):
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
def person_reveal(request, person_id: int, payload: RevealIn):
    person = selectors.person_get(user=request.user, pk=person_id)
    return {"field": payload.field, "value": services.person_reveal(actor=request.user, person=person,
                                                                   field=payload.field)}

