"""The year-end assessment (F4): secretary report and review (述职评议) and the target-responsibility
indicator tree; compute, rank, publish (publishing freezes the results).

Every write checks scope, refuses to touch a published assessment (409), validates, runs in a
transaction and writes the audit log.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit_record
from jiceng.core.errors import Conflict, Forbidden, ValidationFailed
from jiceng.core.scope import require_scope, subtree_q
from jiceng.orgs.models import Unit
from jiceng.projects import indicators
from jiceng.projects.indicator_tree import validate_tree
from jiceng.projects.models import (
    DEFAULT_THRESHOLDS,
    PROJECT_LEVELS,
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Indicator,
    IndicatorEntry,
    Rater,
    Rating,
    ReviewScore,
    RubricCriterion,
    SecretaryReport,
)


def _require_draft(assessment: Assessment):
    status = Assessment.objects.filter(pk=assessment.pk).values_list("status", flat=True).first()
    if status == AssessmentStatus.PUBLISHED:
        raise Conflict(_("The %(year)d assessment is published and frozen; it can no longer be changed.")
                       % {"year": assessment.year}, code="published")


def _level(level):
    if level not in PROJECT_LEVELS:
        raise ValidationFailed(_("Assessments cover counties, streets and communities, not “%(l)s”.")
                               % {"l": level}, field="level")


def validate_thresholds(thresholds: dict) -> dict:
    t = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    if set(t) != set(DEFAULT_THRESHOLDS) or not all(isinstance(v, int | float) for v in t.values()):
        raise ValidationFailed(_("Thresholds are given for good, fairly_good and average."), field="thresholds")
    if not 100 >= t["good"] > t["fairly_good"] > t["average"] >= 0:
        raise ValidationFailed(_("Thresholds must fall: good > fairly good > average, between 0 and 100."),
                               field="thresholds")
    return t


def assessment_create(*, actor, unit: Unit, year: int, title: str = "", thresholds: dict | None = None,
                      review_weight: float = 0.3) -> Assessment:
    require_scope(actor, unit.path, "supervise")
    if unit.kind not in ("city", "county"):
        raise ValidationFailed(_("The year-end assessment is run by the city or a county."), field="unit")
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("The year is out of range."), field="year")
    if not 0 <= review_weight <= 1:
        raise ValidationFailed(_("The review's weight is between 0 and 1."), field="review_weight")
    t = validate_thresholds(thresholds or {})
    with transaction.atomic():
        if Assessment.objects.filter(unit=unit, year=year).exists():
            raise Conflict(_("%(unit)s already has an assessment for %(year)d.") % {"unit": unit.name, "year": year})
        a = Assessment.objects.create(unit=unit, unit_path=unit.path, year=year, thresholds=t,
                                      review_weight=review_weight,
                                      title=(title or "").strip() or _("%(year)d year-end assessment") % {"year": year})
        audit_record(actor=actor, action="assessment.create", obj=a, changes={"year": year})
    return a


# ---------------------------------------------------------------- indicator tree


def indicator_tree_set(*, actor, assessment: Assessment, level: str, tree: list[dict]) -> int:
    """Replace a level's indicator tree. tree: [{"code", "title", "weight", "source"?, "children"?}];
    a leaf without a source is entered with evidence; weights of siblings add up to 1."""
    require_scope(actor, assessment.unit_path, "supervise")
    _require_draft(assessment)
    _level(level)
    if not tree:
        raise ValidationFailed(_("An indicator tree needs at least one indicator."), field="tree")
    validate_tree(tree)
    with transaction.atomic():
        Indicator.objects.filter(assessment=assessment, level=level).delete()
        count = 0

        def create(nodes, parent):
            nonlocal count
            for n in nodes:
                node = Indicator.objects.create(assessment=assessment, level=level, parent=parent,
                                                code=n["code"].strip(), title=n["title"].strip(),
                                                weight=float(n["weight"]),
                                                source=(n.get("source") or "").strip())
                count += 1
                create(n.get("children") or [], node)

        create(tree, None)
        audit_record(actor=actor, action="assessment.indicator_tree_set", obj=assessment,
                     changes={"level": level, "indicators": count})
    return count


def indicator_enter(*, actor, indicator: Indicator, unit: Unit, value: float, evidence: str) -> IndicatorEntry:
    """Enter an entered leaf's value (0–1) for a unit, with its evidence. Entered by the assessing unit
    (supervise on the assessment's unit), never by the assessed one: a street cannot score itself in its
    county's assessment."""
    assessment = indicator.assessment
    require_scope(actor, assessment.unit_path, "supervise")
    _require_draft(assessment)
    if indicator.source or indicator.children.exists():
        raise ValidationFailed(_("Only entered leaf indicators take values; this one is computed."), field="indicator")
    if unit.kind != indicator.level or not unit.path.startswith(assessment.unit_path):
        raise ValidationFailed(_("This indicator applies to %(l)s units of the assessed area.")
                               % {"l": indicator.level}, field="unit")
    if not 0 <= value <= 1:
        raise ValidationFailed(_("An indicator value is between 0 and 1."), field="value")
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationFailed(_("An entered value needs its evidence."), field="evidence")
    with transaction.atomic():
        entry, _created = IndicatorEntry.objects.update_or_create(
            indicator=indicator, unit=unit, defaults={"unit_path": unit.path, "value": value, "evidence": evidence,
                                                      "entered_by": actor if getattr(actor, "pk", None) else None})
        audit_record(actor=actor, action="assessment.indicator_enter", obj=assessment,
                     changes={"indicator": indicator.code, "unit": unit.code, "value": value})
    return entry


# ---------------------------------------------------------------- secretary review
def rubric_set(*, actor, assessment: Assessment, level: str, criteria: list[dict]) -> list[RubricCriterion]:
    require_scope(actor, assessment.unit_path, "supervise")
    _require_draft(assessment)
    _level(level)
    if not criteria:
        raise ValidationFailed(_("A rubric needs at least one criterion."), field="criteria")
    for c in criteria:
        if not (c.get("title") or "").strip() or not (float(c.get("max_score") or 0) > 0):
            raise ValidationFailed(_("Every criterion needs a title and a maximum score above 0."), field="criteria")
    with transaction.atomic():
        RubricCriterion.objects.filter(assessment=assessment, level=level).delete()
        rows = RubricCriterion.objects.bulk_create([
            RubricCriterion(assessment=assessment, level=level, order=i, title=c["title"].strip(),
                            max_score=float(c["max_score"])) for i, c in enumerate(criteria)])
        audit_record(actor=actor, action="assessment.rubric_set", obj=assessment,
                     changes={"level": level, "criteria": len(rows)})
    return rows


def rater_add(*, actor, assessment: Assessment, level: str, user, own_unit: Unit) -> Rater:
    require_scope(actor, assessment.unit_path, "supervise")
    _require_draft(assessment)
    _level(level)
    with transaction.atomic():
        rater, _created = Rater.objects.get_or_create(assessment=assessment, level=level, user=user,
                                                      defaults={"own_unit": own_unit})
        audit_record(actor=actor, action="assessment.rater_add", obj=assessment,
                     changes={"level": level, "user": user.pk, "own_unit": own_unit.code})
    return rater


def secretary_report_submit(*, actor, assessment: Assessment, unit: Unit, secretary_name: str,
                            text: str) -> SecretaryReport:
    require_scope(actor, unit.path, "write")
    _require_draft(assessment)
    _level(unit.kind)
    if not unit.path.startswith(assessment.unit_path):
        raise ValidationFailed(_("This unit is not in the assessed area."), field="unit")
    if not (secretary_name or "").strip() or not (text or "").strip():
        raise ValidationFailed(_("A report needs the secretary's name and its text."), field="text")
    with transaction.atomic():
        report, _created = SecretaryReport.objects.update_or_create(
            assessment=assessment, unit=unit,
            defaults={"unit_path": unit.path, "secretary_name": secretary_name.strip(), "text": text.strip()})
        audit_record(actor=actor, action="assessment.report_submit", obj=report, changes={"unit": unit.code})
    return report


def review_score(*, actor, report: SecretaryReport, scores: dict[int, float]) -> int:
    """A rater scores a report on the level's rubric: {criterion id: score}."""
    assessment = report.assessment
    _require_draft(assessment)
    level = report.unit.kind
    rater = Rater.objects.filter(assessment=assessment, level=level, user=actor).select_related("own_unit").first() \
        if getattr(actor, "pk", None) else None
    if rater is None:
        require_scope(actor, report.unit_path, "read")
        raise Forbidden(_("You are not a rater of %(l)s reports in this assessment.") % {"l": level})
    if rater.own_unit.path.startswith(report.unit_path):
        raise Forbidden(_("A rater may not score their own unit."), code="own_unit")
    criteria = {c.pk: c for c in RubricCriterion.objects.filter(assessment=assessment, level=level)}
    if not scores or set(scores) - set(criteria):
        raise ValidationFailed(_("Score the criteria of this level's rubric."), field="scores")
    for cid, score in scores.items():
        c = criteria[cid]
        if not 0 <= score <= c.max_score:
            raise ValidationFailed(_("“%(c)s” is scored from 0 to %(max)s; %(s)s is outside that range.")
                                   % {"c": c.title, "max": c.max_score, "s": score}, field="scores")
    with transaction.atomic():
        for cid, score in scores.items():
            ReviewScore.objects.update_or_create(report=report, rater=rater, criterion_id=cid,
                                                 defaults={"score": score})
        audit_record(actor=actor, action="assessment.review_score", obj=report,
                     changes={"criteria": len(scores), "total": sum(scores.values())})
    return len(scores)


def rating_for(percent: float | None, thresholds: dict) -> str:
    if percent is None:
        return ""
    if percent >= thresholds["good"]:
        return Rating.GOOD
    if percent >= thresholds["fairly_good"]:
        return Rating.FAIRLY_GOOD
    if percent >= thresholds["average"]:
        return Rating.AVERAGE
    return Rating.POOR


def review_percents(assessment: Assessment) -> dict[int, float]:
    """Unit id -> the mean over raters of (rater's total / rubric maximum) × 100 (complete sheets only)."""
    max_by_level: dict = {}
    n_by_level: dict = {}
    for c in RubricCriterion.objects.filter(assessment=assessment):
        max_by_level[c.level] = max_by_level.get(c.level, 0) + c.max_score
        n_by_level[c.level] = n_by_level.get(c.level, 0) + 1
    sheets: dict = {}
    for s in ReviewScore.objects.filter(report__assessment=assessment).values(
            "report__unit_id", "report__unit__kind", "rater_id", "score"):
        key = (s["report__unit_id"], s["rater_id"])
        total, n, level = sheets.get(key, (0.0, 0, s["report__unit__kind"]))
        sheets[key] = (total + s["score"], n + 1, level)
    per_unit: dict = {}
    for (unit_id, _rater), (total, n, level) in sheets.items():
        if n == n_by_level.get(level) and max_by_level.get(level):
            per_unit.setdefault(unit_id, []).append(100.0 * total / max_by_level[level])
    return {u: sum(v) / len(v) for u, v in per_unit.items()}


# ---------------------------------------------------------------- compute, rank, publish
def _tree_value(nodes, children, leaf_value):
    return sum(n.weight * (_tree_value(children[n.pk], children, leaf_value) if children.get(n.pk)
                           else leaf_value(n)) for n in nodes)


def compute_level(assessment: Assessment, level: str, *, units=None) -> list[dict]:
    """Results of one level (not saved): [{"unit", "indicator_score", "breakdown"}]."""
    nodes = list(Indicator.objects.filter(assessment=assessment, level=level).order_by("code"))
    if not nodes:
        return []
    if units is None:
        units = list(Unit.objects.filter(subtree_q(assessment.unit_path), kind=level)
                     .only("id", "code", "name", "path", "kind").order_by("code"))
    children: dict = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)
    leaves = [n for n in nodes if not children.get(n.pk)]
    computed = {}
    for key in {n.source for n in leaves if n.source}:
        computed[key] = indicators.values_for(key, units, assessment.year) if key in indicators.SOURCES else {}
    entries = {(e["indicator_id"], e["unit_id"]): e["value"] for e in IndicatorEntry.objects.filter(
        indicator__in=[n for n in leaves if not n.source]).values("indicator_id", "unit_id", "value")}
    out = []
    for u in units:
        breakdown = {}
        for n in leaves:
            v = computed[n.source].get(u.pk) if n.source else entries.get((n.pk, u.pk))
            breakdown[n.code] = None if v is None else round(float(v), 6)

        score = _tree_value(children[None], children, lambda n, b=breakdown: b[n.code] or 0.0)
        out.append({"unit": u, "indicator_score": round(100.0 * score, 2), "breakdown": breakdown})
    return out


