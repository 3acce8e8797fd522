"""The unified social credit code (GB 32100) and its organization code (GB 11714) are checked."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiceng.core import codes

KNOWN_GOOD = ["91350100M000100Y43", "91110000600037341L", "9111000071093123XX"]


@pytest.mark.parametrize("code", KNOWN_GOOD)
def test_published_codes_pass(code):
    assert codes.validate(code) == code


def test_lower_case_full_width_and_spaces_are_normalized():
    assert codes.validate(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert codes.validate("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


@pytest.mark.parametrize("code,reason", [
    ("91350100M000100Y4", "length"),
    ("91350100M000100Y44", "check"),
    ("91350100M000101Y43", "org_check"),
    ("9135010OM000100Y43", "alphabet"),
    ("91350A00M000100Y43", "division"),
])
def test_wrong_codes_say_why(code, reason):
    with pytest.raises(codes.CreditCodeError) as exc:
        codes.validate(code)
    assert exc.value.reason == reason


ALNUM = st.sampled_from(codes.ALPHABET)


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8),
       st.text(alphabet="0123456789", min_size=6, max_size=6), st.integers(0, 16), ALNUM)
def test_made_codes_pass_and_any_single_change_fails(body, division, position, replacement):
    code = codes.make("91", division, body)
    assert codes.validate(code) == code
    changed = code[:position] + replacement + code[position + 1:]
    if changed != code:
        with pytest.raises(codes.CreditCodeError):
            codes.validate(changed)
