"""Writes for funds (G5): fund types and standards, budgets, reminder letters, closed years, spending and
livelihood projects. Each checks scope, validates with a translatable message, runs in a transaction and
writes the audit log."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit_record
from jiceng.core.errors import Conflict, Forbidden, ValidationFailed
from jiceng.core.excel import RowErrors
from jiceng.core.scope import require_scope, user_can, user_grants
from jiceng.core.supervision import card_raise, card_resolve
from jiceng.core.text import checked_text
from jiceng.funds import files
from jiceng.funds.models import (
    COUNTED,
    LIFECYCLE,
    Budget,
    ChosenBy,
    ClosedYear,
    Expenditure,
    FundLevel,
    FundSource,
    FundStandard,
    FundType,
    LivelihoodProject,
    LivelihoodSource,
    ProjectPhoto,
    ProjectRating,
    ReminderLetter,
)
from jiceng.funds.selectors import shortfalls
from jiceng.mobilize.selectors import need_get
from jiceng.orgs.models import Unit

MAX_AMOUNT = Decimal("100000000000")  # 1e11 yuan: far above any grassroots budget
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_PHOTOS = 6

# The built-in fund types and their default standards (SPEC G5).
DEFAULT_FUND_TYPES = [
    ("street_running", "街道运转经费", FundLevel.STREET, Decimal("800000")),
    ("community_work", "社区工作经费", FundLevel.COMMUNITY, Decimal("100000")),
    ("community_service", "服务群众专项经费", FundLevel.COMMUNITY, Decimal("100000")),
]


# ---------------------------------------------------------------- validation helpers


def parse_amount(value, field: str = "amount", *, allow_zero: bool = True) -> Decimal:
    """A yuan amount as Decimal with at most two decimals; a clear message for anything else."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed(_("Give an amount in yuan."), field=field, code="amount_missing")
    try:
        amount = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("The amount must be a number of yuan, e.g. 800000 or 1250.50."), field=field,
                               code="amount_not_number") from None
    if not amount.is_finite():
        raise ValidationFailed(_("The amount must be a number of yuan, e.g. 800000 or 1250.50."), field=field,
                               code="amount_not_number")
    if amount < 0:
        raise ValidationFailed(_("The amount cannot be negative."), field=field, code="amount_negative")
    if amount == 0 and not allow_zero:
        raise ValidationFailed(_("The amount must be more than zero."), field=field, code="amount_zero")
    if amount > MAX_AMOUNT:
        raise ValidationFailed(_("The amount is too large."), field=field, code="amount_too_large")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(_("An amount has at most two decimals (fen)."), field=field, code="amount_precision")
    return amount.quantize(Decimal("0.01"))


def parse_year(value, field: str = "year") -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(_("The year must be a number such as 2026."), field=field) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(_("The year must be between %(a)d and %(b)d.") % {"a": MIN_YEAR, "b": MAX_YEAR},
                               field=field)
    return year


def _require_level_above(actor, unit: Unit, capability: str = "write") -> None:
    """The unit must be in the actor's area (404 otherwise); the actor must act from the level above
    (a grant on an ancestor with the capability), else 403."""
    require_scope(actor, unit.path, "read")
    parent_path = unit.path[: unit.path.rstrip("/").rfind("/") + 1]
    if not parent_path or not user_can(actor, parent_path, capability):
        raise Forbidden(_("This is decided by the level above the unit."))


# ---------------------------------------------------------------- fund types and standards


def fund_types_ensure() -> None:
    """Create the built-in fund types if they are missing (idempotent; cheap when present)."""
    have = set(FundType.objects.filter(builtin=True).values_list("code", flat=True))
    for code, name, level, minimum in DEFAULT_FUND_TYPES:
        if code not in have:
            FundType.objects.get_or_create(code=code, defaults={"name": name, "level": level, "builtin": True,
                                                                  "default_minimum": minimum})


def _city_path(actor) -> str:
    city = Unit.objects.filter(kind="city").order_by("id").first()
    if city is None:
        raise ValidationFailed(_("There is no city unit yet."))
    return city.path