def assessment_compute(*, actor, assessment: Assessment) -> int:
    """Compute every level's scores, combine with the review, rank per level, and store the results."""
    require_scope(actor, assessment.unit_path, "supervise")
    _require_draft(assessment)
    reviews = review_percents(assessment)
    thresholds = validate_thresholds(assessment.thresholds)
    rows = []
    for level in PROJECT_LEVELS:
        results = compute_level(assessment, level)
        for r in results:
            review = reviews.get(r["unit"].pk)
            r["review"] = review
            r["score"] = round(r["indicator_score"] if review is None else
                               (1 - assessment.review_weight) * r["indicator_score"]
                               + assessment.review_weight * review, 2)
        results.sort(key=lambda r: (-r["score"], r["unit"].code))
        rank, prev = 0, None
        for i, r in enumerate(results):
            if r["score"] != prev:
                rank, prev = i + 1, r["score"]
            u = r["unit"]
            rows.append(AssessmentResult(
                assessment=assessment, unit=u, unit_path=u.path, unit_code=u.code, unit_name=u.name, level=level,
                indicator_score=r["indicator_score"],
                review_score=round(r["review"], 2) if r["review"] is not None else None,
                rating=rating_for(r["review"], thresholds), score=r["score"], rank=rank, breakdown=r["breakdown"]))
    with transaction.atomic():
        _require_draft(assessment)
        AssessmentResult.objects.filter(assessment=assessment).delete()
        AssessmentResult.objects.bulk_create(rows, batch_size=1000)
        assessment.computed_at = timezone.now()
        assessment.save(update_fields=["computed_at"])
        audit_record(actor=actor, action="assessment.compute", obj=assessment, changes={"results": len(rows)})
    return len(rows)


