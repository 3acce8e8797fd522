"""Cockpit figures of G2–G4 for a unit and everything under it: positions by level, the share of
residents within a 15-minute walk (as of the last coverage run) and the new employment groups."""

from django.db.models import Count, Sum

from jiceng.core.scope import subtree_q
from jiceng.stations import coverage
from jiceng.stations.models import Courier, CourierSignup, ServicePosition, State, Visit

LEVEL_KEYS = {"city": "service_centres_city", "county": "service_centres_county",
              "street": "service_centres_street", "community": "service_centres_community",
              "station": "compound_stations"}


def figures(unit, *, today) -> dict:
    where = subtree_q(unit.path, "unit_path")
    counts = dict(ServicePosition.objects.filter(where).exclude(state=State.CLOSED).values("level")
                  .annotate(n=Count("id")).order_by().values_list("level", "n"))
    out = {key: counts.get(level, 0) for level, key in LEVEL_KEYS.items()}
    run = coverage.latest_run()
    if run is not None:
        share = coverage.shares(unit.path)["residents_share"]
        if share is not None:
            out["residents_within_15min_share"] = share
            out["residents_within_15min_share_as_of"] = run.as_of.isoformat()
    out["new_employment_registered"] = Courier.objects.filter(where).count()
    out["new_employment_visits_year"] = Visit.objects.filter(where, at__year=today.year).count()
    out["new_employment_volunteer_hours_year"] = float(
        CourierSignup.objects.filter(where, activity__starts_at__year=today.year)
        .aggregate(h=Sum("hours"))["h"] or 0)
    return out
