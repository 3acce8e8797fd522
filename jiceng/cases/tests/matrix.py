from jiceng.core.matrix import ALL, SEE_GRID, SEE_STREET, Check, Exempt, statuses
from jiceng.core.testing import xlsx_upload

PAGE = {"anonymous": 302}
WORKERS = ["city_admin", "street_official", "community_worker", "grid_worker"]
ALL_IN = ["city_admin", "street_official", "community_worker", "grid_worker", "party_member", "resident", "outsider"]


def _case(c, point=(36.05, 111.42), code="E0101"):
    """A fresh case in grid G1 (or elsewhere), created by the system for the check."""
    from jiceng.cases.models import Category
    from jiceng.cases.services import case_submit

    case, _ = case_submit(actor=None, category=Category.objects.get(code=code), description="矩阵检查",
                          source="api", lat=point[0], lng=point[1])
    return case


def _case_code(c):
    if not hasattr(c, "_matrix_case"):
        c._matrix_case = _case(c)
    return c._matrix_case.code


def _street_case(c):
    if not hasattr(c, "_matrix_street_case"):
        c._matrix_street_case = _case(c, code="E0501")  # 路面塌陷: street level
    return c._matrix_street_case


def _department(c):
    from jiceng.cases.services import department_create

    if not hasattr(c, "_matrix_dept"):
        c._matrix_dept = department_create(actor=None, unit=c.county, name="区住建局", business_line="urban")
    return c._matrix_dept


def _whistle(c):
    from jiceng.cases.services import case_whistle

    if not hasattr(c, "_matrix_whistle"):
        case = _street_case(c)
        case_whistle(actor=None, case=case, departments=[_department(c)], version=None)
        c._matrix_whistle = case.whistles.get()
    return c._matrix_whistle


