"""The cockpit map: the units one level below, each with the chosen measure, equal to a hand count."""

import pytest

from jiceng.cockpit.selectors import GRADE_COLOURS, NO_DATA, PALETTE
from jiceng.cockpit.tests.conftest import G2_POINT, GB_POINT, cockpit_data, features_by_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(city, submit, close_case):
    """Street S1: a closed case rated satisfied (G1) and a new one (GB). Street S2: a new case (G2).
    S1: received 2, responded 2, accepted 2, closed 1, rated 1 (satisfied)
        → response 1.0, resolution 0.5, satisfaction 1.0 → score 100 × (0.1 + 0.25 + 0.4) = 75.0 (C)
    S2: received 1, not yet registered, nothing rated → response 0, resolution 0 → score 0.0 (E)."""
    close_case(submit())
    from jiceng.cases.services import case_act

    b = submit(point=GB_POINT)
    case_act(actor=city.users["community_worker"], case=b, action="register", version=b.version, comment="ok")
    submit(point=G2_POINT)


def test_the_county_map_shows_its_streets_with_the_case_unit_score_by_default(client_for, city, cases):
    response = client_for("city_admin").get(f"/cockpit/?unit={city.county.code}")
    assert response.status_code == 200
    streets = features_by_code(cockpit_data(response))
    assert set(streets) == {city.street.code, city.street2.code}
    s1, s2 = streets[city.street.code], streets[city.street2.code]
    assert (s1["name"], s1["value"], s1["text"], s1["fill"]) == ("解放路街道", 75.0, "75.0 (C)", GRADE_COLOURS["C"])
    assert (s2["value"], s2["text"], s2["fill"]) == (0.0, "0.0 (E)", GRADE_COLOURS["E"])
    html = response.content.decode()
    assert "A ≥ 90" in html and "E &lt; 60" in html  # the grade legend


def test_choosing_satisfaction_colours_by_the_rate_and_greys_units_without_ratings(client_for, city, cases):
    response = client_for("city_admin").get(f"/cockpit/?unit={city.county.code}&measure=satisfaction_rate")
    streets = features_by_code(cockpit_data(response))
    s1, s2 = streets[city.street.code], streets[city.street2.code]
    assert (s1["value"], s1["text"], s1["fill"]) == (1.0, "100.0%", PALETTE[3])  # one value: one class
    assert s2["value"] is None and s2["fill"] == NO_DATA
    assert response.context["map"]["legend"][-1]["colour"] == NO_DATA


def test_choosing_cases_received_counts_them_per_street(client_for, city, cases):
    response = client_for("city_admin").get(f"/cockpit/?unit={city.county.code}&measure=cases_received_year")
    streets = features_by_code(cockpit_data(response))
    assert streets[city.street.code]["value"] == 2 and streets[city.street2.code]["value"] == 1
    assert streets[city.street.code]["fill"] == PALETTE[-1] and streets[city.street2.code]["fill"] == PALETTE[0]
    legend = response.context["map"]["legend"]
    assert [item["label"] for item in legend] == ["1", "2"]  # whole-number classes


def test_choosing_residents_counts_them_from_the_kept_tallies(client_for, city):
    # Household 1 (grid G1, street S1): 张伟 and 李娜; household 2 (street S2): 王芳.
    response = client_for("city_admin").get(f"/cockpit/?unit={city.county.code}&measure=residents")
    streets = features_by_code(cockpit_data(response))
    assert streets[city.street.code]["value"] == 2 and streets[city.street2.code]["value"] == 1
    assert streets[city.street.code]["text"] == "2"
    community = features_by_code(cockpit_data(
        client_for("city_admin").get(f"/cockpit/?unit={city.community.code}&measure=residents")))
    assert {code: p["value"] for code, p in community.items()} == {city.grid.code: 2, city.grid_b.code: 0}


def test_an_unknown_measure_falls_back_to_the_score(client_for, city):
    response = client_for("city_admin").get(f"/cockpit/?unit={city.county.code}&measure=drop_table")
    assert response.status_code == 200 and response.context["measure"] == "score"


def test_the_score_bars_rank_the_units_below_best_first_with_their_grade(client_for, city, cases):
    data = cockpit_data(client_for("city_admin").get(f"/cockpit/?unit={city.county.code}"))
    bars = data["bars"]
    assert bars["names"] == ["解放路街道", "鼓楼南街道"]
    assert bars["scores"] == [75.0, 0.0] and bars["grades"] == ["C", "E"]


def test_a_unit_without_an_outline_is_listed_under_the_map_and_still_ranked(client_for, city):
    from jiceng.orgs.services import unit_create

    unit_create(actor=None, parent=city.county, kind="street", code="141002003", name="新街道")
    response = client_for("city_admin").get(f"/cockpit/?unit={city.county.code}")
    data = cockpit_data(response)
    assert "141002003" not in features_by_code(data)
    assert "新街道" in data["bars"]["names"]
    assert response.context["map"]["without_outline"] == ["新街道"]