def fund_type_create(*, actor, code: str, name: str, level: str, default_minimum="0") -> FundType:
    require_scope(actor, _city_path(actor), "supervise")
    code = checked_text(code, "code", 40).lower()
    if not code.replace("_", "").replace("-", "").isalnum() or not code.isascii():
        raise ValidationFailed(_("A code has only letters, digits, '-' and '_'."), field="code")
    name = checked_text(name, "name", 60)
    if level not in FundLevel.values:
        raise ValidationFailed(_("A fund type is for streets or for communities."), field="level")
    minimum = parse_amount(default_minimum, "default_minimum")
    with transaction.atomic():
        if FundType.objects.filter(code=code).exists():
            raise Conflict(_("A fund type with this code exists already."), field="code")
        ft = FundType.objects.create(code=code, name=name, level=level, default_minimum=minimum)
        audit_record(actor=actor, action="fund_type.create", obj=ft, unit_path=_city_path(actor),
                     changes={"code": code, "level": level, "default_minimum": str(minimum)})
    return ft


def fund_standard_set(*, actor, year, fund_type: FundType, minimum) -> FundStandard:
    city_path = _city_path(actor)
    require_scope(actor, city_path, "supervise")
    year = parse_year(year)
    minimum = parse_amount(minimum, "minimum")
    with transaction.atomic():
        std, _created = FundStandard.objects.update_or_create(year=year, fund_type=fund_type,
                                                              defaults={"minimum": minimum})
        audit_record(actor=actor, action="fund_standard.set", obj=std, unit_path=city_path,
                     changes={"year": year, "fund_type": fund_type.code, "minimum": str(minimum)})
        _resolve_letters(year=year, under="")
    return std


# ---------------------------------------------------------------- budgets


def _prefixes(unit_path: str) -> list[str]:
    return [unit_path[: i + 1] for i, ch in enumerate(unit_path) if ch == "/" and i > 0]


def _closed(unit_path: str, year: int) -> bool:
    return ClosedYear.objects.filter(year=year, unit_path__in=_prefixes(unit_path)).exists()


def _check_budget_row(unit: Unit, fund_type: FundType, source: str) -> None:
    if unit.kind not in (FundLevel.STREET, FundLevel.COMMUNITY):
        raise ValidationFailed(_("Budgets are set for streets and communities."), field="unit")
    if fund_type.level != unit.kind:
        raise ValidationFailed(_("“%(t)s” is a fund for a %(level)s, not for this unit.")
                               % {"t": fund_type.name, "level": fund_type.get_level_display()}, field="fund_type")
    if not fund_type.active:
        raise ValidationFailed(_("This fund type is no longer in use."), field="fund_type")
    if source not in FundSource.values:
        raise ValidationFailed(_("The source is the city, the county or the street."), field="source")
    if source == FundSource.STREET and unit.kind != "community":
        raise ValidationFailed(_("Only a community's funds can come from its street."), field="source")


def budget_set(*, actor, unit: Unit, year, fund_type: FundType, source: str, amount) -> Budget:
    """Set (create or change) one budget line; the level above the unit decides it."""
    _require_level_above(actor, unit, "write")
    year = parse_year(year)
    amount = parse_amount(amount)
    _check_budget_row(unit, fund_type, source)
    if _closed(unit.path, year):
        raise ValidationFailed(_("The year %(y)d is closed for this unit; its budgets cannot change.") % {"y": year},
                               field="year", code="year_closed")
    with transaction.atomic():
        budget = (Budget.objects.select_for_update()
                  .filter(unit=unit, year=year, fund_type=fund_type, source=source).first())
        before = budget.amount if budget else None
        if budget is None:
            budget = Budget.objects.create(unit=unit, unit_path=unit.path, year=year, fund_type=fund_type,
                                           source=source, amount=amount)
        else:
            budget.amount = amount
            budget.save(update_fields=["amount", "updated_at"])
        audit_record(actor=actor, action="budget.set", obj=budget,
                     changes={"year": year, "fund_type": fund_type.code, "source": source,
                              "amount": [str(before) if before is not None else None, str(amount)]})
        _resolve_letters(year=year, under=unit.path)
    return budget


