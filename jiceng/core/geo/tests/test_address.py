import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiceng.core.geo.address import address_key, chinese_numeral_to_int, normalize_address

CANON = "12号3单元502室"

VARIANTS = [
    "12号楼3单元502室",
    "１２号楼３单元５０２室",  # full-width digits
    "12栋3单元502",
    "12幢3单元502室",
    "12座3单元502",
    "12#3单元502",
    "12#楼3单元502室",
    "十二号楼三单元五〇二室",
    "十二幢三单元五零二",
    "十二栋三单元五○二",  # white circle typed for zero
    "第十二栋第三单元502房",
    "12栋3单元502号房",
    "12栋3单元502房间",
    "12-3-502",
    "12－3－502",  # full-width hyphen
    "12—3—502",  # em dash
    "12#3-502",
    "12号3-502",
    "12号楼-3-502",
    " 12 号楼 3 单元 502 号 ",
    "12号楼，3单元，502室。",
    "12\u3000号楼\u30003单元502",  # ideographic spaces
    "12栋3单元502",
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_building_unit_room_variants(variant):
    assert normalize_address(variant) == CANON
    assert address_key(variant) == CANON


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("解放路二十号", "解放路20号"),
        ("解放路20号", "解放路20号"),
        ("解放路２０号", "解放路20号"),
        ("五一路八号", "五一路8号"),  # 五一 is a name, not a number
        ("三里屯路3号", "三里屯路3号"),
        ("八一街一百零五号", "八一街105号"),
        ("四季花园一期三号楼二单元三〇二室", "四季花园1期3号2单元302室"),
        ("十号院1号楼", "10号院1号"),  # 号院 names a compound and stays
        ("A座1203", "A号1203室"),
        ("ａ座１２０３室", "A号1203室"),
        ("B栋 一单元 1102号房", "B号1单元1102室"),
        ("12号楼5F", "12号5层"),
        ("12楼", "12楼"),  # could be a floor: left alone
        ("（阳光）花园·3#楼—2单元", "阳光花园3号2单元"),
        ("①号楼", "1号"),
        ("第一中学家属院2号楼", "第一中学家属院2号"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalize_examples(raw, expected):
    assert normalize_address(raw) == expected


def test_address_key_prefixes():
    base = "解放路20号"
    for raw in [
        "山西省临汾市尧都区解放路20号",
        "中国山西省临汾市尧都区解放路二十号",
        "临汾市 尧都区 解放路20号",
        "尧都区解放路20号",
        "解放路２０号",
    ]:
        assert address_key(raw, prefixes=["临汾市", "尧都区"]) == base
    assert address_key("北京市东城区长安街1号", ["东城区"]) == "长安街1号"
    assert address_key("新疆维吾尔自治区乌鲁木齐市天山区X路1号", ["乌鲁木齐市", "天山区"]) == "X路1号"
    # 小区 before a building number is optional
    assert address_key("阳光花园小区3号楼2单元101") == address_key("阳光花园3栋2单元101室")
    # a prefix that is the whole address is not stripped
    assert address_key("临汾市", ["临汾市"]) == "临汾市"


def test_distinct_addresses_stay_distinct():
    keys = {
        address_key(a)
        for a in [
            "12号3单元502室",
            "12号3单元503室",
            "12号2单元502室",
            "13号3单元502室",
            "解放路12号",
            "12号院3单元502室",
        ]
    }
    assert len(keys) == 6


def test_empty_and_type_errors():
    with pytest.raises(ValueError, match="empty"):
        address_key("")
    with pytest.raises(ValueError, match="empty"):
        address_key(" ，。 ")
    with pytest.raises(TypeError):
        normalize_address(12)
    assert normalize_address(None) == ""


@pytest.mark.parametrize(
    "text,value",
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百零五", 105), ("两千", 2000),
     ("一千二百三十四", 1234), ("五〇二", 502), ("一二", 12), ("零", 0)],
)  # fmt: skip
def test_chinese_numerals(text, value):
    assert chinese_numeral_to_int(text) == value


def test_chinese_numeral_rejects():
    with pytest.raises(ValueError):
        chinese_numeral_to_int("十a")
    with pytest.raises(ValueError):
        chinese_numeral_to_int("")


CN = "零一二三四五六七八九"


def cn_positional(n: int) -> str:
    """Reference writer for 1..9999 (standard form: 十二, 一百零五, 一千零一十)."""
    digits = [int(c) for c in str(n)]
    units = ["", "十", "百", "千"][: len(digits)][::-1]
    out, zero = "", False
    for d, u in zip(digits, units, strict=True):
        if d == 0:
            zero = True
            continue
        if zero and out:
            out += "零"
        zero = False
        out += CN[d] + u
    return out[1:] if 10 <= n < 20 else out


@given(st.integers(min_value=1, max_value=9999))
def test_property_positional_numerals(n):
    assert chinese_numeral_to_int(cn_positional(n)) == n


@given(st.integers(1, 99), st.integers(1, 9), st.integers(101, 3999), st.booleans(), st.booleans())
def test_property_building_variants(b, u, r, fullwidth, chinese):
    canon = f"{b}号{u}单元{r}室"
    plain = f"{b}栋{u}单元{r}"
    fw = plain.translate(str.maketrans("0123456789", "０１２３４５６７８９")) if fullwidth else plain
    if chinese:
        fw = f"{cn_positional(b)}号楼{CN[u]}单元{''.join(CN[int(c)] for c in str(r))}室"
    assert normalize_address(fw) == canon
    assert normalize_address(f"{b}-{u}-{r}") == canon
