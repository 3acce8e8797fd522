"""Unit-path helpers of core.scope."""

from jiceng.core.scope import common_path


def test_common_path_is_the_deepest_unit_holding_them_all():
    assert common_path(["/141000/141002/", "/141000/141002/"]) == "/141000/141002/"
    assert common_path(["/141000/141002/", "/141000/141023/"]) == "/141000/"
    assert common_path(["/141000/141002/141002001/", "/141000/141002/"]) == "/141000/141002/"
    assert common_path(["/1/", "/2/"]) == "/" and common_path([]) == ""
