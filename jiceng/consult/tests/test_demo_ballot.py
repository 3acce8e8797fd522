"""The demo step holds a street-wide ballot of 20,000 households (scaled): it adds the missing households
to the street through the units service, and every household of the ballot votes exactly once."""

import pytest

from jiceng.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_demo_street_grows_to_the_ballot_size_and_four_in_five_households_vote_once(city):
    from jiceng.consult import demo, voting
    from jiceng.consult.models.ballots import Ballot, BallotPaper, BallotParticipation
    from jiceng.demo.runner import DemoContext
    from jiceng.orgs.models import Unit

    ctx = DemoContext(scale=0.005, quiet=True)  # 20,000 x 0.005 = 100 votes, 125 households (80 % turnout)
    ctx.data = {"streets": [city.street], "demo_units": {"street": city.street, "community": city.community}}
    demo.build(ctx)

    households = list(Unit.objects.filter(kind="household", path__startswith=city.street.path))
    compounds = [c.path for c in Unit.objects.filter(kind="compound", path__startswith=city.street.path)]
    assert len(households) == 125  # the street's one household and 124 new ones in new buildings
    assert all(any(h.path.startswith(c) for c in compounds) for h in households)
    assert AuditEvent.objects.filter(action="unit.bulk_create").count() == 2  # buildings, households
    ballot = Ballot.objects.get()
    assert ballot.status == "open" and ballot.unit_id == city.street.pk
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 100 == BallotPaper.objects.count()
    assert len(set(BallotParticipation.objects.values_list("household_id", flat=True))) == 100
    assert voting.tally(ballot)["papers"] == 100
    # Run again on the same street: nothing more is added.
    assert demo._grow_street(city.street, 125, ctx.rng("again")) == 0
