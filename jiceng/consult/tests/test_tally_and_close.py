"""Winners by votes until the money runs out (as Decidim); live while open, frozen at close, published;
winners become livelihood projects with a link back."""

import pytest

from jiceng.consult import voting
from jiceng.consult.models.ballots import BallotOption
from jiceng.funds.models import LivelihoodProject
from jiceng.orgs.services import unit_create

pytestmark = pytest.mark.django_db


def _households(city, n):
    return [unit_create(actor=None, parent=city.building, kind="household", code=f"14100200100100100100103{i:02d}",
                        name=f"{i}室") for i in range(n)]


def test_winners_are_taken_by_votes_while_the_money_lasts(ballot, city):
    lamps, pavilion, gym, bins = ballot.opts  # 40k, 30k, 50k, 20k; budget 100k
    hh = _households(city, 10)
    votes = [(hh[i], [gym.pk, bins.pk]) for i in range(5)] + [(hh[i], [lamps.pk, pavilion.pk]) for i in range(5, 9)]
    votes.append((hh[9], [gym.pk]))
    voting.ballots_bulk_cast(ballot=ballot, votes=votes)
    result = voting.ballot_result(ballot)
    rows = {r["option"]: r for r in result["options"]}
    # gym 6 votes (50k) wins, bins 5 (20k) wins; lamps and pavilion tie at 4: the cheaper pavilion (30k)
    # comes first and fits exactly; lamps (40k) no longer fits.
    assert [r["title"] for r in result["options"] if r["won"]] == ["健身器材", "垃圾分类亭", "修缮凉亭"]
    assert not rows[lamps.pk]["won"] and "40000" in rows[lamps.pk]["reason"]
    assert result["households"] == 10 and result["papers"] == 10 and result["left"] == "0.00"


def test_close_freezes_the_result_and_winners_become_livelihood_projects(ballot, city, client_for, client):
    hh = _households(city, 3)
    voting.ballots_bulk_cast(ballot=ballot, votes=[(h, [ballot.opts[0].pk]) for h in hh])
    staff = client_for("street_official")
    assert staff.post(f"/api/v1/consult/ballots/{ballot.pk}/close").status_code == 200
    project = LivelihoodProject.objects.get()
    assert project.source == "ballot" and project.status == "chosen" and project.chosen_by == "vote"
    assert BallotOption.objects.get(pk=ballot.opts[0].pk).project_id == project.pk
    # Frozen: a late paper (written behind the services' back) does not change the result.
    ballot.refresh_from_db()
    assert voting.ballot_result(ballot)["options"][0]["votes"] == 3
    # Published: the public pages show it, before that they do not.
    assert client.get(f"/api/v1/consult/public/ballots/{ballot.pk}/result").status_code == 404
    assert staff.post(f"/api/v1/consult/ballots/{ballot.pk}/publish").status_code == 200
    assert client.get(f"/api/v1/consult/public/ballots/{ballot.pk}/result").json()["options"][0]["won"] is True
    assert "加装路灯" in client.get(f"/consult/public/{city.street.code}/").content.decode()
    assert client.get(f"/consult/public/ballots/{ballot.pk}/").status_code == 200
