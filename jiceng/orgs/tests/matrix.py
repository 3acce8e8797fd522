from jiceng.core.matrix import (
    SEE_CITY,
    SEE_COMMUNITY,
    SEE_GRID,
    SEE_HOUSEHOLD,
    SEE_OTHER_STREET,
    SEE_STREET,
    Check,
    statuses,
)
from jiceng.core.testing import xlsx_upload

PAGE = {"anonymous": 302}
STRUCTURE_IN_STREET = ["city_admin", "street_official"]

CHECKS = {
    "orgs:home": [Check("GET", lambda c: "/", statuses(302, allowed=SEE_CITY + [
        "street_official", "community_worker", "grid_worker", "party_member", "resident", "outsider"], others=PAGE))],
    "orgs:units": [Check("GET", lambda c: "/units/", statuses(302, allowed=SEE_CITY + [
        "street_official", "community_worker", "grid_worker", "party_member", "resident", "outsider"], others=PAGE))],
    "orgs:unit": [
        Check("GET", lambda c: f"/units/{c.grid.code}/", statuses(200, allowed=SEE_GRID, others=PAGE)),
        Check("GET", lambda c: f"/units/{c.household.code}/", statuses(200, allowed=SEE_HOUSEHOLD, others=PAGE)),
        Check("GET", lambda c: f"/units/{c.street2.code}/", statuses(200, allowed=SEE_OTHER_STREET, others=PAGE)),
        Check("GET", lambda c: f"/units/{c.city.code}/", statuses(200, allowed=SEE_CITY, others=PAGE)),
    ],
    "GET /api/v1/units/{code}": [
        Check("GET", lambda c: f"/api/v1/units/{c.grid.code}", statuses(200, allowed=SEE_GRID)),
        Check("GET", lambda c: "/api/v1/units/999999", statuses(404, allowed=[])),
    ],
    "GET /api/v1/units/{code}/children": [
        Check("GET", lambda c: f"/api/v1/units/{c.street.code}/children", statuses(200, allowed=SEE_STREET)),
    ],
    "GET /api/v1/units/{code}/counts": [
        Check("GET", lambda c: f"/api/v1/units/{c.community.code}/counts",
              statuses(200, allowed=SEE_GRID[:4] + ["party_member"])),
    ],
    "GET /api/v1/units/{code}/geometry": [
        Check("GET", lambda c: f"/api/v1/units/{c.grid.code}/geometry", statuses(200, allowed=SEE_GRID)),
    ],
    "GET /api/v1/units/{code}/party-chain": [
        Check("GET", lambda c: f"/api/v1/units/{c.grid.code}/party-chain", statuses(200, allowed=SEE_GRID)),
    ],
    "POST /api/v1/units": [
        Check("POST", lambda c: "/api/v1/units",
              statuses(201, allowed=["city_admin", "street_official", "community_worker"],
                       others={"party_member": 403}),
              data=lambda c: {"parent": c.community.code, "kind": "grid", "code": "141002001001009",
                              "name": "新网格"}),
    ],
    "PATCH /api/v1/units/{code}": [
        Check("PATCH", lambda c: f"/api/v1/units/{c.grid.code}",
              statuses(200, allowed=["city_admin", "street_official", "community_worker"],
                       others={"grid_worker": 403, "party_member": 403}),
              data=lambda c: {"name": "第一网格（更名）"}),
    ],
    "POST /api/v1/units/{code}/move": [
        Check("POST", lambda c: f"/api/v1/units/{c.compound.code}/move",
              statuses(200, allowed=["city_admin", "street_official", "community_worker"],
                       others={"party_member": 403}),
              data=lambda c: {"new_parent": c.grid_b.code}),
    ],
    "GET /api/v1/party-orgs": [
        Check("GET", lambda c: f"/api/v1/party-orgs?unit={c.street.code}", statuses(200, allowed=STRUCTURE_IN_STREET)),
    ],
    "GET /api/v1/party-orgs/{org_id}": [
        Check("GET", lambda c: f"/api/v1/party-orgs/{c.org_grid.pk}", statuses(200, allowed=SEE_GRID)),
        Check("GET", lambda c: f"/api/v1/party-orgs/{c.org_street2.pk}", statuses(200, allowed=SEE_OTHER_STREET)),
    ],
}

STRUCTURE = ["city_admin", "street_official", "community_worker"]