def assessment_publish(*, actor, assessment: Assessment, when: datetime.datetime | None = None) -> Assessment:
    """Freeze the computed results: from now on nothing in this assessment changes."""
    require_scope(actor, assessment.unit_path, "supervise")
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _require_draft(assessment)
        if not AssessmentResult.objects.filter(assessment=assessment).exists():
            raise ValidationFailed(_("Compute the assessment before publishing it."), code="not_computed")
        assessment.status, assessment.published_at = AssessmentStatus.PUBLISHED, when or timezone.now()
        assessment.save(update_fields=["status", "published_at"])
        audit_record(actor=actor, action="assessment.publish", obj=assessment,
                     changes={"results": AssessmentResult.objects.filter(assessment=assessment).count()})
    return assessment


def reports_bulk_submit(*, actor, assessment: Assessment, reports: list[SecretaryReport]) -> int:
    _require_draft(assessment)
    for r in reports:
        require_scope(actor, r.unit.path, "write")
        _level(r.unit.kind)
        if not (r.secretary_name or "").strip() or not (r.text or "").strip():
            raise ValidationFailed(_("A report needs the secretary's name and its text."), field="text")
        r.assessment, r.unit_path = assessment, r.unit.path
    with transaction.atomic():
        SecretaryReport.objects.bulk_create(reports, batch_size=1000)
        audit_record(actor=actor, action="assessment.reports_bulk_submit", obj=assessment,
                     changes={"count": len(reports)})
    return len(reports)


