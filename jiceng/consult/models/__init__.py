"""Asking the people (D3). Each topic has its own module: surveys, proposal rounds, participatory-budget
ballots. (Deliberation, when it comes, gets a module of its own here.)"""

from jiceng.consult.models.ballots import (  # noqa: F401
    Ballot,
    BallotOption,
    BallotPaper,
    BallotParticipation,
    BallotStatus,
    VoteCode,
)
from jiceng.consult.models.proposals import Proposal, ProposalRound, ProposalSupport  # noqa: F401
from jiceng.consult.models.surveys import QuestionKind, Survey, SurveyQuestion, SurveyResponse  # noqa: F401
