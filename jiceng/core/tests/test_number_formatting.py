"""Numbers people can read: thousands separated, one rule for percentages, every score with its scale."""

import pytest
from django.template import Context, Template
from django.utils import translation

from jiceng.core.templatetags.figures import num, percent, score


def test_numbers_are_thousands_separated():
    assert num(1234567) == "1,234,567"
    assert num(999) == "999"
    assert num(0) == "0"
    assert num(-12345) == "-12,345"
    assert num(1234.5678, 2) == "1,234.57"
    assert num(12345.0) == "12,345"  # a whole float shows no ".0"
    assert num(None) == "—"


def test_one_rule_for_percentages():
    assert percent(0.952) == "95.2%"
    assert percent(1) == "100%"  # a whole number without ".0"
    assert percent(0.9999) == "100%"
    assert percent(0.0004) == "0%"
    assert percent(95.24, "100") == "95.2%"  # a value already in percent (progress 0–100)
    assert percent(60, "100") == "60%"
    assert percent(12.345) == "1,234.5%"
    assert percent(None) == "—"
    assert percent(0.5, 0) == percent(0.5, 1) == "50%"  # older digit arguments follow the one rule


def test_every_score_shows_its_scale_in_chinese():
    with translation.override("zh-hans"):
        assert score(3.7, 5) == "3.7 分（满分 5）"
        assert score(96.3456, 100) == "96.35 分（满分 100）"
        assert score(None, 100) == "—"
    with translation.override("en"):
        assert score(3.7, 5) == "3.7 points (of 5)"


def test_the_filters_work_in_templates():
    with translation.override("zh-hans"):
        html = Template("{% load figures %}{{ n|num }} · {{ r|percent }} · {{ s|score:5 }}").render(
            Context({"n": 43210, "r": 0.875, "s": 4}))
    assert html == "43,210 · 87.5% · 4 分（满分 5）"


@pytest.mark.django_db
def test_the_board_shows_department_scores_out_of_5_and_counts_separated(client_for, city, monkeypatch):
    from jiceng.cases import measures

    monkeypatch.setattr(measures, "department_evaluation", lambda unit, start, end: [{
        "department_id": 1, "department": "城管局", "calls": 12345, "report_in_rate": 0.9,
        "on_time_handling_rate": 0.8, "rework_rate": 0.05, "average_score": 3.7}])
    page = client_for("street_official").get(f"/cases/board/?unit={city.street.code}").content.decode()
    assert "3.7 分（满分 5）" in page and "12,345" in page


@pytest.mark.django_db
def test_the_unit_page_separates_thousands(client_for, city, monkeypatch):
    from jiceng.orgs import selectors

    monkeypatch.setattr(selectors, "residents_count", lambda unit, tally: 1234567)
    page = client_for("city_admin").get(f"/units/{city.city.code}/").content.decode()
    assert "1,234,567" in page
