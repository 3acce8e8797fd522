"""The three posts, eighteen grades engine: rules by example and properties (hypothesis)."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from jiceng.workforce import grades

SCALE = grades.Scale()
POSTS = st.sampled_from(["principal", "deputy", "other"])
EDUCATION = st.sampled_from(["secondary", "college", "bachelor", "master", "doctor"])
QUALIFICATION = st.sampled_from(["none", "junior", "intermediate", "senior"])
RATING = st.sampled_from(["excellent", "competent", "basic", "incompetent"])
DATES = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2030, 12, 31))


def test_the_start_adds_qualification_and_education_credit_to_the_bottom_of_the_band():
    steps = grades.grade_history(SCALE, hire_date=datetime.date(2020, 1, 1), post="deputy", education="master",
                                 qualification="senior", as_of=datetime.date(2020, 6, 1))
    assert [s.rule for s in steps] == ["start"]
    assert steps[0].grade == 4 + 3 + 2  # band 4–15, senior +3, master 6 years / 3 = +2


def test_one_grade_up_every_three_years_when_the_last_evaluation_was_at_least_competent():
    steps = grades.grade_history(SCALE, hire_date=datetime.date(2015, 3, 1), post="other", education="college",
                                 qualification="none", as_of=datetime.date(2024, 3, 1),
                                 ratings={2017: "competent", 2020: "basic", 2023: "excellent"})
    assert [(s.rule, s.grade) for s in steps] == [("start", 1), ("service", 2), ("held", 2), ("service", 3)]
    assert steps[2].detail["rating"] == "basic"


def test_a_change_of_post_keeps_the_place_in_the_band():
    steps = grades.grade_history(SCALE, hire_date=datetime.date(2018, 1, 1), post="other", education="bachelor",
                                 qualification="junior", as_of=datetime.date(2022, 1, 1),
                                 post_changes=[(datetime.date(2021, 6, 1), "principal")],
                                 ratings={2020: "competent"})
    assert steps[-1].rule == "post_change"
    assert steps[-1].grade == 7 + (steps[-2].grade - 1)


def test_every_step_is_explained_in_words():
    steps = grades.grade_history(SCALE, hire_date=datetime.date(2015, 3, 1), post="principal", education="doctor",
                                 qualification="senior", as_of=datetime.date(2040, 3, 1),
                                 ratings={y: "excellent" for y in range(2015, 2040)})
    for s in steps:
        assert str(s.grade) in grades.explain(s.rule, s.grade, s.post, s.detail)
    assert "at_top" in [s.rule for s in steps]


histories = st.fixed_dictionaries({
    "hire_date": DATES, "post": POSTS, "education": EDUCATION, "qualification": QUALIFICATION,
    "ratings": st.dictionaries(st.integers(1990, 2030), RATING, max_size=12),
    "post_changes": st.lists(st.tuples(DATES, POSTS), max_size=3),
    "years_per_grade": st.integers(1, 5),
})


def _run(h, as_of, scale=None):
    scale = scale or grades.Scale(years_per_grade=h["years_per_grade"])
    changes = sorted(h["post_changes"])
    return grades.grade_history(scale, hire_date=h["hire_date"], post=h["post"], education=h["education"],
                                qualification=h["qualification"], as_of=as_of, ratings=h["ratings"],
                                post_changes=changes)


@settings(max_examples=300, deadline=None)
@given(histories, DATES)
def test_a_grade_never_leaves_its_posts_band(h, as_of):
    scale = grades.Scale(years_per_grade=h["years_per_grade"])
    for step in _run(h, as_of, scale):
        low, high = scale.band(step.post)
        assert low <= step.grade <= high


@settings(max_examples=300, deadline=None)
@given(histories, DATES, DATES)
def test_promotion_is_monotone_in_service_years(h, a, b):
    h = {**h, "post_changes": []}
    early, late = sorted([a, b])
    first, second = _run(h, early), _run(h, late)
    if first:
        assert second[-1].grade >= first[-1].grade
        assert second[:len(first)] == first  # a longer service only adds steps


@settings(max_examples=200, deadline=None)
@given(histories, DATES)
def test_the_same_history_always_gives_the_same_grade(h, as_of):
    assert _run(h, as_of) == _run(dict(h), as_of)
    shuffled = {**h, "ratings": dict(reversed(list(h["ratings"].items())))}
    assert _run(shuffled, as_of) == _run(h, as_of)
