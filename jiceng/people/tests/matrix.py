from jiceng.core.matrix import SEE_GRID, SEE_HOUSEHOLD, SEE_OTHER_STREET, Check, statuses
from jiceng.core.testing import xlsx_upload

PAGE = {"anonymous": 302}
REVEAL = ["city_admin", "street_official", "community_worker"]

CHECKS = {
    "people:list": [Check("GET", lambda c: "/people/", statuses(200, allowed=SEE_HOUSEHOLD + ["outsider"], others=PAGE))],
    "people:detail": [
        Check("GET", lambda c: f"/people/{c.resident_person.pk}/", statuses(200, allowed=SEE_HOUSEHOLD, others=PAGE)),
        Check("GET", lambda c: f"/people/{c.other_person.pk}/", statuses(200, allowed=SEE_OTHER_STREET, others=PAGE)),
    ],
    "people:reveal": [
        Check("POST", lambda c: f"/people/{c.resident_person.pk}/reveal/",
              statuses(200, allowed=REVEAL, others={**PAGE, "grid_worker": 403, "party_member": 403,
                                                    "resident": 403}),
              data=lambda c: {"field": "phone"}, json=False),
    ],
    "GET /api/v1/people": [
        Check("GET", lambda c: f"/api/v1/people?unit={c.grid.code}", statuses(200, allowed=SEE_GRID)),
    ],
    "GET /api/v1/people/{person_id}": [
        Check("GET", lambda c: f"/api/v1/people/{c.resident_person.pk}", statuses(200, allowed=SEE_HOUSEHOLD)),
        Check("GET", lambda c: f"/api/v1/people/{c.other_person.pk}", statuses(200, allowed=SEE_OTHER_STREET)),
    ],
    "POST /api/v1/people": [
        Check("POST", lambda c: "/api/v1/people",
              statuses(201, allowed=SEE_GRID, others={"party_member": 403, "resident": 403}),
              data=lambda c: {"household": c.household.code, "name": "刘洋", "gender": "M"}),
    ],
    "POST /api/v1/people/{person_id}/reveal": [
        Check("POST", lambda c: f"/api/v1/people/{c.resident_person.pk}/reveal",
              statuses(200, allowed=REVEAL, others={"grid_worker": 403, "party_member": 403, "resident": 403}),
              data=lambda c: {"field": "id_number"}),
    ],
}



CHECKS.update({
    "POST /api/v1/people/import": [Check("POST", lambda c: "/api/v1/people/import",
                                         statuses(201, allowed=SEE_GRID, others={"party_member": 422, "resident": 422,
                                                                                 "outsider": 422}),
                                         data=lambda c: {"file": xlsx_upload([["姓名", "性别", "户代码"],
                                                                         ["孙八", "男", c.household.code]])}, json=False,
                                         note="households outside the caller's area are row errors (422)")],
    "GET /api/v1/people/export.xlsx": [Check("GET", lambda c: f"/api/v1/people/export.xlsx?unit={c.grid.code}",
                                             statuses(200, allowed=SEE_GRID))],
})


# ---------------------------------------------------------------- party-member central households (issue 15)

def _ch(c):
    """李娜 (a member of grid G1's branch, living in G1) looks after household H1."""
    if getattr(c, "_ch", None) is None:
        from jiceng.people import services

        c._ch = services.central_household_create(actor=None, member=c.member_person.party_membership, grid=c.grid,
                                                  households=[c.household])
    return c._ch


GRID_WRITERS = ["city_admin", "street_official", "community_worker", "grid_worker"]
WRITE_PAGE = {**PAGE, "party_member": 403}
WRITE_API = {"party_member": 403}

CHECKS.update({
    "people:central_households": [
        Check("GET", lambda c: f"/people/central-households/?grid={c.grid.code}",
              statuses(200, allowed=SEE_GRID, others=PAGE)),
        Check("POST", lambda c: f"/people/central-households/?grid={c.grid.code}",
              statuses(302, allowed=GRID_WRITERS, others=WRITE_PAGE),
              data=lambda c: {"member": c.member_person.party_membership.pk, "households": [c.household.pk]},
              json=False),
    ],
    "people:central_household": [
        Check("GET", lambda c: f"/people/central-households/{_ch(c).pk}/", statuses(200, allowed=SEE_GRID, others=PAGE)),
        Check("POST", lambda c: f"/people/central-households/{_ch(c).pk}/",
              statuses(302, allowed=GRID_WRITERS, others=WRITE_PAGE), data=lambda c: {"households": [c.household.pk]},
              json=False),
    ],
    "people:central_household_visit": [
        Check("POST", lambda c: f"/people/central-households/{_ch(c).pk}/visits/",
              statuses(302, allowed=GRID_WRITERS, others=WRITE_PAGE),
              data=lambda c: {"household": c.household.pk, "visited_on": "2026-01-05", "note": "走访"}, json=False),
    ],
    "GET /api/v1/central-households": [
        Check("GET", lambda c: f"/api/v1/central-households?grid={c.grid.code}", statuses(200, allowed=SEE_GRID)),
    ],
    "POST /api/v1/central-households": [
        Check("POST", lambda c: "/api/v1/central-households", statuses(201, allowed=GRID_WRITERS, others=WRITE_API),
              data=lambda c: {"grid": c.grid.code, "person_id": c.member_person.pk, "households": [c.household.code]}),
    ],
    "GET /api/v1/central-households/{ch_id}": [
        Check("GET", lambda c: f"/api/v1/central-households/{_ch(c).pk}", statuses(200, allowed=SEE_GRID)),
    ],
    "PUT /api/v1/central-households/{ch_id}/households": [
        Check("PUT", lambda c: f"/api/v1/central-households/{_ch(c).pk}/households",
              statuses(200, allowed=GRID_WRITERS, others=WRITE_API), data=lambda c: {"households": [c.household.code]}),
    ],
    "GET /api/v1/central-households/{ch_id}/visits": [
        Check("GET", lambda c: f"/api/v1/central-households/{_ch(c).pk}/visits", statuses(200, allowed=SEE_GRID)),
    ],
    "POST /api/v1/central-households/{ch_id}/visits": [
        Check("POST", lambda c: f"/api/v1/central-households/{_ch(c).pk}/visits",
              statuses(201, allowed=GRID_WRITERS, others=WRITE_API),
              data=lambda c: {"household": c.household.code, "visited_on": "2026-01-05", "note": "走访"}),
    ],
})