CHECKS.update({
    "orgs:import_units": [Check("POST", lambda c: f"/units/{c.community.code}/import/units/",
                                statuses(302, allowed=STRUCTURE, others={**PAGE, "party_member": 403}),
                                data=lambda c: {"file": xlsx_upload([["代码", "名称", "类型", "上级代码"],
                                                                ["141002001001007", "七网格", "网格", c.community.code]])},
                                json=False)],
    "orgs:import_people": [Check("POST", lambda c: f"/units/{c.grid.code}/import/people/",
                                 statuses(302, allowed=SEE_GRID[:3] + ["grid_worker"],
                                          others={**PAGE, "party_member": 403, "resident": 404}),
                                 data=lambda c: {"file": xlsx_upload([["姓名", "性别", "户代码"], ["孙八", "男", c.household.code]])},
                                 json=False, note="import_people checks write scope per row; page 403 comes from the row")],
    "orgs:export": [Check("GET", lambda c: f"/units/{c.grid.code}/export/units.xlsx", statuses(200, allowed=SEE_GRID,
                                                                                             others=PAGE))],
    "POST /api/v1/units/import": [Check("POST", lambda c: "/api/v1/units/import",
                                        statuses(201, allowed=STRUCTURE, others={"grid_worker": 422, "party_member": 422,
                                                                                 "resident": 422, "outsider": 422}),
                                        data=lambda c: {"file": xlsx_upload([["代码", "名称", "类型", "上级代码"],
                                                                        ["141002001001008", "八网格", "网格",
                                                                         c.community.code]])}, json=False,
                                        note="rows outside the caller's area are row errors (422)")],
    "GET /api/v1/units/{code}/export.xlsx": [Check("GET", lambda c: f"/api/v1/units/{c.grid.code}/export.xlsx",
                                                   statuses(200, allowed=SEE_GRID))],
})


# ---------------------------------------------------------------- party chain and big committees (issue 15)

def _group(c):
    """A party group on grid G1 under the community committee (nothing under it: it may be dissolved)."""
    if getattr(c, "_group", None) is None:
        from jiceng.orgs import services

        c._group = services.party_org_create(actor=None, unit=c.grid, kind="grid_group", name="第一网格党小组",
                                             parent=c.org_community)
    return c._group


def _roster_member(c):
    from jiceng.orgs.models import PartTimeMember

    return PartTimeMember.objects.filter(committee=c.committee).first()


GRID_WRITE = {**PAGE, "grid_worker": 403, "party_member": 403}
K1_WRITE = {**PAGE, "party_member": 403}

