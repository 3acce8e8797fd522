"""Reads for asking the people. Officials see what lies in their area; residents also see the
consultations put to the area they live in (units above their own grant)."""

from django.db.models import Q

from jiceng.consult.models.ballots import Ballot
from jiceng.consult.models.proposals import Proposal, ProposalRound
from jiceng.consult.models.surveys import Survey
from jiceng.core.errors import NotFound
from jiceng.core.scope import scope_filter, subtree_q, user_grants


def _ancestor_paths(path: str) -> list[str]:
    return [path[: i + 1] for i, ch in enumerate(path) if ch == "/" and i > 0]


def visible(qs, user, unit=None):
    """Rows in the user's area, or put to an area that holds the user's own (a resident's community)."""
    above = {p for g in user_grants(user) for p in _ancestor_paths(g.unit_path)}
    q = Q(unit_path__in=above) if above else Q(pk__in=[])
    inside = scope_filter(qs, user, "unit_path")
    qs = qs.filter(q | Q(pk__in=inside.values("pk")))
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "unit_path") | Q(unit_path__in=_ancestor_paths(unit.path)))
    return qs


def _one(qs, user, pk):
    obj = visible(qs, user).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def surveys_in(*, user, unit=None):
    return visible(Survey.objects.select_related("unit"), user, unit).order_by("-id")


def survey_get(*, user, pk: int) -> Survey:
    return _one(Survey.objects.select_related("unit"), user, pk)


def rounds_in(*, user, unit=None):
    return visible(ProposalRound.objects.select_related("unit"), user, unit).order_by("-id")


def round_get(*, user, pk: int) -> ProposalRound:
    return _one(ProposalRound.objects.select_related("unit"), user, pk)


def proposal_get(*, user, pk: int) -> Proposal:
    return _one(Proposal.objects.select_related("round__unit", "project"), user, pk)


def ballots_in(*, user, unit=None):
    return visible(Ballot.objects.select_related("unit"), user, unit).order_by("-id")


def ballot_get(*, user, pk: int) -> Ballot:
    return _one(Ballot.objects.select_related("unit"), user, pk)


def ballot_for_voting(pk: int) -> Ballot:
    """Public: an open (or closed and published) ballot, for the residents' phone page."""
    obj = Ballot.objects.select_related("unit").filter(pk=pk).exclude(status="draft").first()
    if obj is None:
        raise NotFound()
    return obj


def published_ballot(pk: int) -> Ballot:
    obj = Ballot.objects.select_related("unit").filter(pk=pk, status="closed", published=True).first()
    if obj is None:
        raise NotFound()
    return obj


def published_in(unit) -> list[Ballot]:
    return list(Ballot.objects.filter(subtree_q(unit.path, "unit_path"), status="closed", published=True)
                .select_related("unit").order_by("-closed_at"))


# ---------------------------------------------------------------- deliberation and stakeholders


def matters_in(*, user, unit=None, status: str | None = None):
    from jiceng.consult.models.deliberation import Matter

    qs = scope_filter(Matter.objects.select_related("unit", "case"), user, "unit_path")
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "unit_path"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-opened_on", "-id")


def matter_get(*, user, pk: int):
    from jiceng.consult.models.deliberation import Matter

    obj = scope_filter(Matter.objects.select_related("unit", "case", "resolution__meeting"), user, "unit_path") \
        .filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def matters_overdue(*, user, unit, today):
    """Open matters past the date they were to be decided by (the community desk lists them)."""
    return matters_in(user=user, unit=unit, status="open").filter(decide_by__lt=today).order_by("decide_by", "id")


def matter_actions(matter):
    from jiceng.meetings.models import ActionItem

    return ActionItem.objects.filter(source_type="consult.matter", source_id=str(matter.pk)) \
        .select_related("owner_unit").order_by("deadline", "id")


def deliberation_actions_open(*, user, unit):
    """Open follow-up actions of deliberation decisions under `unit` (the desk lists them)."""
    from jiceng.meetings.models import ActionItem

    return scope_filter(ActionItem.objects.filter(subtree_q(unit.path, "unit_path"), source_type="consult.matter",
                                                  status="open"), user, "unit_path").order_by("deadline", "id")


def decisions_public(unit):
    """Public decisions of matters opened by this unit or the units below it (its public page)."""
    from jiceng.consult.models.deliberation import MatterDecision

    return MatterDecision.objects.filter(subtree_q(unit.path, "unit_path"), public=True).select_related("matter") \
        .order_by("-decided_on", "-id")