CHECKS = {
    # Public pages (their own tests: test_pages_public.py).
    "cases:report": Exempt("public phone page, anonymous allowed; tested in test_pages_public.py"),
    "cases:report_duplicates": Exempt("public fragment of the phone page; tested in test_pages_public.py"),
    "cases:report_code": Exempt("public SMS code of the phone page (throttled); tested in test_sms_check.py"),
    "cases:public": Exempt("public list and map of published cases only, snapped to 100 m, no personal data; "
                           "security/tests/test_public_map.py"),
    "cases:report_nearby": [
        Check("GET", lambda c: "/cases/report/nearby/?lat=36.05&lng=111.42&category=E0101",
              statuses(200, allowed=list(ALL), anonymous=200)),
    ],
    "cases:follow_lookup": [
        Check("GET", lambda c: "/cases/follow/?code=NOSUCHCODE", statuses(302, allowed=list(ALL), anonymous=302)),
        Check("GET", lambda c: "/cases/follow/?code=%3Cx%3E", statuses(404, allowed=[], anonymous=404)),
    ],
    "cases:follow_photo": Exempt("a published case's intake photo, public by design; tests/test_follow_page.py "
                                 "proves unpublished cases and other photos are 404"),
    "cases:follow": Exempt("public follow page: the code reads the status, rating needs the follow secret; "
                           "security/tests/test_follow_secret.py"),
    "cases:open311_root": Exempt("Open311 GeoReport v2, public by design; tested in test_open311.py"),
    "cases:open311_discovery": Exempt("Open311 GeoReport v2, public by design; tested in test_open311.py"),
    "cases:open311_services": Exempt("Open311 GeoReport v2, public by design; tested in test_open311.py"),
    "cases:open311_service": Exempt("Open311 GeoReport v2, public by design; tested in test_open311.py"),
    "cases:open311_requests": Exempt("Open311: published cases only, a key reads its jurisdiction, POST needs a "
                                     "key; security/tests/test_open311_public.py"),
    "cases:open311_request": Exempt("Open311: a code alone reads the status; security/tests/test_open311_public.py"),
    "cases:open311_token": Exempt("Open311 GeoReport v2, public by design; tested in test_open311.py"),
    "GET /api/v1/public/cases/{code}": Exempt("follow by case code without an account; security/tests/test_follow_secret.py"),
    "POST /api/v1/public/cases/{code}/rating": Exempt("reporter rates with the follow secret; "
                                                      "security/tests/test_follow_secret.py"),
    # Staff pages.
    "cases:queue": [Check("GET", lambda c: "/cases/queue/", statuses(200, allowed=ALL_IN, others=PAGE))],
    "cases:desk": [Check("GET", lambda c: "/cases/desk/", statuses(200, allowed=ALL_IN, others=PAGE)),
                   Check("GET", lambda c: f"/cases/desk/?unit={c.community.code}",
                         statuses(200, allowed=SEE_GRID[:4], others=PAGE))],
    "cases:board": [Check("GET", lambda c: f"/cases/board/?unit={c.street.code}",
                          statuses(200, allowed=SEE_STREET, others=PAGE))],
    "cases:detail": [Check("GET", lambda c: f"/cases/{_case_code(c)}/", statuses(200, allowed=SEE_GRID, others=PAGE))],
    "cases:act": [Check("POST", lambda c: f"/cases/{_case_code(c)}/act/",
                        statuses(302, allowed=WORKERS, others={**PAGE, "party_member": 403}),
                        data=lambda c: {"action": "register", "version": 1}, json=False)],
    # API.
    "GET /api/v1/case-categories": [Check("GET", lambda c: "/api/v1/case-categories",
                                          statuses(200, allowed=ALL_IN))],
    "POST /api/v1/cases": [Check("POST", lambda c: "/api/v1/cases", statuses(201, allowed=ALL_IN),
                                 data=lambda c: {"category": "E0101", "description": "垃圾", "lat": 36.05,
                                                 "lng": 111.42})],
    "GET /api/v1/cases": [Check("GET", lambda c: f"/api/v1/cases?unit={c.community.code}",
                                statuses(200, allowed=SEE_GRID[:4]))],
    "GET /api/v1/cases/{code}": [Check("GET", lambda c: f"/api/v1/cases/{_case_code(c)}",
                                       statuses(200, allowed=SEE_GRID))],
    "GET /api/v1/cases/{code}/timeline": [Check("GET", lambda c: f"/api/v1/cases/{_case_code(c)}/timeline",
                                                statuses(200, allowed=SEE_GRID))],
    "POST /api/v1/cases/{code}/actions": [
        Check("POST", lambda c: f"/api/v1/cases/{_case_code(c)}/actions",
              statuses(200, allowed=WORKERS, others={"party_member": 403}),
              data=lambda c: {"action": "register", "version": 1}),
        Check("POST", lambda c: f"/api/v1/cases/{_case_code(c)}/actions",
              statuses(409, allowed=WORKERS, others={"party_member": 409}),
              data=lambda c: {"action": "register", "version": 7}, note="stale version"),
    ],
    "POST /api/v1/cases/{code}/actions/with-photos": [
        Check("POST", lambda c: f"/api/v1/cases/{_case(c).code}/actions/with-photos",
              statuses(200, allowed=WORKERS, others={"party_member": 403}),
              data=lambda c: {"action": "register", "version": "1"}, json=False),
    ],
    "POST /api/v1/cases/{code}/whistle": [
        Check("POST", lambda c: f"/api/v1/cases/{_street_case(c).code}/whistle",
              statuses(200, allowed=SEE_STREET, others={"community_worker": 403, "grid_worker": 403,
                                                        "party_member": 403}),
              data=lambda c: {"departments": [_department(c).pk], "version": 1}),
    ],
    "POST /api/v1/whistles/{whistle_id}/report-in": [
        Check("POST", lambda c: f"/api/v1/whistles/{_whistle(c).pk}/report-in",
              statuses(200, allowed=SEE_STREET),
              data=lambda c: {"part": "派人到场"}),
    ],
    "POST /api/v1/cases/{code}/merge": [
        Check("POST", lambda c: f"/api/v1/cases/{_case_code(c)}/merge",
              statuses(200, allowed=WORKERS, others={"party_member": 403}),
              data=lambda c: {"into": _case(c).code, "version": 1}),
    ],
    "GET /api/v1/cases/{code}/duplicates": [Check("GET", lambda c: f"/api/v1/cases/{_case_code(c)}/duplicates",
                                                  statuses(200, allowed=SEE_GRID))],
    "GET /api/v1/case-measures": [Check("GET", lambda c: f"/api/v1/case-measures?unit={c.street.code}",
                                        statuses(200, allowed=SEE_STREET))],
    "GET /api/v1/case-supervision": [Check("GET", lambda c: "/api/v1/case-supervision",
                                           statuses(200, allowed=ALL_IN))],
}



CHECKS["POST /api/v1/cases/import"] = [
    Check("POST", lambda c: "/api/v1/cases/import",
          statuses(201, allowed=WORKERS, others={"party_member": 422, "resident": 422, "outsider": 422}),
          data=lambda c: {"file": xlsx_upload([["类别代码", "描述", "纬度", "经度"], ["E0101", "热线：垃圾堆放", 36.05, 111.42]])},
          json=False, note="a row outside the caller's writable area is a row error (422), as for units"),
]

WRITERS_ANYWHERE = WORKERS + ["outsider"]  # the hotline form is city-wide: any writer may record a call
CHECKS["cases:hotline"] = [
    Check("GET", lambda c: "/cases/hotline/",
          statuses(200, allowed=WRITERS_ANYWHERE, denied=403, others=PAGE)),
    Check("POST", lambda c: "/cases/hotline/",
          statuses(302, allowed=WRITERS_ANYWHERE, denied=403, others=PAGE),
          data=lambda c: {"category": "E0101", "description": "热线来电：垃圾", "lat": "36.05", "lng": "111.42"},
          json=False, note="party members and residents hold no write grant: 403"),
]