def budgets_bulk_set(*, actor, rows: list[dict], audit_unit: Unit | None = None) -> int:
    """Set many budget lines at once (import, demo): each row {unit, year, fund_type, source, amount},
    already loaded; all validated first, nothing written if one is bad; one audit event."""
    errors = RowErrors()
    clean = []
    closed = set(ClosedYear.objects.values_list("unit_path", "year"))
    for i, row in enumerate(rows):
        number = row.get("_row", i + 1)
        try:
            unit = row["unit"]
            if actor is not None:
                _require_level_above(actor, unit, "write")
            year = parse_year(row["year"])
            amount = parse_amount(row["amount"])
            _check_budget_row(unit, row["fund_type"], row["source"])
            if any((p, year) in closed for p in _prefixes(unit.path)):
                raise ValidationFailed(_("The year %(y)d is closed for this unit.") % {"y": year}, field="year")
        except (ValidationFailed, Forbidden) as exc:
            errors.add(number, exc.field or "", exc.message)
            continue
        clean.append((unit, year, row["fund_type"], row["source"], amount))
    errors.raise_if_any()
    if not clean:
        return 0
    keys = {(u.pk, y, ft.pk, s) for u, y, ft, s, _a in clean}
    if len(keys) != len(clean):
        raise ValidationFailed(_("The same budget line appears twice."), code="duplicate_rows")
    with transaction.atomic():
        years = {y for _u, y, _f, _s, _a in clean}
        existing = {(b.unit_id, b.year, b.fund_type_id, b.source): b for b in Budget.objects.filter(
            year__in=years, unit_id__in={u.pk for u, *_r in clean})}
        new, changed = [], []
        for unit, year, ft, source, amount in clean:
            b = existing.get((unit.pk, year, ft.pk, source))
            if b is None:
                new.append(Budget(unit=unit, unit_path=unit.path, year=year, fund_type=ft, source=source,
                                  amount=amount))
            elif b.amount != amount:
                b.amount = amount
                changed.append(b)
        Budget.objects.bulk_create(new, batch_size=2000)
        Budget.objects.bulk_update(changed, ["amount"], batch_size=2000)
        top = audit_unit.path if audit_unit else min((u.path for u, *_r in clean), key=len)
        audit_record(actor=actor, action="budget.bulk_set", object_type="funds.budget", unit_path=top,
                     changes={"created": len(new), "changed": len(changed), "years": sorted(years)})
        for year in years:
            _resolve_letters(year=year, under=top)
    return len(new) + len(changed)


def year_close(*, actor, unit: Unit, year) -> ClosedYear:
    """Close a year's accounts under a unit (county or city): no more spending or budget changes."""
    require_scope(actor, unit.path, "supervise")
    year = parse_year(year)
    if unit.kind not in ("city", "county"):
        raise ValidationFailed(_("Years are closed by the city or a county."), field="unit")
    with transaction.atomic():
        obj, created = ClosedYear.objects.get_or_create(unit=unit, year=year, defaults={
            "unit_path": unit.path, "closed_at": timezone.now()})
        if not created:
            raise Conflict(_("This year is closed already."), field="year")
        audit_record(actor=actor, action="year.close", obj=obj, changes={"year": year})
    return obj


# ---------------------------------------------------------------- reminder letters (督促提醒函)


def _resolve_letters(*, year: int, under: str) -> int:
    """Resolve the open letters of `year` on counties at or above `under` (or all, for "") whose streets
    and communities now all meet the standards. Runs inside the calling service's transaction."""
    letters = ReminderLetter.objects.filter(data__year=year, resolved_at__isnull=True).select_related("unit")
    resolved = 0
    for letter in letters:
        if under and not (under.startswith(letter.unit_path) or letter.unit_path.startswith(under)):
            continue
        if not shortfalls(letter.unit, year) and card_resolve(card=letter, audit_action="reminder_letter.resolve"):
            resolved += 1
    return resolved


