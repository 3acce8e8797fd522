"""Writes for surveys and proposal rounds (D3). Ballots are in `voting.py`."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.consult.models.proposals import Proposal, ProposalRound, ProposalSupport
from jiceng.consult.models.surveys import QuestionKind, Survey, SurveyQuestion, SurveyResponse
from jiceng.core.audit import audit_record
from jiceng.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from jiceng.core.notify import Message, notify
from jiceng.core.scope import require_scope, user_can, user_grants
from jiceng.core.text import checked_text
from jiceng.funds import services as funds
from jiceng.funds.services import parse_amount
from jiceng.orgs.models import Unit

AREA_KINDS = ("street", "community", "compound")
MAX_QUESTIONS = 50
MAX_OPTIONS = 20


def _closes_on(value, today) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ValidationFailed(_("Give the closing date."), field="closes_on")
    if value < today or value > today + datetime.timedelta(days=366):
        raise ValidationFailed(_("The closing date is from today to a year ahead."), field="closes_on")
    return value


def require_area(actor, path: str, capability: str) -> None:
    """require_scope for consultations: a resident who sees a consultation put to the area above their own
    (but may not run it) gets 403, not 404."""
    if actor is not None and not any(g.unit_path.startswith(path) or path.startswith(g.unit_path)
                                     for g in user_grants(actor)):
        raise NotFound()
    if actor is not None and not user_can(actor, path, capability):
        raise Forbidden()


def _participant_path(user, unit_path: str) -> str:
    """Residents (and the workers and members who live and work there) take part in the consultations of
    their own area: a grant on or under the consultation's unit. Officials above it run it, not answer it.
    `None` is the system (demo builder)."""
    if user is None:
        return unit_path
    for grant in user_grants(user):
        if grant.unit_path.startswith(unit_path):
            return grant.unit_path
    require_scope(user, unit_path, "read")  # 404 when it is not their area at all
    raise Forbidden(_("Only the residents of the area take part."))


# ---------------------------------------------------------------- surveys


def survey_create(*, actor, unit: Unit, title: str, closes_on: datetime.date, questions: list[dict],
                  description: str = "", today=None) -> Survey:
    """questions: [{"kind": single|multiple|rating|text, "text": …, "options": [...], "required": bool}]."""
    require_scope(actor, unit.path, "write")
    if unit.kind not in AREA_KINDS:
        raise ValidationFailed(_("A survey is put to the residents of a street, community or compound."), field="unit")
    title = checked_text(title, "title", 120)
    description = checked_text(description, "description", 4000, required=False)
    closes_on = _closes_on(closes_on, today or timezone.localdate())
    if not questions:
        raise ValidationFailed(_("A survey needs at least one question."), field="questions")
    if len(questions) > MAX_QUESTIONS:
        raise ValidationFailed(_("At most %(n)d questions.") % {"n": MAX_QUESTIONS}, field="questions")
    clean = []
    for q in questions:
        kind = q.get("kind")
        if kind not in QuestionKind.values:
            raise ValidationFailed(_("Unknown question kind."), field="questions")
        text = checked_text(q.get("text"), "questions", 300)
        options = [checked_text(o, "questions", 100) for o in (q.get("options") or [])]
        if kind in ("single", "multiple") and not 2 <= len(options) <= MAX_OPTIONS:
            raise ValidationFailed(_("A choice question has 2 to %(n)d options.") % {"n": MAX_OPTIONS},
                                   field="questions")
        if kind not in ("single", "multiple"):
            options = []
        clean.append((kind, text, options, bool(q.get("required", True))))
    with transaction.atomic():
        survey = Survey.objects.create(unit=unit, unit_path=unit.path, title=title, description=description,
                                       closes_on=closes_on, created_by=actor)
        SurveyQuestion.objects.bulk_create([SurveyQuestion(survey=survey, position=i, kind=k, text=t, options=o,
                                                           required=r) for i, (k, t, o, r) in enumerate(clean)])
        audit_record(actor=actor, action="survey.create", obj=survey, changes={"questions": len(clean)})
    return survey


def survey_answer(*, actor, survey: Survey, answers: dict, today=None) -> SurveyResponse:
    """A resident of the area answers once. answers: {question id (str): index | [indexes] | 1–5 | text}."""
    _participant_path(actor, survey.unit_path)
    today = today or timezone.localdate()
    if survey.status != "open" or survey.closes_on < today:
        raise Conflict(_("The survey is closed."), code="survey_closed")
    if not isinstance(answers, dict):
        raise ValidationFailed(_("The answers are not valid."), field="answers")
    clean = {}
    for q in survey.questions.all():
        value = answers.get(str(q.pk))
        if value in (None, "", []):
            if q.required:
                raise ValidationFailed(_("Please answer “%(q)s”.") % {"q": q.text}, field=f"q{q.pk}")
            continue
        try:
            if q.kind == "single":
                value = int(value)
                ok = 0 <= value < len(q.options)
            elif q.kind == "multiple":
                value = sorted({int(v) for v in (value if isinstance(value, list) else [value])})
                ok = all(0 <= v < len(q.options) for v in value)
            elif q.kind == "rating":
                value = int(value)
                ok = 1 <= value <= 5
            else:
                value = checked_text(str(value), f"q{q.pk}", 2000)
                ok = True
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValidationFailed(_("The answer to “%(q)s” is not one of its choices.") % {"q": q.text},
                                   field=f"q{q.pk}")
        clean[str(q.pk)] = value
    with transaction.atomic():
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(survey=survey, user=actor, answers=clean)
        except IntegrityError:
            raise Conflict(_("You have answered this survey already."), code="already_answered") from None
        audit_record(actor=actor, action="survey.answer", obj=survey, changes={"answers": len(clean)})
    return response


def survey_close(*, actor, survey: Survey) -> Survey:
    require_area(actor, survey.unit_path, "write")
    with transaction.atomic():
        if Survey.objects.filter(pk=survey.pk, status="open").update(status="closed") != 1:
            raise Conflict(_("The survey is closed."))
        survey.status = "closed"
        audit_record(actor=actor, action="survey.close", obj=survey)
    return survey


# ---------------------------------------------------------------- proposal rounds


def round_create(*, actor, unit: Unit, title: str, closes_on: datetime.date, description: str = "",
                 today=None) -> ProposalRound:
    require_scope(actor, unit.path, "write")
    if unit.kind not in AREA_KINDS:
        raise ValidationFailed(_("A proposal round is for a street, community or compound."), field="unit")
    title = checked_text(title, "title", 120)
    description = checked_text(description, "description", 4000, required=False)
    closes_on = _closes_on(closes_on, today or timezone.localdate())
    with transaction.atomic():
        rnd = ProposalRound.objects.create(unit=unit, unit_path=unit.path, title=title, description=description,
                                           closes_on=closes_on, created_by=actor)
        notify(Message(kind="consult.round", unit_path=rnd.unit_path, subject_type="consult.proposalround",
                       subject_id=str(rnd.pk), subject_label=rnd.title[:80], link=reverse("consult:round", args=[rnd.pk]),
                       key=f"consult.round.open:{rnd.pk}",
                       text=_("Proposal round “%(title)s” is open until %(closes)s.") % {
                           "title": rnd.title, "closes": rnd.closes_on.isoformat()}))
        audit_record(actor=actor, action="proposal_round.create", obj=rnd)
    return rnd


def proposal_submit(*, actor, round: ProposalRound, title: str, body: str = "", estimated_cost=None,
                    today=None) -> Proposal:
    _participant_path(actor, round.unit_path)
    today = today or timezone.localdate()
    if round.status != "open" or round.closes_on < today:
        raise Conflict(_("The proposal round is closed."), code="round_closed")
    title = checked_text(title, "title", 120)
    body = checked_text(body, "body", 4000, required=False)
    cost = None
    if estimated_cost not in (None, ""):
        cost = parse_amount(estimated_cost, "estimated_cost", allow_zero=False)
    with transaction.atomic():
        proposal = Proposal.objects.create(round=round, unit_path=round.unit_path, title=title, body=body,
                                           estimated_cost=cost, author=actor)
        audit_record(actor=actor, action="proposal.submit", obj=proposal)
    return proposal


def proposal_support(*, actor, proposal: Proposal, today=None) -> Proposal:
    _participant_path(actor, proposal.unit_path)
    today = today or timezone.localdate()
    rnd = proposal.round
    if rnd.status != "open" or rnd.closes_on < today:
        raise Conflict(_("The proposal round is closed."), code="round_closed")
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProposalSupport.objects.create(proposal=proposal, user=actor)
        except IntegrityError:
            raise Conflict(_("You support this proposal already."), code="already_supported") from None
        Proposal.objects.filter(pk=proposal.pk).update(supports=F("supports") + 1)
        audit_record(actor=actor, action="proposal.support", obj=proposal)
    proposal.refresh_from_db()
    return proposal


def proposal_promote(*, actor, proposal: Proposal, estimated_cost=None):
    """Make a proposal a livelihood project of the round's unit (funds), linked back from the proposal."""
    require_area(actor, proposal.unit_path, "write")
    if proposal.project_id:
        raise Conflict(_("This proposal is a livelihood project already."))
    cost = estimated_cost if estimated_cost not in (None, "") else proposal.estimated_cost
    if cost in (None, ""):
        raise ValidationFailed(_("Give the estimated cost."), field="estimated_cost")
    with transaction.atomic():
        project = funds.livelihood_project_create(
            actor=actor, unit=proposal.round.unit, title=proposal.title, estimated_cost=cost,
            description=proposal.body, source="proposal", source_ref=str(proposal.pk))
        if Proposal.objects.filter(pk=proposal.pk, project__isnull=True).update(project=project) != 1:
            raise Conflict(_("This proposal is a livelihood project already."))
        audit_record(actor=actor, action="proposal.promote", obj=proposal, changes={"project": project.pk})
    proposal.project = project
    return project


def survey_results(survey: Survey) -> list[dict]:
    """Per question: counts per option, the mean rating, or the free-text answers (no names)."""
    questions = list(survey.questions.all())
    out = {q.pk: {"question": q, "counts": [0] * len(q.options), "ratings": [], "texts": []} for q in questions}
    total = 0
    for answers in SurveyResponse.objects.filter(survey=survey).values_list("answers", flat=True).iterator():
        total += 1
        for q in questions:
            value = answers.get(str(q.pk))
            if value is None:
                continue
            row = out[q.pk]
            if q.kind == "single":
                row["counts"][value] += 1
            elif q.kind == "multiple":
                for v in value:
                    row["counts"][v] += 1
            elif q.kind == "rating":
                row["ratings"].append(value)
            else:
                row["texts"].append(value)
    rows = []
    for q in questions:
        row = out[q.pk]
        rows.append({"question": q, "total": total, "options": list(zip(q.options, row["counts"], strict=True)),
                     "mean": round(sum(row["ratings"]) / len(row["ratings"]), 2) if row["ratings"] else None,
                     "texts": row["texts"][:200]})
    return rows


ZERO = Decimal("0")
