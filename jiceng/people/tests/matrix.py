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
