"""Case figures (B, B5, B9) for the cockpit: this calendar year, for the unit and everything under it."""

import datetime

from jiceng.cases.measures import counts_for, from_counts


def figures(unit, *, today) -> dict:
    m = from_counts(counts_for(unit.path, datetime.date(today.year, 1, 1), today))
    return {
        "cases_received_year": m.counts["received"],
        "response_rate": m.response_rate,
        "resolution_rate": m.resolution_rate,
        "satisfaction_rate": m.satisfaction_rate,
        "on_time_closure_rate": m.on_time_closure_rate,
        "settled_in_compound_share": m.settled_in_compound_share,
        "settled_in_community_share": m.settled_in_community_share,
    }
