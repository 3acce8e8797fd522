from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jiceng.accounts.services import login_check, token_create, token_revoke
from jiceng.core.errors import ValidationFailed
from jiceng.core.scope import user_grants

router = Router(tags=["auth"])
PREFIX = "/auth/"


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    token: str
    expires_at: str


class GrantOut(Schema):
    role: str
    unit: str
    unit_name: str


class MeOut(Schema):
    username: str
    display_name: str
    grants: list[GrantOut]


@router.post("/token", auth=None, response={200: TokenOut}, openapi_extra={"x-error-statuses": [401]},
             summary="Exchange username and password for a token")
def create_token(request, payload: TokenIn):
    if not payload.username or not payload.password:
        raise ValidationFailed(_("Username and password are required."))
    user = login_check(request=request, username=payload.username, password=payload.password)
    token, key = token_create(user=user, name=payload.name)
    return {"token": key, "expires_at": token.expires_at.isoformat()}


@router.delete("/token", response={204: None}, summary="Revoke the token used for this request")
def revoke_token(request):
    token = getattr(request.user, "_jiceng_token", None)
    if token is None:
        raise ValidationFailed(_("This request was not made with a token."))
    token_revoke(actor=request.user, token=token)
    return Status(204, None)


@router.get("/me", response=MeOut, summary="Who am I, and where may I act")
def me(request):
    user = request.user
    return {"username": user.username, "display_name": user.display_name,
            "grants": [{"role": g.role, "unit": g.unit.code, "unit_name": g.unit.name} for g in user_grants(user)]}
