from jiceng.core.matrix import ALL, SEE_CITY, SEE_GRID, Check, statuses

# The wall display is for the staff of a unit (write on it): a resident or a party member inside is refused
# (403), the neighbouring street's official sees their own street by default and gets 404 for community K1.
WALL_STAFF = ["city_admin", "street_official", "community_worker", "grid_worker", "outsider"]
WALL_K1 = ["city_admin", "street_official", "community_worker"]


def _wall_checks(path):
    return [
        Check("GET", lambda c: path, statuses(200, allowed=WALL_STAFF, denied=403, others={"anonymous": 302})),
        Check("GET", lambda c: f"{path}?unit={c.community.code}",
              statuses(200, allowed=WALL_K1, others={"anonymous": 302, "party_member": 403})),
        Check("GET", lambda c: f"{path}?unit=999999", statuses(404, allowed=ALL, others={"anonymous": 302})),
    ]


CHECKS = {
    "cockpit:home": [
        Check("GET", lambda c: "/cockpit/", statuses(200, allowed=ALL, others={"anonymous": 302})),
        Check("GET", lambda c: f"/cockpit/?unit={c.city.code}", statuses(200, allowed=SEE_CITY, others={"anonymous": 302})),
    ],
    "cockpit:wall": _wall_checks("/cockpit/wall/"),
    "cockpit:wall_data": _wall_checks("/cockpit/wall/data"),
    "GET /api/v1/cockpit/figures": [
        Check("GET", lambda c: "/api/v1/cockpit/figures", statuses(200, allowed=ALL)),
        Check("GET", lambda c: f"/api/v1/cockpit/figures?unit={c.grid.code}", statuses(200, allowed=SEE_GRID)),
    ],
}
