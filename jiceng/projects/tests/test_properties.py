"""Property tests: the weighted roll-up and the indicator-tree weight rule."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiceng.core.errors import ValidationFailed
from jiceng.projects.indicator_tree import validate_tree
from jiceng.projects.services import backward_dates, weighted_rollup

leaf = st.tuples(st.floats(0.1, 10), st.floats(0, 100))


@given(st.lists(leaf, min_size=1, max_size=8), st.lists(leaf, min_size=0, max_size=5))
def test_rollup_is_the_weighted_mean_and_stays_within_0_and_100(top, children):
    nodes = [{"id": i, "parent": None, "weight": w, "progress": p} for i, (w, p) in enumerate(top)]
    # Children under the first top-level node replace its own progress.
    nodes += [{"id": 100 + i, "parent": 0, "weight": w, "progress": p} for i, (w, p) in enumerate(children)]
    overall, values = weighted_rollup(nodes)
    first = (sum(w * p for w, p in children) / sum(w for w, _ in children)) if children else top[0][1]
    assert values[0] == pytest.approx(first)
    expected = (top[0][0] * first + sum(w * p for w, p in top[1:])) / sum(w for w, _ in top)
    assert overall == pytest.approx(expected, abs=0.01)
    assert -0.01 <= overall <= 100.01


@given(st.lists(st.integers(1, 100), min_size=1, max_size=6))
def test_a_level_is_accepted_exactly_when_its_weights_add_up_to_1(parts):
    total = sum(parts)
    weights = [p / total for p in parts]
    tree = [{"code": f"I{i}", "title": "t", "weight": w} for i, w in enumerate(weights)]
    validate_tree(tree)
    tree[0]["weight"] = weights[0] * 0.9 if weights[0] < 1 else 0.9
    with pytest.raises(ValidationFailed):
        validate_tree(tree)


@given(st.dates(), st.integers(1, 400), st.integers(1, 8))
def test_backward_schedules_end_on_the_deadline_and_never_go_before_the_start(start, days, steps):
    import datetime

    deadline = start + datetime.timedelta(days=days) if start.year < 9999 else start
    dates = backward_dates(start, deadline, steps)
    assert dates[-1] == deadline and all(start <= d <= deadline for d in dates)
    assert dates == sorted(dates)
