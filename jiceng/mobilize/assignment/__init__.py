"""Whistle-call assignment engine (SPEC C4): pure Python, no Django.

See :mod:`jiceng.mobilize.assignment.solver` for the model.
"""

from .solver import (
    AssignmentProblem,
    AssignmentResult,
    BusyIntervals,
    Members,
    RefillResult,
    Seats,
    Shifts,
    assign,
    greedy_assign,
    haversine_m,
    refill,
    verify_optimal_scipy,
)

__all__ = [
    "AssignmentProblem",
    "AssignmentResult",
    "BusyIntervals",
    "Members",
    "RefillResult",
    "Seats",
    "Shifts",
    "assign",
    "greedy_assign",
    "haversine_m",
    "refill",
    "verify_optimal_scipy",
]