def review_scores_bulk(*, actor, assessment: Assessment, rows: list[tuple]) -> int:
    """Many review scores (demo, imports): rows of (report, rater, criterion, score), same rules as
    `review_score` (range, no rater scoring their own unit); one audit event."""
    _require_draft(assessment)
    scores = []
    for report, rater, criterion, score in rows:
        if actor is not None and rater.user_id != actor.pk:
            raise Forbidden(_("You may only enter your own scores."))
        if rater.own_unit.path.startswith(report.unit_path):
            raise Forbidden(_("A rater may not score their own unit."), code="own_unit")
        if not 0 <= score <= criterion.max_score:
            raise ValidationFailed(_("“%(c)s” is scored from 0 to %(max)s; %(s)s is outside that range.")
                                   % {"c": criterion.title, "max": criterion.max_score, "s": score}, field="scores")
        scores.append(ReviewScore(report=report, rater=rater, criterion=criterion, score=score))
    with transaction.atomic():
        ReviewScore.objects.bulk_create(scores, batch_size=2000)
        audit_record(actor=actor, action="assessment.review_scores_bulk", obj=assessment,
                     changes={"count": len(scores)})
    return len(scores)


def indicator_entries_bulk(*, actor, entries: list[IndicatorEntry]) -> int:
    for e in entries:
        _require_draft(e.indicator.assessment)
        require_scope(actor, e.unit.path, "supervise")
        if e.indicator.source or not 0 <= e.value <= 1 or not (e.evidence or "").strip():
            raise ValidationFailed(_("Entered values are 0–1, for entered leaves, with evidence."), field="value")
        e.unit_path = e.unit.path
    with transaction.atomic():
        IndicatorEntry.objects.bulk_create(entries, batch_size=2000)
        audit_record(actor=actor, action="assessment.indicator_entries_bulk",
                     obj=entries[0].indicator.assessment if entries else None,
                     object_type="projects.assessment", changes={"count": len(entries)})
    return len(entries)


