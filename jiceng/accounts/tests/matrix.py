from jiceng.core.matrix import ALL, Check, statuses

CHECKS = {
    "accounts:login": [Check("GET", lambda c: "/accounts/login/", statuses(200, allowed=ALL, others={"anonymous": 200}))],
    "accounts:logout": [Check("POST", lambda c: "/accounts/logout/", statuses(302, allowed=ALL,
                                                                              others={"anonymous": 302}))],
    "POST /api/v1/auth/token": [
        Check("POST", lambda c: "/api/v1/auth/token", statuses(401, allowed=ALL, others={"anonymous": 401}),
              data=lambda c: {"username": "city_admin", "password": "wrong-password"}, note="bad password"),
        Check("POST", lambda c: "/api/v1/auth/token", statuses(200, allowed=ALL, others={"anonymous": 200}),
              data=lambda c: {"username": "grid_worker", "password": "pass-grid_worker"}),
    ],
    "DELETE /api/v1/auth/token": [
        Check("DELETE", lambda c: "/api/v1/auth/token", statuses(422, allowed=ALL, others={"anonymous": 401}),
              note="a session is not a token"),
    ],
    "GET /api/v1/auth/me": [Check("GET", lambda c: "/api/v1/auth/me", statuses(200, allowed=ALL))],
    # Everyone manages only their own tokens.
    "accounts:tokens": [
        Check("GET", lambda c: "/accounts/tokens/", statuses(200, allowed=ALL, others={"anonymous": 302})),
        Check("POST", lambda c: "/accounts/tokens/", statuses(200, allowed=ALL, others={"anonymous": 302}),
              data=lambda c: {"name": "矩阵"}, json=False),
    ],
    # Everyone reads their own in-app notifications (and their desks') and marks their own as read.
    "accounts:notifications": [
        Check("GET", lambda c: "/accounts/inbox/", statuses(200, allowed=ALL, others={"anonymous": 302})),
        Check("POST", lambda c: "/accounts/inbox/", statuses(302, allowed=ALL, others={"anonymous": 302}),
              data=lambda c: {}, json=False, note="marks the caller's own notifications as read"),
    ],
    # Everyone sets their own notification channels and quiet hours.
    "accounts:notification_settings": [
        Check("GET", lambda c: "/accounts/notifications/", statuses(200, allowed=ALL, others={"anonymous": 302})),
        Check("POST", lambda c: "/accounts/notifications/", statuses(302, allowed=ALL, others={"anonymous": 302}),
              data=lambda c: {"sms": "on", "quiet_start": "22:00", "quiet_end": "07:00"}, json=False),
    ],
    "accounts:token_revoke": [
        Check("POST", lambda c: f"/accounts/tokens/{_admin_token(c).pk}/revoke/",
              statuses(302, allowed=["city_admin"], others={"anonymous": 302}), json=False,
              note="another user's token is 404, even for a city administrator's colleagues"),
    ],
}


def _admin_token(c):
    from jiceng.accounts.services import token_create

    if not hasattr(c, "_matrix_token"):
        c._matrix_token, _key = token_create(user=c.users["city_admin"], name="matrix")
    return c._matrix_token