def reminder_letter_send(*, actor, county: Unit, year, deadline: datetime.date, body: str = "",
                         today: datetime.date | None = None) -> ReminderLetter:
    """The organization department sends a county a letter about its streets and communities that fall
    short of the year's fund standards; it stays open until they all comply."""
    if county.kind != "county":
        raise ValidationFailed(_("A reminder letter goes to a county."), field="county")
    _require_level_above(actor, county, "supervise")
    year = parse_year(year)
    today = today or timezone.localdate()
    if not isinstance(deadline, datetime.date):
        raise ValidationFailed(_("Give the deadline as a date."), field="deadline")
    if deadline <= today or deadline > today + datetime.timedelta(days=366):
        raise ValidationFailed(_("The deadline is a date after today and within a year."), field="deadline")
    body = checked_text(body, "body", 2000, required=False)
    short = shortfalls(county, year)
    if not short:
        raise ValidationFailed(_("Every street and community of %(c)s meets the %(y)d standards: no letter is "
                                 "needed.") % {"c": county.name, "y": year}, field="county", code="compliant")
    try:
        return card_raise(
            actor=actor, model=ReminderLetter, kind=ReminderLetter.KIND, unit=county,
            subject_type=ReminderLetter.SUBJECT, subject_id=f"{county.code}:{year}", exclusive=True,
            title=_("Reminder: %(c)s, %(y)d fund standards (%(n)d short)") % {"c": county.name, "y": year,
                                                                             "n": len(short)},
            body=body, deadline=deadline, data={"year": year, "shortfalls": len(short)},
            audit_action="reminder_letter.send")
    except Conflict:
        raise Conflict(_("A reminder letter to this county for this year is still open."), field="county") from None


# ---------------------------------------------------------------- spending


def budget_total(unit: Unit, year: int, fund_type: FundType) -> Decimal:
    return Budget.objects.filter(unit=unit, year=year, fund_type=fund_type).aggregate(
        s=Sum("amount"))["s"] or Decimal("0")


def spent_total(unit: Unit, year: int, fund_type: FundType) -> Decimal:
    return Expenditure.objects.filter(unit=unit, year=year, fund_type=fund_type, status__in=COUNTED).aggregate(
        s=Sum("amount"))["s"] or Decimal("0")


def expenditure_record(*, actor, unit: Unit, fund_type: FundType, spent_on, amount, purpose: str,
                       project: LivelihoodProject | None = None, voucher=None,
                       today: datetime.date | None = None) -> Expenditure:
    """Record spending from a unit's fund. Beyond the year's budget it waits for the level above."""
    require_scope(actor, unit.path, "write")
    amount = parse_amount(amount, allow_zero=False)
    if not isinstance(spent_on, datetime.date):
        raise ValidationFailed(_("Give the date of the spending."), field="spent_on")
    today = today or timezone.localdate()
    if spent_on > today:
        raise ValidationFailed(_("The date of the spending cannot be in the future."), field="spent_on")
    year = parse_year(spent_on.year, "spent_on")
    purpose = checked_text(purpose, "purpose", 200)
    if fund_type.level != unit.kind:
        raise ValidationFailed(_("“%(t)s” is not a fund of this unit.") % {"t": fund_type.name}, field="fund_type")
    if project is not None and not project.unit_path.startswith(unit.path):
        raise ValidationFailed(_("The project is not one of this unit's."), field="project")
    if _closed(unit.path, year):
        raise ValidationFailed(_("The year %(y)d is closed: no more spending can be recorded on it.") % {"y": year},
                               field="spent_on", code="year_closed")
    cleaned = files.clean_voucher(voucher) if voucher else None
    stored, content_type = (cleaned.content, cleaned.content_type) if cleaned else (None, "")
    with transaction.atomic():
        # Lock the budget lines so two spendings at once cannot both slip under the budget.
        list(Budget.objects.select_for_update().filter(unit=unit, year=year, fund_type=fund_type))
        budget = budget_total(unit, year, fund_type)
        spent = spent_total(unit, year, fund_type)
        over = max(Decimal("0"), spent + amount - budget)
        exp = Expenditure(unit=unit, unit_path=unit.path, year=year, fund_type=fund_type, spent_on=spent_on,
                          amount=amount, purpose=purpose, project=project, voucher_type=content_type,
                          status="pending" if over > 0 else "recorded", over_by=over, recorded_by=actor)
        if stored is not None:
            exp.voucher.save(stored.name, stored, save=False)
        exp.save()
        audit_record(actor=actor, action="expenditure.record", obj=exp,
                     changes={"amount": str(amount), "fund_type": fund_type.code, "status": exp.status,
                              "over_by": str(over), "voucher": bool(stored)})
    return exp


