from django.utils import timezone
from ninja import Router, Schema

from jiceng.cockpit.registry import compute_figures
from jiceng.core.errors import NotFound
from jiceng.orgs.api import UnitRef
from jiceng.orgs.selectors import unit_get, unit_top_for

router = Router(tags=["cockpit"])


class FiguresOut(Schema):
    unit: UnitRef
    as_of: str
    figures: dict


@router.get("/figures", response=FiguresOut, summary="Live figures for a unit and everything under it")
def figures(request, unit: str | None = None):
    target = unit_get(user=request.user, code=unit) if unit else unit_top_for(request.user)
    if target is None:
        raise NotFound()
    return {"unit": target, "as_of": timezone.now().isoformat(), "figures": compute_figures(target)}
