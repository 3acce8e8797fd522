"""An address goes to its building and grid through the gazetteer, tolerantly."""

import pytest

from jiceng.core.errors import ValidationFailed
from jiceng.network.routing import address_lookup
from jiceng.network.services import gazetteer_rebuild


@pytest.fixture
def gazetteer(city):
    gazetteer_rebuild(actor=None, unit=city.city)
    return city


@pytest.mark.parametrize("text", [
    "五一路12号幸福小区1号楼",
    "临汾市尧都区五一路１２号幸福小区1栋",
    "五一路十二号幸福小区一幢",
    "幸福小区1号楼",
    "五一路12号幸福小区1号楼2单元301室",
    "幸福小区1#2-301",
])
def test_an_address_of_a_building_finds_its_building_and_grid(gazetteer, text):
    result = address_lookup(text)
    assert result.building == gazetteer.building
    assert result.grid == gazetteer.grid
    assert result.chain[-1] == gazetteer.grid


def test_an_unknown_address_finds_nothing(gazetteer):
    result = address_lookup("解放路999号")
    assert result.building is None and result.grid is None


@pytest.mark.parametrize("text", ["", "   ", "，。"])
def test_an_empty_address_is_refused(gazetteer, text):
    with pytest.raises(ValidationFailed) as exc:
        address_lookup(text)
    assert exc.value.code == "empty_address"
