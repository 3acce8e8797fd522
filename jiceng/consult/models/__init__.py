"""Asking the people (D3). Each topic has its own module: surveys, proposal rounds, participatory-budget
ballots. Deliberation (D2) and the stakeholders it brings together
(D1) have their own modules too."""

from jiceng.consult.models.ballots import (  # noqa: F401
    Ballot,
    BallotOption,
    BallotPaper,
    BallotParticipation,
    BallotStatus,
    VoteCode,
)
from jiceng.consult.models.deliberation import (  # noqa: F401
    DecisionMethod,
    Matter,
    MatterDecision,
    MatterKind,
    MatterParty,
    MatterProposal,
    MatterSession,
    MatterStatus,
    PartyKind,
    SessionAttendance,
)
from jiceng.consult.models.proposals import Proposal, ProposalRound, ProposalSupport  # noqa: F401
from jiceng.consult.models.stakeholders import (  # noqa: F401
    AppointmentKind,
    CommitteeRole,
    CrossAppointment,
    Instructor,
    InstructorVisit,
    OwnersCommittee,
    OwnersCommitteeMember,
    PropertyCompany,
    PropertyService,
    ReportIn,
    ReportInKind,
    ResidentUnitLink,
    VolunteerTeam,
    VolunteerTeamMember,
)
from jiceng.consult.models.surveys import QuestionKind, Survey, SurveyQuestion, SurveyResponse  # noqa: F401
