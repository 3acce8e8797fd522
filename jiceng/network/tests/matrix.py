import json

from django.core.files.uploadedfile import SimpleUploadedFile

from jiceng.core.matrix import ALL, SEE_COMMUNITY, SEE_GRID, Check, statuses

PAGE = {"anonymous": 302}
EVERYONE = list(ALL)
WRITE_GRID = ["city_admin", "street_official", "community_worker", "grid_worker"]
STRUCTURE_COMMUNITY = ["city_admin", "street_official", "community_worker"]


def _staff(c, role="full_time"):
    from jiceng.network.models import GridStaff

    staff, _ = GridStaff.objects.get_or_create(grid=c.grid, role=role, defaults={"unit_path": c.grid.path,
                                                                                  "name": "测试网格员"})
    return staff.pk


def _line(c):
    from jiceng.network.services import business_lines_ensure

    business_lines_ensure()
    return "governance"


def _grid_file(c):
    box = [[111.4, 36.0], [111.45, 36.0], [111.45, 36.1], [111.4, 36.1], [111.4, 36.0]]
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [box]},
         "properties": {"code": c.grid.code, "name": c.grid.name}}]}
    return {"file": SimpleUploadedFile("grids.geojson", json.dumps(fc).encode(), "application/geo+json")}


def _legacy_file(c):
    box = [[111.42, 36.02], [111.47, 36.02], [111.47, 36.08], [111.42, 36.08], [111.42, 36.02]]
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [box]},
         "properties": {"code": "ZZ-1", "name": "综治一格"}}]}
    return {"file": SimpleUploadedFile("legacy.geojson", json.dumps(fc).encode(), "application/geo+json")}


CHECKS = {
    "GET /api/v1/locate": [
        Check("GET", lambda c: "/api/v1/locate?lat=36.05&lng=111.42&crs=wgs84", statuses(200, allowed=EVERYONE)),
        Check("GET", lambda c: "/api/v1/locate?lat=95&lng=111.42", statuses(422, allowed=EVERYONE)),
    ],
    "POST /api/v1/locate/batch": [
        Check("POST", lambda c: "/api/v1/locate/batch", statuses(200, allowed=EVERYONE),
              data=lambda c: {"lats": [36.05, 36.05], "lngs": [111.42, 111.55], "crs": "gcj02"}),
    ],
    "GET /api/v1/locate/address": [
        Check("GET", lambda c: "/api/v1/locate/address?q=", statuses(422, allowed=EVERYONE)),
        Check("GET", lambda c: "/api/v1/locate/address?q=五一路12号幸福小区1号楼",
              statuses(404, allowed=EVERYONE), note="no gazetteer in the small city"),
    ],
    "GET /api/v1/network/units/{code}/grids": [
        Check("GET", lambda c: f"/api/v1/network/units/{c.community.code}/grids?figure=residents",
              statuses(200, allowed=SEE_COMMUNITY)),
    ],
    "GET /api/v1/network/units/{code}/geometry": [
        Check("GET", lambda c: f"/api/v1/network/units/{c.community.code}/geometry?kind=grid",
              statuses(200, allowed=SEE_COMMUNITY)),
        Check("GET", lambda c: f"/api/v1/network/units/{c.community.code}/geometry?kind=grid&format=xlsx",
              statuses(200, allowed=SEE_COMMUNITY)),
    ],
    "GET /api/v1/network/units/{code}/integrity": [
        Check("GET", lambda c: f"/api/v1/network/units/{c.community.code}/integrity",
              statuses(200, allowed=SEE_COMMUNITY)),
    ],
    "POST /api/v1/network/geometry/import": [
        Check("POST", lambda c: "/api/v1/network/geometry/import?kind=grid",
              statuses(200, allowed=STRUCTURE_COMMUNITY, others={"party_member": 403}),
              data=_grid_file, json=False),
    ],
    "GET /api/v1/network/grids/{code}/staff": [
        Check("GET", lambda c: f"/api/v1/network/grids/{c.grid.code}/staff", statuses(200, allowed=SEE_GRID)),
    ],
    "POST /api/v1/network/grids/{code}/staff": [
        Check("POST", lambda c: f"/api/v1/network/grids/{c.grid.code}/staff",
              statuses(201, allowed=WRITE_GRID, others={"party_member": 403}),
              data=lambda c: {"role": "part_time", "name": "王兼职"}),
    ],
    "POST /api/v1/network/staff/{staff_id}/end": [
        Check("POST", lambda c: f"/api/v1/network/staff/{_staff(c)}/end",
              statuses(200, allowed=WRITE_GRID, others={"party_member": 403})),
    ],
    "POST /api/v1/network/staff/{staff_id}/four-haves": [
        Check("POST", lambda c: f"/api/v1/network/staff/{_staff(c, 'party_secretary')}/four-haves",
              statuses(201, allowed=WRITE_GRID, others={"party_member": 403}),
              data=lambda c: {"assessed_on": "2026-06-01", "ability": 4, "prestige": 5, "public_spirit": 4,
                              "enthusiasm": 5}),
    ],
    "GET /api/v1/network/units/{code}/staff-coverage": [
        Check("GET", lambda c: f"/api/v1/network/units/{c.community.code}/staff-coverage",
              statuses(200, allowed=SEE_COMMUNITY)),
    ],
    "GET /api/v1/network/compounds/{code}/profile": [
        Check("GET", lambda c: f"/api/v1/network/compounds/{c.compound.code}/profile",
              statuses(200, allowed=SEE_GRID)),
    ],
    "PUT /api/v1/network/compounds/{code}/profile": [
        Check("PUT", lambda c: f"/api/v1/network/compounds/{c.compound.code}/profile",
              statuses(200, allowed=WRITE_GRID, others={"party_member": 403}),
              data=lambda c: {"property_company": "临汾某物业", "project_manager": "孙经理"}),
    ],
    "POST /api/v1/network/compounds/{code}/arrangement": [
        Check("POST", lambda c: f"/api/v1/network/compounds/{c.compound.code}/arrangement",
              statuses(200, allowed=WRITE_GRID, others={"party_member": 403}),
              data=lambda c: {"arrangement": "社区托管"}),
    ],
    "GET /api/v1/network/units/{code}/three-without": [
        Check("GET", lambda c: f"/api/v1/network/units/{c.community.code}/three-without",
              statuses(200, allowed=SEE_COMMUNITY)),
    ],
    "GET /api/v1/network/lines": [
        Check("GET", lambda c: "/api/v1/network/lines", statuses(200, allowed=EVERYONE)),
    ],
    "POST /api/v1/network/lines": [
        Check("POST", lambda c: "/api/v1/network/lines", statuses(201, allowed=["city_admin"]),
              data=lambda c: {"code": "market", "name": "市场监管"}),
    ],
    "POST /api/v1/network/lines/{line_code}/legacy-grids": [
        Check("POST", lambda c: f"/api/v1/network/lines/{_line(c)}/legacy-grids?unit={c.community.code}",
              statuses(200, allowed=STRUCTURE_COMMUNITY, others={"party_member": 403}),
              data=_legacy_file, json=False),
    ],
    "GET /api/v1/network/lines/{line_code}/mapping": [
        Check("GET", lambda c: f"/api/v1/network/lines/{_line(c)}/mapping?unit={c.community.code}",
              statuses(200, allowed=SEE_COMMUNITY)),
    ],
}