def expenditure_decide(*, actor, expenditure: Expenditure, approve: bool, note: str = "") -> Expenditure:
    """The level above approves or refuses spending beyond the budget."""
    unit = expenditure.unit
    _require_level_above(actor, unit, "supervise")
    note = checked_text(note, "note", 200, required=not approve)
    with transaction.atomic():
        exp = Expenditure.objects.select_for_update().get(pk=expenditure.pk)
        if exp.status != "pending":
            raise Conflict(_("This spending is not waiting for approval."))
        exp.status = "approved" if approve else "rejected"
        exp.decided_by, exp.decision_note = actor, note
        exp.save(update_fields=["status", "decided_by", "decision_note"])
        audit_record(actor=actor, action="expenditure.approve" if approve else "expenditure.refuse", obj=exp,
                     changes={"status": exp.status})
    return exp


def expenditures_bulk_record(*, rows: list[Expenditure], audit_unit: Unit) -> int:
    """System-only bulk insert for the demo city (rows already validated against their budgets)."""
    for e in rows:
        parse_amount(e.amount, allow_zero=False)
    with transaction.atomic():
        Expenditure.objects.bulk_create(rows, batch_size=2000)
        audit_record(actor=None, action="expenditure.bulk_record", object_type="funds.expenditure",
                     unit_path=audit_unit.path, changes={"count": len(rows)})
    return len(rows)


# ---------------------------------------------------------------- livelihood projects


def _step_check(project: LivelihoodProject, expected: tuple[str, ...], step: str) -> None:
    if project.status not in expected:
        raise Conflict(_("This project is “%(s)s”; it cannot be %(step)s now.")
                       % {"s": project.get_status_display(), "step": step}, field="status")


def _photos(project, step, photos) -> list:
    return [c.content for c in files.clean_photos(photos, max_count=MAX_PHOTOS)]


def _save_photos(project, step, cleaned) -> None:
    for content in cleaned:
        photo = ProjectPhoto(project=project, unit_path=project.unit_path, step=step)
        photo.image.save(content.name, content, save=False)
        photo.save()


def livelihood_project_create(*, actor, unit: Unit, title: str, estimated_cost, description: str = "",
                              source: str = "community", source_ref: str = "", year=None,
                              today: datetime.date | None = None) -> LivelihoodProject:
    """Propose a livelihood project for a community or street (from the needs list, a residents'
    proposal, a ballot, or the community itself)."""
    require_scope(actor, unit.path, "write")
    if unit.kind not in ("street", "community", "compound", "grid"):
        raise ValidationFailed(_("A livelihood project belongs to a street, community, grid or compound."),
                               field="unit")
    title = checked_text(title, "title", 120)
    description = checked_text(description, "description", 4000, required=False)
    cost = parse_amount(estimated_cost, "estimated_cost", allow_zero=False)
    if source not in LivelihoodSource.values:
        raise ValidationFailed(_("Unknown source."), field="source")
    source_ref = checked_text(str(source_ref or ""), "source_ref", 40, required=False)
    if source == "need":
        try:
            need = need_get(user=actor, pk=int(source_ref))
        except (TypeError, ValueError):
            raise ValidationFailed(_("Name the need this project answers."), field="source_ref") from None
        if not need.unit_path.startswith(unit.path) and not unit.path.startswith(need.unit_path):
            raise ValidationFailed(_("The need is not in this unit."), field="source_ref")
    today = today or timezone.localdate()
    year = parse_year(year if year is not None else today.year)
    with transaction.atomic():
        project = LivelihoodProject.objects.create(
            unit=unit, unit_path=unit.path, year=year, title=title, description=description, source=source,
            source_ref=source_ref, estimated_cost=cost)
        audit_record(actor=actor, action="livelihood.create", obj=project,
                     changes={"source": source, "source_ref": source_ref, "estimated_cost": str(cost)})
    return project


