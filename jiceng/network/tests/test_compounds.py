"""Compounds: property arrangements, three-without tracking until an arrangement, the cockpit figure."""

import datetime

import pytest

from jiceng.core.errors import ValidationFailed
from jiceng.network import services
from jiceng.network.figures import figures


def open_count(city):
    return figures(city.city, today=datetime.date(2026, 11, 28))["three_without_compounds_open"]


def test_a_compound_without_all_three_is_three_without_and_open_until_arranged(city):
    profile = services.compound_profile_set(actor=None, compound=city.compound)
    assert profile.three_without and profile.three_without_since and profile.three_without_open
    assert open_count(city) == 1
    services.compound_arrangement_set(actor=None, compound=city.compound, arrangement="社区托管",
                                      since=datetime.date(2026, 10, 1))
    assert open_count(city) == 0


def test_any_one_of_the_three_ends_three_without(city):
    services.compound_profile_set(actor=None, compound=city.compound)
    profile = services.compound_profile_set(actor=None, compound=city.compound, owners_committee="幸福小区业委会")
    assert not profile.three_without and profile.three_without_since is None
    assert open_count(city) == 0


def test_a_project_manager_needs_a_property_company(city):
    with pytest.raises(ValidationFailed):
        services.compound_profile_set(actor=None, compound=city.compound, project_manager="孙经理")


def test_the_figure_counts_only_under_the_unit(city):
    services.compound_profile_set(actor=None, compound=city.compound)
    services.compound_profile_set(actor=None, compound=city.compound2)
    assert open_count(city) == 2
    assert figures(city.street2, today=datetime.date(2026, 11, 28))["three_without_compounds_open"] == 1


def test_the_cockpit_api_shows_the_figure(city, client_for):
    services.compound_profile_set(actor=None, compound=city.compound)
    response = client_for("city_admin").get("/api/v1/cockpit/figures?unit=141000")
    assert response.status_code == 200, response.content
    assert response.json()["figures"]["three_without_compounds_open"] == 1
