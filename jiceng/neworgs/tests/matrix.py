from jiceng.core.matrix import ALL, SEE_COMMUNITY, SEE_GRID, Check, statuses

PAGE = {"anonymous": 302}
WRITE_GRID = ["city_admin", "street_official", "community_worker", "grid_worker"]
WRITERS = WRITE_GRID + ["outsider"]
READ_ONLY = {"party_member": 403}
NO_WRITE = {"party_member": 403, "resident": 403}


def _org(c):
    """A courier station in grid G1 with 4 party members and no branch, registered by the system."""
    if not hasattr(c, "_matrix_neworg"):
        from jiceng.neworgs.services import neworg_create
        from jiceng.neworgs.tests.conftest import station_fields

        c._matrix_neworg = neworg_create(actor=None, **station_fields())
    return c._matrix_neworg


def _oid(c):
    return _org(c).pk


def _form(c):
    from jiceng.neworgs.tests.conftest import code

    return {"name": "顺丰五一路网点", "kind": "courier_station", "credit_code": code(), "lat": "36.05",
            "lng": "111.42", "crs": "wgs84", "address": "五一路20号", "employees": "6", "party_members": "3",
            "org_coverage": "none", "work_coverage": "none"}


def _xlsx(c):
    from jiceng.core.testing import xlsx_upload
    from jiceng.neworgs.tests.conftest import code

    return {"file": xlsx_upload([["名称", "类型", "统一社会信用代码", "纬度", "经度", "从业人员", "党员人数"],
                                 ["导入驿站", "快递物流站点", code(), 36.05, 111.42, 5, 1]])}


CHECKS = {
    # pages
    "neworgs:home": [Check("GET", lambda c: "/neworgs/", statuses(200, allowed=ALL, others=PAGE)),
                     Check("GET", lambda c: f"/neworgs/?unit={c.community.code}",
                           statuses(200, allowed=SEE_COMMUNITY, others=PAGE))],
    "neworgs:gaps": [Check("GET", lambda c: "/neworgs/gaps/", statuses(200, allowed=ALL, others=PAGE)),
                     Check("GET", lambda c: f"/neworgs/gaps/?unit={c.community.code}",
                           statuses(200, allowed=SEE_COMMUNITY, others=PAGE))],
    "neworgs:new": [Check("GET", lambda c: "/neworgs/new/", statuses(200, allowed=WRITERS, denied=403, others=PAGE),
                          note="the patrol form of any writer; the place decides the grid on POST"),
                    Check("POST", lambda c: "/neworgs/new/",
                          statuses(302, allowed=WRITE_GRID, denied=403, others={**PAGE, "outsider": 422}),
                          data=_form, json=False,
                          note="a place outside the writer's area is a field error (422)")],
    "neworgs:org": [Check("GET", lambda c: f"/neworgs/{_oid(c)}/", statuses(200, allowed=SEE_GRID, others=PAGE)),
                    Check("POST", lambda c: f"/neworgs/{_oid(c)}/",
                          statuses(302, allowed=WRITE_GRID, others={**PAGE, **READ_ONLY}),
                          data=lambda c: {**_form(c), "credit_code": _org(c).credit_code, "org_coverage": "joint",
                                          "branch_name": "五一路联合党支部"}, json=False)],
    "neworgs:import": [Check("GET", lambda c: "/neworgs/import/",
                             statuses(200, allowed=WRITERS, denied=403, others=PAGE)),
                       Check("POST", lambda c: "/neworgs/import/",
                             statuses(302, allowed=WRITE_GRID, denied=403, others={**PAGE, "outsider": 422}),
                             data=_xlsx, json=False, note="rows outside the writer's area are row errors (422)")],
    # API
    "GET /api/v1/neworgs/orgs": [
        Check("GET", lambda c: f"/api/v1/neworgs/orgs?unit={c.grid.code}", statuses(200, allowed=SEE_GRID))],
    "POST /api/v1/neworgs/orgs": [
        Check("POST", lambda c: "/api/v1/neworgs/orgs",
              statuses(201, allowed=WRITE_GRID, others={**NO_WRITE, "outsider": 422}),
              data=lambda c: {**_form(c), "lat": 36.05, "lng": 111.42, "employees": 6, "party_members": 3})],
    "GET /api/v1/neworgs/orgs/export.xlsx": [
        Check("GET", lambda c: f"/api/v1/neworgs/orgs/export.xlsx?unit={c.grid.code}",
              statuses(200, allowed=SEE_GRID))],
    "POST /api/v1/neworgs/orgs/import": [
        Check("POST", lambda c: "/api/v1/neworgs/orgs/import",
              statuses(201, allowed=WRITE_GRID, others={"party_member": 422, "resident": 422, "outsider": 422}),
              data=_xlsx, json=False, note="rows outside the caller's area or role are row errors (422)")],
    "GET /api/v1/neworgs/orgs/{org_id}": [
        Check("GET", lambda c: f"/api/v1/neworgs/orgs/{_oid(c)}", statuses(200, allowed=SEE_GRID))],
    "PATCH /api/v1/neworgs/orgs/{org_id}": [
        Check("PATCH", lambda c: f"/api/v1/neworgs/orgs/{_oid(c)}",
              statuses(200, allowed=WRITE_GRID, others=READ_ONLY),
              data=lambda c: {"org_coverage": "joint", "branch_name": "五一路联合党支部"})],
    "GET /api/v1/neworgs/gaps": [
        Check("GET", lambda c: "/api/v1/neworgs/gaps", statuses(200, allowed=ALL)),
        Check("GET", lambda c: f"/api/v1/neworgs/gaps?unit={c.community.code}", statuses(200, allowed=SEE_COMMUNITY))],
    "GET /api/v1/neworgs/coverage": [
        Check("GET", lambda c: "/api/v1/neworgs/coverage", statuses(200, allowed=ALL)),
        Check("GET", lambda c: f"/api/v1/neworgs/coverage?unit={c.community.code}",
              statuses(200, allowed=SEE_COMMUNITY))],
}
