from jiceng.core.matrix import ALL, SEE_COMMUNITY, SEE_GRID, Check, Exempt, statuses

PAGE = {"anonymous": 302}
WRITE_GRID = ["city_admin", "street_official", "community_worker", "grid_worker"]
READ_ONLY = {"party_member": 403}


def _position(c):
    """An open station in compound 幸福小区 (grid G1), created by the system for the check."""
    if not hasattr(c, "_matrix_position"):
        from jiceng.stations.services import position_create

        c._matrix_position = position_create(actor=None, unit=c.compound, level="station", name="幸福驿站",
                                             lat=36.05, lng=111.42, address="五一路12号", amenities=["hot_water"])
    return c._matrix_position


def _pid(c):
    return _position(c).pk


def _photo(c):
    if not hasattr(c, "_matrix_photo"):
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        from jiceng.stations.services import position_photo_add

        out = io.BytesIO()
        Image.new("RGB", (8, 8)).save(out, format="PNG")
        c._matrix_photo = position_photo_add(actor=None, position=_position(c),
                                             upload=SimpleUploadedFile("a.png", out.getvalue()))
    return c._matrix_photo


def _png():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    return SimpleUploadedFile("a.png", out.getvalue(), content_type="image/png")


EVERYONE = statuses(200, allowed=ALL)
PUBLIC = {**{p: 200 for p in ALL}, "anonymous": 200}