def standard_tree(*, with_projects: bool = True) -> list[dict]:
    """The default target-responsibility tree: case measures (when the cases app provides them), joint
    meetings, project and task completion, and party-building basics entered with evidence."""
    case_keys = [k for k in ("cases.response_rate", "cases.resolution_rate", "cases.satisfaction_rate",
                             "cases.on_time_closure_rate") if k in indicators.SOURCES]
    if len(case_keys) == 4:
        governance = [{"code": "A1", "title": _("Case response rate"), "weight": 0.2, "source": case_keys[0]},
                      {"code": "A2", "title": _("Case resolution rate"), "weight": 0.3, "source": case_keys[1]},
                      {"code": "A3", "title": _("Case satisfaction rate"), "weight": 0.3, "source": case_keys[2]},
                      {"code": "A4", "title": _("Case on-time closure rate"), "weight": 0.2, "source": case_keys[3]}]
    else:
        governance = [{"code": "A1", "title": _("Grassroots governance results"), "weight": 1.0}]
    tree = [
        {"code": "A", "title": _("Grassroots governance"), "weight": 0.4, "children": governance},
        {"code": "B", "title": _("Joint meetings"), "weight": 0.2, "children": [
            {"code": "B1", "title": _("Held on time"), "weight": 0.7, "source": "meetings.on_time_rate"},
            {"code": "B2", "title": _("Action items done on time"), "weight": 0.3,
             "source": "meetings.actions_done_on_time"}]},
        {"code": "C", "title": _("Project-based work"), "weight": 0.25, "children": [
            {"code": "C1", "title": _("Secretary-led projects"), "weight": 0.6, "source": "projects.progress"},
            {"code": "C2", "title": _("Key tasks"), "weight": 0.4, "source": "tasks.progress"}]},
        {"code": "D", "title": _("Party-building basics"), "weight": 0.15},
    ]
    if not with_projects:
        tree = [tree[0] | {"weight": 0.5}, tree[1] | {"weight": 0.3}, tree[3] | {"weight": 0.2}]
    return tree


def standard_rubric() -> list[dict]:
    return [{"title": _("Performance of duties"), "max_score": 40}, {"title": _("Results"), "max_score": 40},
            {"title": _("Residents' satisfaction"), "max_score": 20}]