# The in-app notifications moved to accounts (/accounts/inbox/); the old address redirects everyone there.
CHECKS["cases:notifications"] = [
    Check("GET", lambda c: "/cases/notifications/", statuses(301, allowed=ALL_IN, others={"anonymous": 301})),
]

CHECKS["cases:whistle"] = [
    Check("POST", lambda c: f"/cases/{_street_case(c).code}/whistle/",
          statuses(302, allowed=SEE_STREET, others={**PAGE, "community_worker": 403, "grid_worker": 403,
                                                    "party_member": 403}),
          data=lambda c: {"departments": [_department(c).pk], "version": 1, "hours": 24}, json=False),
]
CHECKS["cases:merge"] = [
    Check("POST", lambda c: f"/cases/{_case_code(c)}/merge/",
          statuses(302, allowed=WORKERS, others={**PAGE, "party_member": 403}),
          data=lambda c: {"into": _case(c).code, "version": 1}, json=False),
]
CHECKS["cases:report_in"] = [
    Check("POST", lambda c: f"/cases/whistles/{_whistle(c).pk}/report-in/",
          statuses(302, allowed=SEE_STREET, others=PAGE), data=lambda c: {"part": "派人到场"}, json=False),
]

CHECKS["cases:patrol"] = [
    Check("GET", lambda c: "/cases/patrol/", statuses(200, allowed=WRITERS_ANYWHERE, denied=403, others=PAGE)),
    Check("POST", lambda c: "/cases/patrol/",
          statuses(302, allowed=WORKERS, denied=403, others={**PAGE, "outsider": 422}),
          data=lambda c: {"category": "E0101", "description": "巡查发现：垃圾", "lat": "36.05", "lng": "111.42"},
          json=False, note="a patrol report lies in the worker's own writable area: another street's writer gets 422"),
]


def _open311_key(c):
    """A fresh key for street S1 (each check revokes one)."""
    from jiceng.cases.services import open311_key_create

    return open311_key_create(actor=None, name="矩阵App", unit=c.street)[0]


# Open311 keys are credentials: made and revoked by managers of users (manage_users) over the key's
# jurisdiction; a street official sees the street but may not (403); elsewhere 404.
KEY_MANAGERS = ["city_admin"]
CHECKS["cases:open311_keys"] = [
    Check("GET", lambda c: "/cases/open311-keys/", statuses(200, allowed=KEY_MANAGERS, denied=403, others=PAGE)),
    Check("POST", lambda c: "/cases/open311-keys/", statuses(200, allowed=KEY_MANAGERS, denied=403, others=PAGE),
          data=lambda c: {"name": "街道App", "unit": c.street.code}, json=False),
]
CHECKS["cases:open311_key_revoke"] = [
    Check("POST", lambda c: f"/cases/open311-keys/{_open311_key(c).pk}/revoke/",
          statuses(302, allowed=KEY_MANAGERS, others={**PAGE, "street_official": 403}), data=lambda c: {},
          json=False),
]
CHECKS["GET /api/v1/open311-keys"] = [
    Check("GET", lambda c: "/api/v1/open311-keys", statuses(200, allowed=ALL_IN),
          note="filtered to the keys the caller may manage (an empty list for others)"),
]
CHECKS["POST /api/v1/open311-keys"] = [
    Check("POST", lambda c: "/api/v1/open311-keys",
          statuses(201, allowed=KEY_MANAGERS, others={"street_official": 403}),
          data=lambda c: {"name": "街道App", "unit": c.street.code}),
]
CHECKS["POST /api/v1/open311-keys/{key_id}/revoke"] = [
    Check("POST", lambda c: f"/api/v1/open311-keys/{_open311_key(c).pk}/revoke",
          statuses(200, allowed=KEY_MANAGERS, others={"street_official": 403}), data=lambda c: {}),
]


def _card(c):
    """A fresh supervision card: a case of grid G1 misses its deadline, the community K1 holds the card."""
    from django.utils import timezone

    from jiceng.cases.services import case_breach

    case = _case(c)
    case_breach(case=case, now=timezone.now())
    return case.cards.get()


# Chase-up (催办) needs `supervise` over the card's holding unit (community K1): the street and the city;
# K1's own staff and members see the card but may not (403); the grid below, residents and the other
# street do not see it (404).
CHECKS["cases:chase"] = [
    Check("POST", lambda c: f"/cases/cards/{_card(c).pk}/chase/",
          statuses(302, allowed=SEE_STREET, others={**PAGE, "community_worker": 403, "party_member": 403}),
          data=lambda c: {}, json=False),
]

# A signed-in reporter's own cases (test_my_reports.py: only the user's own).
CHECKS["cases:mine"] = [Check("GET", lambda c: "/cases/mine/", statuses(200, allowed=ALL_IN, others=PAGE))]
