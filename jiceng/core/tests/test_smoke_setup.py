from jiceng.core.pii import id_check_digit


def test_fixture_identity_number_is_valid():
    from jiceng.conftest import ID_R1

    assert id_check_digit(ID_R1[:17]) == ID_R1[17]