CHECKS.update({
    "orgs:party_orgs": [
        Check("GET", lambda c: f"/units/{c.community.code}/party-orgs/", statuses(200, allowed=SEE_COMMUNITY,
                                                                                 others=PAGE)),
        Check("POST", lambda c: f"/units/{c.grid.code}/party-orgs/", statuses(302, allowed=STRUCTURE, others=GRID_WRITE),
              data=lambda c: {"kind": "grid_group", "name": "新党小组", "parent": c.org_community.pk}, json=False),
    ],
    "orgs:party_org": [
        Check("GET", lambda c: f"/party-orgs/{c.org_grid.pk}/", statuses(200, allowed=SEE_GRID, others=PAGE)),
        Check("POST", lambda c: f"/party-orgs/{c.org_grid.pk}/", statuses(302, allowed=STRUCTURE, others=GRID_WRITE),
              data=lambda c: {"name": "第一网格党支部（更名）"}, json=False),
    ],
    "orgs:party_org_move": [
        Check("POST", lambda c: f"/party-orgs/{_group(c).pk}/move/", statuses(302, allowed=STRUCTURE,
                                                                              others=GRID_WRITE),
              data=lambda c: {"parent": c.org_community.pk}, json=False),
    ],
    "orgs:party_org_dissolve": [
        Check("POST", lambda c: f"/party-orgs/{_group(c).pk}/dissolve/", statuses(302, allowed=STRUCTURE,
                                                                                  others=GRID_WRITE), json=False),
    ],
    "orgs:committees": [
        Check("GET", lambda c: f"/units/{c.community.code}/big-committee/", statuses(200, allowed=SEE_COMMUNITY,
                                                                                    others=PAGE)),
        Check("POST", lambda c: f"/units/{c.community.code}/big-committee/", statuses(302, allowed=STRUCTURE,
                                                                                     others=K1_WRITE),
              data=lambda c: {"term_start": "2029-01-01", "term_end": "2033-12-31"}, json=False),
    ],
    "orgs:committee": [
        Check("GET", lambda c: f"/big-committees/{c.committee.pk}/", statuses(200, allowed=SEE_COMMUNITY, others=PAGE)),
    ],
    "orgs:committee_member_add": [
        Check("POST", lambda c: f"/big-committees/{c.committee.pk}/members/", statuses(302, allowed=STRUCTURE,
                                                                                      others=K1_WRITE),
              data=lambda c: {"name": "钱敏", "source": "owners_committee", "source_org": "幸福小区业委会"}, json=False),
    ],
    "orgs:committee_renew": [
        Check("POST", lambda c: f"/big-committees/{c.committee.pk}/renew/", statuses(302, allowed=STRUCTURE,
                                                                                    others=K1_WRITE),
              data=lambda c: {"term_end": "2033-12-31", "carry_over": "on"}, json=False),
    ],
    "orgs:committee_member_leave": [
        Check("POST", lambda c: f"/big-committees/members/{_roster_member(c).pk}/leave/",
              statuses(302, allowed=STRUCTURE, others=K1_WRITE), data=lambda c: {"left_on": "2026-06-30"}, json=False),
    ],
    "POST /api/v1/party-orgs": [
        Check("POST", lambda c: "/api/v1/party-orgs", statuses(201, allowed=STRUCTURE,
                                                               others={"grid_worker": 403, "party_member": 403}),
              data=lambda c: {"unit": c.grid.code, "kind": "grid_group", "name": "新党小组",
                              "parent_id": c.org_community.pk}),
    ],
    "PATCH /api/v1/party-orgs/{org_id}": [
        Check("PATCH", lambda c: f"/api/v1/party-orgs/{c.org_grid.pk}",
              statuses(200, allowed=STRUCTURE, others={"grid_worker": 403, "party_member": 403}),
              data=lambda c: {"name": "第一网格党支部（更名）"}),
    ],
    "POST /api/v1/party-orgs/{org_id}/move": [
        Check("POST", lambda c: f"/api/v1/party-orgs/{_group(c).pk}/move",
              statuses(200, allowed=STRUCTURE, others={"grid_worker": 403, "party_member": 403}),
              data=lambda c: {"parent_id": c.org_community.pk}),
    ],
    "DELETE /api/v1/party-orgs/{org_id}": [
        Check("DELETE", lambda c: f"/api/v1/party-orgs/{_group(c).pk}",
              statuses(204, allowed=STRUCTURE, others={"grid_worker": 403, "party_member": 403})),
    ],
    "GET /api/v1/units/{code}/big-committees": [
        Check("GET", lambda c: f"/api/v1/units/{c.community.code}/big-committees", statuses(200, allowed=SEE_COMMUNITY)),
    ],
    "POST /api/v1/big-committees": [
        Check("POST", lambda c: "/api/v1/big-committees", statuses(201, allowed=STRUCTURE, others={"party_member": 403}),
              data=lambda c: {"unit": c.community.code, "term_start": "2029-01-01", "term_end": "2033-12-31"}),
    ],
    "GET /api/v1/big-committees/{committee_id}": [
        Check("GET", lambda c: f"/api/v1/big-committees/{c.committee.pk}", statuses(200, allowed=SEE_COMMUNITY)),
    ],
    "POST /api/v1/big-committees/{committee_id}/renew": [
        Check("POST", lambda c: f"/api/v1/big-committees/{c.committee.pk}/renew",
              statuses(201, allowed=STRUCTURE, others={"party_member": 403}), data=lambda c: {"term_end": "2033-12-31"}),
    ],
    "POST /api/v1/big-committees/{committee_id}/members": [
        Check("POST", lambda c: f"/api/v1/big-committees/{c.committee.pk}/members",
              statuses(201, allowed=STRUCTURE, others={"party_member": 403}),
              data=lambda c: {"name": "钱敏", "source": "owners_committee", "source_org": "幸福小区业委会"}),
    ],
    "POST /api/v1/big-committee-members/{member_id}/leave": [
        Check("POST", lambda c: f"/api/v1/big-committee-members/{_roster_member(c).pk}/leave",
              statuses(200, allowed=STRUCTURE, others={"party_member": 403}), data=lambda c: {"left_on": "2026-06-30"}),
    ],
})
