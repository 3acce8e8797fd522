"""Secretary-led project figures (F2) for a unit and everything under it."""

from django.db.models import Count

from jiceng.core.scope import subtree_q
from jiceng.projects.models import Project, ProjectStatus


def figures(unit, *, today) -> dict:
    rows = (Project.objects.filter(subtree_q(unit.path, "unit_path"), year=today.year)
            .exclude(status=ProjectStatus.SUSPENDED).values("level").annotate(n=Count("id")).order_by())
    by_level = {r["level"]: r["n"] for r in rows}
    return {f"secretary_projects_{level}": by_level.get(level, 0) for level in ("county", "street", "community")}
