import datetime

from jiceng.workforce import services, stats
from jiceng.workforce.figures import figures
from jiceng.workforce.tests.conftest import TODAY, hire


def _seat(city, person, committee, role, worker=None, start=None, end=None):
    return services.seat_assign(actor=None, community=city.community, person=person, committee=committee, role=role,
                                term_start=start or datetime.date(TODAY.year - 1, 1, 1),
                                term_end=end or datetime.date(TODAY.year + 3, 12, 31), education="bachelor")


def test_figures_are_live_and_the_statistics_count_by_post(city, wf, client_for):
    f = figures(city.city, today=TODAY)
    assert f["professional_community_workers"] == 3
    _seat(city, wf.secretary.person, "party", "secretary")
    _seat(city, wf.secretary.person, "residents", "director")
    _seat(city, city.member_person, "party", "member")
    f = figures(city.city, today=TODAY)
    assert f["professional_workers_as_secretary"] == 1
    assert f["professional_workers_in_two_committees"] == 1
    assert f["secretary_director_one_shoulder_rate"] == 1.0
    ages = [stats._age(p.birth_date, TODAY) for p in (wf.secretary.person, city.member_person)]
    assert f["two_committee_average_age"] == round(sum(ages) / 2, 2)
    hire(40, city.community)
    assert figures(city.city, today=TODAY)["professional_community_workers"] == 4
    data = stats.statistics(city.city, TODAY.year, today=TODAY)
    assert data["by_post"] == {"deputy": 1, "other": 2, "principal": 1}
    assert sum(data["by_age"].values()) == 4
    assert data["committees"]["women_share"] == 0.5
    api = client_for("city_admin").get("/api/v1/workforce/statistics")
    assert api.status_code == 200 and api.json()["workers"] == 4


def test_the_street_checklist_counts_complete_streets_and_lists_gaps(city, wf):
    from jiceng.workforce.models import ConfigItem
    from jiceng.workforce.selectors import gaps_by_county, street_checklist

    for item in ConfigItem.values:
        services.street_config_set(actor=None, street=city.street, item=item, present=True, staffing=2)
    assert figures(city.city, today=TODAY)["streets_fully_configured"] == 1
    services.street_config_set(actor=city.users["street_official"], street=city.street, item="veterans_station",
                               present=False)
    assert figures(city.city, today=TODAY)["streets_fully_configured"] == 0
    gaps = gaps_by_county(street_checklist(user=city.users["city_admin"], unit=city.city))
    missing = {e["street"].code: [m["item"] for m in e["missing"]] for g in gaps for e in g["gaps"]}
    assert missing[city.street.code] == ["veterans_station"]
