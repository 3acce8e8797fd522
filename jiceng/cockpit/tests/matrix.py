from jiceng.core.matrix import ALL, SEE_CITY, SEE_GRID, Check, statuses

CHECKS = {
    "cockpit:home": [
        Check("GET", lambda c: "/cockpit/", statuses(200, allowed=ALL, others={"anonymous": 302})),
        Check("GET", lambda c: f"/cockpit/?unit={c.city.code}", statuses(200, allowed=SEE_CITY, others={"anonymous": 302})),
    ],
    "GET /api/v1/cockpit/figures": [
        Check("GET", lambda c: "/api/v1/cockpit/figures", statuses(200, allowed=ALL)),
        Check("GET", lambda c: f"/api/v1/cockpit/figures?unit={c.grid.code}", statuses(200, allowed=SEE_GRID)),
    ],
}
