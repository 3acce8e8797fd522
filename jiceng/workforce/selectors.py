"""Reads of the workforce app, scope-filtered. The roster, pay and evaluations need the VIEW capability
(`reveal_pii`): inside the area without it → 403, outside → 404."""

import datetime

from django.db.models import Count, Q

from jiceng.core.errors import Forbidden, NotFound
from jiceng.core.scope import require_scope, scope_filter, scope_prefixes, subtree_q
from jiceng.orgs.models import Unit
from jiceng.workforce.models import (
    ConfigItem,
    Evaluation,
    PayrollLine,
    PayrollRun,
    Power,
    PowerGrant,
    StreetConfig,
    Worker,
    WorkerStatus,
)
from jiceng.workforce.services import VIEW


def require_view(user, unit: Unit):
    require_scope(user, unit.path, VIEW)


def may_view_any(user) -> bool:
    return bool(scope_prefixes(user, VIEW))


def workers_in(*, user, unit: Unit, status: str = "", post: str = "", q: str = ""):
    qs = scope_filter(Worker.objects.select_related("person", "community"), user, "unit_path", capability=VIEW)
    qs = qs.filter(subtree_q(unit.path, "unit_path"))
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status=WorkerStatus.ENDED)
    if post:
        qs = qs.filter(post=post)
    if q:
        qs = qs.filter(person__name__startswith=q.strip())
    return qs.order_by("unit_path", "-post", "person__name", "id")


def worker_get(*, user, pk: int) -> Worker:
    """The access helper for workers: 404 unknown or outside the area, 403 for a role that may not see."""
    worker = Worker.objects.select_related("person", "community").filter(pk=pk).first()
    if worker is None:
        raise NotFound()
    require_scope(user, worker.unit_path, VIEW)
    return worker


def run_get(*, user, pk: int) -> PayrollRun:
    run = PayrollRun.objects.select_related("street").filter(pk=pk).first()
    if run is None:
        raise NotFound()
    require_scope(user, run.unit_path, VIEW)
    return run


def runs_in(*, user, unit: Unit, year: int | None = None):
    qs = scope_filter(PayrollRun.objects.select_related("street"), user, "unit_path", capability=VIEW)
    qs = qs.filter(subtree_q(unit.path, "unit_path"))
    if year:
        qs = qs.filter(month__year=year)
    return qs.order_by("-month", "unit_path")


def pay_line_get(*, user, worker: Worker, month: datetime.date) -> PayrollLine:
    line = PayrollLine.objects.select_related("run").filter(worker=worker, month=month).order_by("-id").first()
    if line is None:
        raise NotFound()
    require_scope(user, line.unit_path, VIEW)
    return line


def evaluation_get(*, user, pk: int) -> Evaluation:
    evaluation = Evaluation.objects.select_related("worker__person", "worker__community").filter(pk=pk).first()
    if evaluation is None:
        raise NotFound()
    require_scope(user, evaluation.unit_path, VIEW)
    return evaluation


def evaluations_in(*, user, unit: Unit, year: int):
    qs = scope_filter(Evaluation.objects.select_related("worker__person", "worker__community"), user, "unit_path",
                      capability=VIEW)
    return qs.filter(subtree_q(unit.path, "unit_path"), year=year).order_by("unit_path", "worker__person__name")


def evaluations_due(*, user, unit: Unit, year: int):
    """Active workers hired by the end of `year` without an evaluation for it."""
    done = Evaluation.objects.filter(year=year).values("worker_id")
    return (workers_in(user=user, unit=unit, status=WorkerStatus.ACTIVE)
            .filter(hire_date__lte=datetime.date(year, 12, 31)).exclude(pk__in=done))


# --- street configuration ------------------------------------------------------------------------

ITEMS = [c.value for c in ConfigItem]


def street_checklist(*, user, unit: Unit) -> list[dict]:
    """Each street under `unit`: its items present or missing, with head and staffing."""
    require_scope(user, unit.path, "read")
    streets = list(scope_filter(Unit.objects.filter(subtree_q(unit.path), kind="street"), user)
                   .order_by("code").select_related("parent"))
    rows = {}
    for row in StreetConfig.objects.filter(subtree_q(unit.path, "unit_path")):
        rows.setdefault(row.street_id, {})[row.item] = row
    grants = dict(PowerGrant.objects.filter(subtree_q(unit.path, "unit_path")).values("street_id")
                  .annotate(n=Count("id")).values_list("street_id", "n"))
    out = []
    for street in streets:
        items = rows.get(street.pk, {})
        entries = [{"item": item, "label": ConfigItem(item).label, "row": items.get(item),
                    "present": bool(items.get(item) and items[item].present)} for item in ITEMS]
        missing = [e for e in entries if not e["present"]]
        out.append({"street": street, "items": entries, "missing": missing, "complete": not missing,
                    "powers": grants.get(street.pk, 0)})
    return out


def gaps_by_county(checklist: list[dict]) -> list[dict]:
    counties: dict[int, dict] = {}
    for entry in checklist:
        county = entry["street"].parent
        slot = counties.setdefault(county.pk, {"county": county, "streets": 0, "complete": 0, "gaps": []})
        slot["streets"] += 1
        if entry["complete"]:
            slot["complete"] += 1
        else:
            slot["gaps"].append(entry)
    return list(counties.values())


def streets_fully_configured(unit: Unit) -> int:
    complete = (StreetConfig.objects.filter(subtree_q(unit.path, "unit_path"), present=True)
                .values("street_id").annotate(n=Count("item", distinct=True)).filter(n=len(ITEMS)))
    return complete.count()


def powers_in(*, user, unit: Unit):
    """The catalogues that cover `unit` (kept by it, above it or below it) with their grants in the area."""
    require_scope(user, unit.path, "read")
    codes = unit.ancestor_codes
    above = Q(owner__code__in=codes)
    qs = Power.objects.filter(above | subtree_q(unit.path, "unit_path")).select_related("owner").order_by("owner__code",
                                                                                                        "id")
    grants = scope_filter(PowerGrant.objects.filter(subtree_q(unit.path, "unit_path")).select_related("street"),
                          user, "unit_path").order_by("street__code")
    by_power: dict[int, list] = {}
    for grant in grants:
        by_power.setdefault(grant.power_id, []).append(grant)
    return [(power, by_power.get(power.pk, [])) for power in qs]


def power_get(*, user, pk: int) -> Power:
    power = Power.objects.select_related("owner").filter(pk=pk).first()
    if power is None:
        raise NotFound()
    if not any(power.unit_path.startswith(p) or p.startswith(power.unit_path) for p in scope_prefixes(user)):
        raise NotFound()
    return power


def forbid_unless(condition: bool):
    if not condition:
        raise Forbidden()


def seats_in(*, user, unit: Unit, on: datetime.date | None = None):
    """Two-committee seats under a unit (VIEW: they name people), of the term running `on` or all."""
    from jiceng.workforce.models import CommitteeSeat

    qs = scope_filter(CommitteeSeat.objects.select_related("person", "community", "worker"), user, "unit_path",
                      capability=VIEW)
    qs = qs.filter(subtree_q(unit.path, "unit_path"))
    if on is not None:
        qs = qs.filter(term_start__lte=on, term_end__gte=on)
    return qs.order_by("unit_path", "committee", "role", "-term_start", "id")


def county_of(unit: Unit) -> Unit | None:
    """The county a unit lies in (itself for a county; None for the city)."""
    from jiceng.workforce.services import county_code_of

    if unit.kind == "city":
        return None
    if unit.kind == "county":
        return unit
    return Unit.objects.filter(code=county_code_of(unit.path), kind="county").first()