CHECKS.update({
    "network:map": [
        Check("GET", lambda c: "/network/", statuses(200, allowed=EVERYONE, others=PAGE)),
        Check("GET", lambda c: f"/network/?unit={c.community.code}&figure=staff",
              statuses(200, allowed=SEE_COMMUNITY, others=PAGE)),
    ],
    "network:grid": [
        Check("GET", lambda c: f"/network/grids/{c.grid.code}/", statuses(200, allowed=SEE_GRID, others=PAGE)),
        Check("GET", lambda c: f"/network/grids/{c.grid2.code}/",
              statuses(200, allowed=["city_admin", "outsider"], others=PAGE)),
    ],
    "network:integrity": [
        Check("GET", lambda c: f"/network/integrity/{c.community.code}/",
              statuses(200, allowed=SEE_COMMUNITY, others=PAGE)),
    ],
})

CHECKS["network:import"] = [
    Check("POST", lambda c: f"/network/integrity/{c.community.code}/import/",
          statuses(302, allowed=STRUCTURE_COMMUNITY, others={**PAGE, "party_member": 403}),
          data=lambda c: {"kind": "grid", **_grid_file(c)}, json=False),
]


def _staff_xlsx(c):
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["grid", "role", "name"])
    wb.active.append([c.grid.code, "兼职网格员", "表格导入"])
    buf = io.BytesIO()
    wb.save(buf)
    return {"file": SimpleUploadedFile("staff.xlsx", buf.getvalue())}


CHECKS.update({
    "GET /api/v1/network/units/{code}/staff/export": [
        Check("GET", lambda c: f"/api/v1/network/units/{c.community.code}/staff/export",
              statuses(200, allowed=SEE_COMMUNITY)),
    ],
    "POST /api/v1/network/units/{code}/staff/import": [
        Check("POST", lambda c: f"/api/v1/network/units/{c.grid.code}/staff/import",
              statuses(201, allowed=WRITE_GRID, others={"party_member": 403}), data=_staff_xlsx, json=False),
    ],
    "GET /api/v1/network/units/{code}/compounds/export": [
        Check("GET", lambda c: f"/api/v1/network/units/{c.grid.code}/compounds/export",
              statuses(200, allowed=SEE_GRID)),
    ],
})

# The platform's own base map and the address of a pin (issue 18, item 2): public base geometry, the same
# for everyone (tests/test_basemap.py proves no household or resident is in it).
PUBLIC = statuses(200, allowed=EVERYONE, anonymous=200)
CHECKS.update({
    "network:basemap_tile": [
        Check("GET", lambda c: "/network/basemap/14/6631/3215.json", PUBLIC),
        Check("GET", lambda c: "/network/basemap/30/0/0.json", statuses(404, allowed=[], anonymous=404)),
    ],
    "network:pin_address": [
        Check("GET", lambda c: "/network/address/?lat=36.05&lng=111.42", PUBLIC),
        Check("GET", lambda c: "/network/address/?lat=95&lng=111.42", statuses(422, allowed=EVERYONE, anonymous=422)),
    ],
})