def livelihood_feasibility(*, actor, project: LivelihoodProject, feasible: bool, note: str,
                           photos=None) -> LivelihoodProject:
    """The community (or street) checks feasibility: cost, site, permits."""
    require_scope(actor, project.unit_path, "write")
    note = checked_text(note, "note", 2000)
    cleaned = _photos(project, "feasible", photos)
    with transaction.atomic():
        project = LivelihoodProject.objects.select_for_update().get(pk=project.pk)
        _step_check(project, ("proposed",), _("checked"))
        project.status = "feasible" if feasible else "infeasible"
        project.feasibility_note = note
        project.save(update_fields=["status", "feasibility_note", "updated_at"])
        _save_photos(project, "feasible", cleaned)
        audit_record(actor=actor, action="livelihood.feasibility", obj=project,
                     changes={"status": project.status, "photos": len(cleaned)})
    return project


def livelihood_choose(*, actor, project: LivelihoodProject, chosen_by: str, on: datetime.date | None = None,
                      ) -> LivelihoodProject:
    """Chosen by the residents' vote (a ballot's close calls this) or by the community's joint meeting."""
    require_scope(actor, project.unit_path, "write")
    if chosen_by not in ChosenBy.values:
        raise ValidationFailed(_("A project is chosen by the residents' vote or by the joint meeting."),
                               field="chosen_by")
    on = on or timezone.localdate()
    with transaction.atomic():
        project = LivelihoodProject.objects.select_for_update().get(pk=project.pk)
        _step_check(project, ("feasible",), _("chosen"))
        project.status, project.chosen_by, project.chosen_on = "chosen", chosen_by, on
        project.save(update_fields=["status", "chosen_by", "chosen_on", "updated_at"])
        audit_record(actor=actor, action="livelihood.choose", obj=project, changes={"chosen_by": chosen_by})
    return project


def livelihood_fund(*, actor, project: LivelihoodProject, budget: Budget, amount) -> LivelihoodProject:
    """The level above ties the chosen project to one of the unit's budget lines (or a line above it)."""
    _require_level_above(actor, project.unit, "write")
    amount = parse_amount(amount, allow_zero=False)
    if not project.unit_path.startswith(budget.unit_path):
        raise ValidationFailed(_("The budget line is not this project's unit's (or above it)."), field="budget")
    if budget.year != project.year:
        raise ValidationFailed(_("The budget line is for another year."), field="budget")
    with transaction.atomic():
        project = LivelihoodProject.objects.select_for_update().get(pk=project.pk)
        _step_check(project, ("chosen",), _("funded"))
        Budget.objects.select_for_update().filter(pk=budget.pk).first()
        tied = LivelihoodProject.objects.filter(budget=budget).exclude(pk=project.pk).aggregate(
            s=Sum("funded_amount"))["s"] or Decimal("0")
        if tied + amount > budget.amount:
            raise ValidationFailed(_("The budget line has %(left)s yuan not yet tied to projects; %(a)s is too much.")
                                   % {"left": budget.amount - tied, "a": amount}, field="amount",
                                   code="over_budget_line")
        project.status, project.budget, project.funded_amount = "funded", budget, amount
        project.save(update_fields=["status", "budget", "funded_amount", "updated_at"])
        audit_record(actor=actor, action="livelihood.fund", obj=project,
                     changes={"budget": budget.pk, "amount": str(amount)})
    return project


