"""Asking the people API (D3): surveys, proposal rounds, participatory-budget ballots and the residents'
public voting endpoints (SMS code, vote), results, Excel export."""

import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from jiceng.consult import exports, selectors, services, voting
from jiceng.core.client import client_address
from jiceng.core.exports import xlsx_response
from jiceng.core.fields import Day, Id, Moment, MoneyInput, PathId, Text
from jiceng.core.schemas import UnitCodeOut
from jiceng.orgs.selectors import unit_get, unit_or_top

router = Router(tags=["consult"])

Amount = MoneyInput  # yuan with fen; the services check their own limits too


def _aware(moment: datetime.datetime) -> datetime.datetime:
    """A time given without its zone is local time."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class ConsultQuestionIn(Schema):
    kind: str
    text: str
    options: list[str] = []
    required: bool = True


class ConsultSurveyIn(Schema):
    unit: str
    title: str
    closes_on: Day
    description: str = ""
    questions: list[ConsultQuestionIn]


class ConsultQuestionOut(Schema):
    id: int
    kind: str
    text: str
    options: list
    required: bool


class ConsultSurveyOut(UnitCodeOut):
    id: int
    title: str
    description: str
    status: str
    closes_on: datetime.date
    questions: list[ConsultQuestionOut]

    @staticmethod
    def resolve_questions(obj):
        return list(obj.questions.all())


class ConsultSurveyRow(Schema):
    id: int
    title: str
    status: str
    closes_on: datetime.date


@router.get("/surveys", response=list[ConsultSurveyRow])
def surveys_list(request, unit: str = ""):
    u = unit_get(user=request.user, code=unit) if unit else None
    return list(selectors.surveys_in(user=request.user, unit=u)[:500])


@router.post("/surveys", response={201: ConsultSurveyOut})
def surveys_create(request, body: ConsultSurveyIn):
    u = unit_get(user=request.user, code=body.unit)
    survey = services.survey_create(actor=request.user, unit=u, title=body.title,
                                    closes_on=body.closes_on, description=body.description,
                                    questions=[q.dict() for q in body.questions])
    return Status(201, survey)


@router.get("/surveys/{pk}", response=ConsultSurveyOut)
def surveys_get(request, pk: PathId):
    return selectors.survey_get(user=request.user, pk=pk)


class ConsultAnswersIn(Schema):
    answers: dict


class ConsultCreated(Schema):
    id: int


@router.post("/surveys/{pk}/responses", response={201: ConsultCreated})
def surveys_answer(request, pk: PathId, body: ConsultAnswersIn):
    survey = selectors.survey_get(user=request.user, pk=pk)
    return Status(201, services.survey_answer(actor=request.user, survey=survey, answers=body.answers))


class ConsultQuestionResult(Schema):
    question: str
    kind: str
    total: int
    options: list[tuple[str, int]]
    mean: float | None
    texts: list[str]


@router.get("/surveys/{pk}/results", response=list[ConsultQuestionResult])
def surveys_results(request, pk: PathId):
    survey = selectors.survey_get(user=request.user, pk=pk)
    return [{**r, "question": r["question"].text, "kind": r["question"].kind} for r in services.survey_results(survey)]


@router.post("/surveys/{pk}/close", response=ConsultSurveyRow)
def surveys_close(request, pk: PathId):
    survey = selectors.survey_get(user=request.user, pk=pk)
    return services.survey_close(actor=request.user, survey=survey)


class ConsultRoundIn(Schema):
    unit: str
    title: str
    closes_on: Day
    description: str = ""


class ConsultProposalOut(Schema):
    id: int
    title: str
    body: str
    estimated_cost: Decimal | None
    supports: int
    project_id: int | None


class ConsultRoundOut(UnitCodeOut):
    id: int
    title: str
    status: str
    closes_on: datetime.date
    proposals: list[ConsultProposalOut]

    @staticmethod
    def resolve_proposals(obj):
        return list(obj.proposals.order_by("-supports", "id"))


@router.get("/rounds", response=list[ConsultSurveyRow])
def rounds_list(request, unit: str = ""):
    u = unit_get(user=request.user, code=unit) if unit else None
    return list(selectors.rounds_in(user=request.user, unit=u)[:500])


@router.post("/rounds", response={201: ConsultRoundOut})
def rounds_create(request, body: ConsultRoundIn):
    u = unit_get(user=request.user, code=body.unit)
    return Status(201, services.round_create(actor=request.user, unit=u, title=body.title,
                                             closes_on=body.closes_on,
                                             description=body.description))


@router.get("/rounds/{pk}", response=ConsultRoundOut)
def rounds_get(request, pk: PathId):
    return selectors.round_get(user=request.user, pk=pk)


class ConsultProposalIn(Schema):
    title: str
    body: str = ""
    estimated_cost: Amount | None = None


@router.post("/rounds/{pk}/proposals", response={201: ConsultProposalOut})
def proposals_submit(request, pk: PathId, body: ConsultProposalIn):
    rnd = selectors.round_get(user=request.user, pk=pk)
    return Status(201, services.proposal_submit(actor=request.user, round=rnd, title=body.title, body=body.body,
                                                estimated_cost=body.estimated_cost))


@router.post("/proposals/{pk}/support", response=ConsultProposalOut)
def proposals_support(request, pk: PathId):
    return services.proposal_support(actor=request.user, proposal=selectors.proposal_get(user=request.user, pk=pk))


class ConsultPromoteIn(Schema):
    estimated_cost: Amount | None = None


class ConsultProjectLink(Schema):
    project_id: int


@router.post("/proposals/{pk}/promote", response={201: ConsultProjectLink})
def proposals_promote(request, pk: PathId, body: ConsultPromoteIn):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    project = services.proposal_promote(actor=request.user, proposal=proposal, estimated_cost=body.estimated_cost)
    return Status(201, {"project_id": project.pk})


class ConsultOptionOut(Schema):
    id: int
    title: str
    description: str
    cost: Decimal
    project_id: int | None


class ConsultBallotOut(UnitCodeOut):
    id: int
    title: str
    description: str
    budget: Decimal
    status: str
    closes_at: datetime.datetime
    published: bool
    options: list[ConsultOptionOut]

    @staticmethod
    def resolve_options(obj):
        return list(obj.options.all())


class ConsultBallotIn(Schema):
    unit: str
    title: str
    budget: Amount
    closes_at: Moment
    description: str = ""


class ConsultBallotRow(Schema):
    id: int
    title: str
    status: str
    budget: Decimal
    published: bool


@router.get("/ballots", response=list[ConsultBallotRow])
def ballots_list(request, unit: str = ""):
    u = unit_get(user=request.user, code=unit) if unit else None
    return list(selectors.ballots_in(user=request.user, unit=u)[:500])


@router.post("/ballots", response={201: ConsultBallotOut})
def ballots_create(request, body: ConsultBallotIn):
    u = unit_get(user=request.user, code=body.unit)
    return Status(201, voting.ballot_create(actor=request.user, unit=u, title=body.title, budget=body.budget,
                                            closes_at=_aware(body.closes_at),
                                            description=body.description))


@router.get("/ballots/{pk}", response=ConsultBallotOut)
def ballots_get(request, pk: PathId):
    return selectors.ballot_get(user=request.user, pk=pk)


class ConsultOptionIn(Schema):
    title: str
    cost: Amount
    description: str = ""
    proposal: Id | None = None


@router.post("/ballots/{pk}/options", response={201: ConsultOptionOut})
def ballots_option_add(request, pk: PathId, body: ConsultOptionIn):
    ballot = selectors.ballot_get(user=request.user, pk=pk)
    proposal = selectors.proposal_get(user=request.user, pk=body.proposal) if body.proposal else None
    return Status(201, voting.ballot_option_add(actor=request.user, ballot=ballot, title=body.title, cost=body.cost,
                                                description=body.description, proposal=proposal))


@router.post("/ballots/{pk}/open", response=ConsultBallotRow)
def ballots_open(request, pk: PathId):
    return voting.ballot_open(actor=request.user, ballot=selectors.ballot_get(user=request.user, pk=pk))


@router.post("/ballots/{pk}/close", response=ConsultBallotRow)
def ballots_close(request, pk: PathId):
    return voting.ballot_close(actor=request.user, ballot=selectors.ballot_get(user=request.user, pk=pk))


@router.post("/ballots/{pk}/publish", response=ConsultBallotRow)
def ballots_publish(request, pk: PathId):
    return voting.ballot_publish(actor=request.user, ballot=selectors.ballot_get(user=request.user, pk=pk))


class ConsultResultRow(Schema):
    option: int
    title: str
    cost: Decimal
    votes: int
    rank: int
    won: bool
    reason: str


class ConsultResultOut(Schema):
    ballot: int
    budget: Decimal
    papers: int
    households: int
    spent: Decimal
    left: Decimal
    options: list[ConsultResultRow]


@router.get("/ballots/{pk}/result", response=ConsultResultOut)
def ballots_result(request, pk: PathId):
    return voting.ballot_result(selectors.ballot_get(user=request.user, pk=pk))


class ConsultPaperIn(Schema):
    household: str
    options: list[Id | Text(40)] = Field(max_length=200)


class ConsultAccepted(Schema):
    accepted: bool


@router.post("/ballots/{pk}/paper", response={201: ConsultAccepted})
def ballots_paper(request, pk: PathId, body: ConsultPaperIn):
    ballot = selectors.ballot_get(user=request.user, pk=pk)
    household = unit_get(user=request.user, code=body.household)
    voting.ballot_vote_paper(actor=request.user, ballot=ballot, household=household, option_ids=body.options)
    return Status(201, {"accepted": True})


class ConsultCodeIn(Schema):
    phone: str
    household: str = ""


class ConsultCodeOut(Schema):
    masked: str
    household: str


@router.post("/ballots/{pk}/code", response=ConsultCodeOut, auth=None)
def ballots_code(request, pk: PathId, body: ConsultCodeIn):
    ballot = selectors.ballot_for_voting(pk)
    return voting.vote_code_send(ballot=ballot, phone=body.phone, client_address=client_address(request),
                                 household_code=body.household)


class ConsultVoteIn(Schema):
    phone: str
    code: str
    options: list[Id | Text(40)] = Field(max_length=200)


@router.post("/ballots/{pk}/vote", response={201: ConsultAccepted}, auth=None)
def ballots_vote(request, pk: PathId, body: ConsultVoteIn):
    ballot = selectors.ballot_for_voting(pk)
    voting.ballot_vote_sms(ballot=ballot, phone=body.phone, code=body.code, option_ids=body.options)
    return Status(201, {"accepted": True})


@router.get("/public/ballots/{pk}/result", response=ConsultResultOut, auth=None)
def public_result(request, pk: PathId):
    return voting.ballot_result(selectors.published_ballot(pk))


@router.get("/export/{table}")
def export(request, table: str, unit: str = ""):
    u = unit_or_top(user=request.user, code=unit)
    content, filename = exports.export(user=request.user, unit=u, table=table)
    return xlsx_response(content, filename)


# Stakeholders and deliberation (D1, D2): their own module, on this router.
from jiceng.consult import api_deliberation, api_stakeholders  # noqa: E402, F401  (api_stakeholders: its reads)

router.add_router("", api_deliberation.router)
