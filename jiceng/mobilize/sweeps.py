"""The mobilization sweep (`manage.py sweep`): unanswered offers expire, no-shows are marked, freed
seats are refilled, shortfalls escalate to the street."""

from jiceng.mobilize.calls import calls_sweep


def sweep(now) -> dict:
    return calls_sweep(now)