CHECKS = {
    # pages
    "stations:map": [Check("GET", lambda c: "/stations/", statuses(200, allowed=ALL, others=PAGE)),
                     Check("GET", lambda c: f"/stations/?unit={c.community.code}",
                           statuses(200, allowed=SEE_COMMUNITY, others=PAGE))],
    "stations:new": [Check("GET", lambda c: "/stations/new/", statuses(200, allowed=ALL, others=PAGE),
                           note="the form; the service checks the unit's scope on POST"),
                     Check("POST", lambda c: "/stations/new/",
                           statuses(302, allowed=WRITE_GRID, others={**PAGE, **READ_ONLY, "resident": 422,
                                                                     "outsider": 422}),
                           data=lambda c: {"level": "station", "unit": c.compound.code, "name": "新驿站",
                                           "lat": "36.05", "lng": "111.42", "crs": "wgs84", "address": "五一路",
                                           "state": "open"}, json=False,
                           note="a unit outside the caller's area is a field error on the form (422)")],
    "stations:position": [Check("GET", lambda c: f"/stations/positions/{_pid(c)}/",
                                statuses(200, allowed=SEE_GRID, others=PAGE))],
    "stations:edit": [Check("GET", lambda c: f"/stations/positions/{_pid(c)}/edit/",
                            statuses(200, allowed=WRITE_GRID, others={**PAGE, **READ_ONLY}))],
    "stations:state": [Check("POST", lambda c: f"/stations/positions/{_pid(c)}/state/",
                             statuses(302, allowed=WRITE_GRID, others={**PAGE, **READ_ONLY}),
                             data=lambda c: {"state": "closed"}, json=False)],
    "stations:photo_add": [Check("POST", lambda c: f"/stations/positions/{_pid(c)}/photos/",
                                 statuses(302, allowed=WRITE_GRID, others={**PAGE, **READ_ONLY}),
                                 data=lambda c: {"photo": _png()}, json=False)],
    "stations:photo": Exempt("a position's photos are public like its public page (test_photos)"),
    "stations:coverage": [Check("GET", lambda c: "/stations/coverage/", statuses(200, allowed=ALL, others=PAGE)),
                          Check("GET", lambda c: f"/stations/coverage/?unit={c.community.code}",
                                statuses(200, allowed=SEE_COMMUNITY, others=PAGE))],
    "stations:siting": [Check("GET", lambda c: "/stations/siting/", statuses(200, allowed=ALL, others=PAGE)),
                        Check("GET", lambda c: f"/stations/siting/?unit={c.community.code}&k=1",
                              statuses(422, allowed=SEE_COMMUNITY, others=PAGE),
                              note="no walking network in the small city: a message (422) for those who see it")],
    "stations:public": Exempt("the public page of a position, for everyone (test_hours, test_couriers)"),
    "stations:qr": Exempt("a position's public QR code (test_couriers)"),
    "stations:visit": Exempt("opened by scanning a QR code; records a visit (test_couriers)"),
    "stations:finder": Exempt("the public phone finder page (test_browser_finder)"),
    "stations:courier_register": Exempt("public courier registration with an SMS code (test_couriers)"),
    "stations:courier_sms_code": Exempt("public, throttled SMS code for registration (test_couriers)"),
    # API
    "GET /api/v1/stations/amenities": [Check("GET", lambda c: "/api/v1/stations/amenities", PUBLIC)],
    "GET /api/v1/stations/finder": Exempt("public finder for couriers without an account (test_finder)"),
    "GET /api/v1/stations/positions": [
        Check("GET", lambda c: f"/api/v1/stations/positions?unit={c.grid.code}", statuses(200, allowed=SEE_GRID))],
    "POST /api/v1/stations/positions": [
        Check("POST", lambda c: "/api/v1/stations/positions",
              statuses(201, allowed=WRITE_GRID, others=READ_ONLY),
              data=lambda c: {"unit": c.compound.code, "level": "station", "name": "新驿站", "lat": 36.05,
                              "lng": 111.42, "address": "五一路"})],
    "GET /api/v1/stations/positions/export.xlsx": [
        Check("GET", lambda c: f"/api/v1/stations/positions/export.xlsx?unit={c.grid.code}",
              statuses(200, allowed=SEE_GRID))],
    "POST /api/v1/stations/positions/import": [
        Check("POST", lambda c: "/api/v1/stations/positions/import",
              statuses(201, allowed=WRITE_GRID, others={"party_member": 422, "resident": 422, "outsider": 422}),
              data=lambda c: {"file": __import__("jiceng.core.testing", fromlist=["x"]).xlsx_upload(
                  [["级别", "所属单位代码", "名称", "纬度", "经度", "地址"],
                   ["小区驿站", c.compound.code, "导入驿站", 36.05, 111.42, "五一路"]])}, json=False,
              note="rows outside the caller's area or role are row errors (422)")],
    "GET /api/v1/stations/positions/{position_id}": [
        Check("GET", lambda c: f"/api/v1/stations/positions/{_pid(c)}", statuses(200, allowed=SEE_GRID))],
    "PATCH /api/v1/stations/positions/{position_id}": [
        Check("PATCH", lambda c: f"/api/v1/stations/positions/{_pid(c)}",
              statuses(200, allowed=WRITE_GRID, others=READ_ONLY), data=lambda c: {"state": "closed"})],
    "POST /api/v1/stations/positions/{position_id}/photos": [
        Check("POST", lambda c: f"/api/v1/stations/positions/{_pid(c)}/photos",
              statuses(201, allowed=WRITE_GRID, others=READ_ONLY), data=lambda c: {"photo": _png()}, json=False)],
    "GET /api/v1/stations/positions/{position_id}/isochrone": [
        Check("GET", lambda c: f"/api/v1/stations/positions/{_pid(c)}/isochrone", statuses(200, allowed=SEE_GRID))],
    "GET /api/v1/stations/coverage": [
        Check("GET", lambda c: "/api/v1/stations/coverage", EVERYONE),
        Check("GET", lambda c: f"/api/v1/stations/coverage?unit={c.grid.code}", statuses(200, allowed=SEE_GRID))],
    "GET /api/v1/stations/coverage/buildings": [
        Check("GET", lambda c: f"/api/v1/stations/coverage/buildings?unit={c.community.code}",
              statuses(200, allowed=SEE_COMMUNITY))],
    "GET /api/v1/stations/network": [Check("GET", lambda c: "/api/v1/stations/network", EVERYONE)],
    "POST /api/v1/stations/network/import": [
        Check("POST", lambda c: "/api/v1/stations/network/import",
              statuses(201, allowed=["city_admin"]),
              data=lambda c: {"file": __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
                  "tiny.osm", b'<?xml version="1.0"?><osm version="0.6"><node id="1" lat="36.05" lon="111.42"/>'
                  b'<node id="2" lat="36.051" lon="111.42"/><way id="3"><nd ref="1"/><nd ref="2"/>'
                  b'<tag k="highway" v="footway"/></way></osm>')}, json=False,
              note="replacing the city's network needs the structure capability on the city")],
}
