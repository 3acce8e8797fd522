from django.utils import timezone
from ninja import Router, Schema

from jiceng.cockpit.registry import compute_figures
from jiceng.orgs.api import UnitRef
from jiceng.orgs.selectors import unit_or_top

router = Router(tags=["cockpit"])


class FiguresOut(Schema):
    unit: UnitRef
    as_of: str
    figures: dict


@router.get("/figures", response=FiguresOut, summary="Live figures for a unit and everything under it")
def figures(request, unit: str | None = None):
    target = unit_or_top(user=request.user, code=unit)
    return {"unit": target, "as_of": timezone.now().isoformat(), "figures": compute_figures(target)}
