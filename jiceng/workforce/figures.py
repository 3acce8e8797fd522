"""Cockpit figures of the community workforce (G1) and the street configuration (A4), computed live."""

from jiceng.core.scope import subtree_q
from jiceng.workforce.models import Worker, WorkerStatus
from jiceng.workforce.selectors import streets_fully_configured
from jiceng.workforce.stats import committee_measures


def figures(unit, *, today) -> dict:
    measures = committee_measures(unit, today)
    return {
        "professional_community_workers": Worker.objects.filter(subtree_q(unit.path, "unit_path"))
        .exclude(status=WorkerStatus.ENDED).count(),
        "professional_workers_as_secretary": measures["professional_secretaries"],
        "professional_workers_in_two_committees": measures["professional_members"],
        "two_committee_average_age": measures["average_age"],
        "secretary_director_one_shoulder_rate": measures["one_shoulder_rate"],
        "streets_fully_configured": streets_fully_configured(unit),
    }
