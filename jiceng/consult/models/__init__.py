"""Asking the people (D3). Each topic has its own module: surveys, proposal rounds, participatory-budget
ballots. Deliberation (D2) and the stakeholders it brings together (D1) have their own modules too.

Import a model from its module (`jiceng.consult.models.ballots import Ballot`); this package only loads
them all so that Django registers them."""

from jiceng.consult.models import ballots, deliberation, proposals, stakeholders, surveys  # noqa: F401