def livelihood_built(*, actor, project: LivelihoodProject, on: datetime.date | None = None,
                     photos=None) -> LivelihoodProject:
    require_scope(actor, project.unit_path, "write")
    on = on or timezone.localdate()
    cleaned = _photos(project, "built", photos)
    with transaction.atomic():
        project = LivelihoodProject.objects.select_for_update().get(pk=project.pk)
        _step_check(project, ("funded",), _("marked built"))
        project.status, project.built_on = "built", on
        project.save(update_fields=["status", "built_on", "updated_at"])
        _save_photos(project, "built", cleaned)
        audit_record(actor=actor, action="livelihood.built", obj=project, changes={"photos": len(cleaned)})
    return project


def livelihood_accept(*, actor, project: LivelihoodProject, note: str = "", on: datetime.date | None = None,
                      photos=None) -> LivelihoodProject:
    """验收: the level above accepts the built project."""
    _require_level_above(actor, project.unit, "supervise")
    note = checked_text(note, "note", 2000, required=False)
    on = on or timezone.localdate()
    cleaned = _photos(project, "accepted", photos)
    with transaction.atomic():
        project = LivelihoodProject.objects.select_for_update().get(pk=project.pk)
        _step_check(project, ("built",), _("accepted"))
        project.status, project.accepted_on, project.acceptance_note = "accepted", on, note
        project.save(update_fields=["status", "accepted_on", "acceptance_note", "updated_at"])
        _save_photos(project, "accepted", cleaned)
        audit_record(actor=actor, action="livelihood.accept", obj=project, changes={"photos": len(cleaned)})
    return project


def livelihood_rate(*, actor, project: LivelihoodProject, score) -> LivelihoodProject:
    """A resident the project served (a resident's grant under the project's unit) rates it 1–5, once."""
    _served_path(actor, project)
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise ValidationFailed(_("The rating is a whole number from 1 to 5."), field="score") from None
    if not 1 <= score <= 5:
        raise ValidationFailed(_("The rating is a whole number from 1 to 5."), field="score")
    with transaction.atomic():
        project = LivelihoodProject.objects.select_for_update().get(pk=project.pk)
        _step_check(project, ("accepted", "rated"), _("rated"))
        try:
            with transaction.atomic():
                ProjectRating.objects.create(project=project, user=actor, score=score)
        except IntegrityError:
            raise Conflict(_("You have rated this project already."), field="score") from None
        project.rating_sum += score
        project.rating_count += 1
        project.status = "rated"
        project.save(update_fields=["rating_sum", "rating_count", "status", "updated_at"])
        audit_record(actor=actor, action="livelihood.rate", obj=project, changes={"score": score})
    return project


def _served_path(actor, project: LivelihoodProject) -> str:
    """The path a rating is checked against: a resident's own household under the project's unit."""
    if actor is None:
        raise Forbidden()
    for grant in user_grants(actor):
        if grant.role == "resident" and grant.unit_path.startswith(project.unit_path):
            return grant.unit_path
    require_scope(actor, project.unit_path, "read")  # 404 outside
    raise Forbidden(_("Only the residents the project served can rate it."))


def livelihood_projects_bulk_create(*, rows: list[LivelihoodProject], audit_unit: Unit) -> int:
    """System-only bulk insert for the demo city; every row checked like the single service."""
    for p in rows:
        parse_amount(p.estimated_cost, allow_zero=False)
        if p.status not in LIFECYCLE + ["infeasible"]:
            raise ValidationFailed(_("Unknown status."), field="status")
    with transaction.atomic():
        LivelihoodProject.objects.bulk_create(rows, batch_size=2000)
        audit_record(actor=None, action="livelihood.bulk_create", object_type="funds.livelihoodproject",
                     unit_path=audit_unit.path, changes={"count": len(rows)})
    return len(rows)
