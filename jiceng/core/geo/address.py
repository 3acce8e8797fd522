"""Normalization of Chinese street and compound addresses for tolerant matching.

People write the same address in many ways: ``１２号楼３单元５０２室``, ``12栋3单元502``, ``十二幢三单元五〇二``,
``12#3-502``. ``normalize_address`` turns all of these into one canonical text (``12号3单元502室``) and
``address_key`` also drops administrative prefixes for gazetteer lookup.

Rules, in order:

1. Unicode NFKC (full-width digits, letters and punctuation to half-width; circled digits to digits);
   Latin letters upper-cased; dash variants to ``-``; ``#`` after a number means 号.
2. Whitespace and punctuation removed (a ``-`` between two numbers is kept: it is a separator in the
   ``building-unit-room`` shorthand).
3. Chinese numerals directly before a building marker (号 栋 幢 座 单元 室 层 楼 户 期 排) become digits:
   positional ones (十二 -> 12, 一百零五 -> 105) and digit-by-digit ones (五〇二 -> 502). Numerals in
   names (五一路, 三里屯) are left alone. A numeral at the very end after 单元 or 号 (a room number) is
   converted too.
   ``第`` before a number is dropped.
4. Building markers after a number or letter — 号楼, 栋, 幢, 座, 号 — become the one token ``号``
   (``号院`` stays, it names a compound). Room markers (号房, 房间, 房, 号室) become ``室``; ``F`` after a
   number becomes 层. ``楼`` alone after a number is kept (it often means a floor).
5. Shorthand: ``12-3-502`` -> ``12号3单元502室``; ``12号3-502`` -> ``12号3单元502室``; a bare number at the
   end after 单元 or 号 is a room: ``12号3单元502`` -> ``12号3单元502室``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["address_key", "chinese_numeral_to_int", "normalize_address"]

_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS)

_MARKERS = "号楼|号院|号房|号|栋|幢|座|单元|室|层|楼|户|期|排"
_RE_CN_NUM = re.compile(rf"([{_CN_CHARS}]+)(?={_MARKERS})")
_RE_DASHES = re.compile(r"[\u2010-\u2015\u2212\u30fc\ufe58\ufe63~]")
_RE_HASH = re.compile(r"(?<=[0-9A-Z])#")
_RE_DI = re.compile(r"第(?=[0-9])")
_RE_ROOM = re.compile(r"(?<=[0-9])(?:号房间|号房|房间|房|号室)")
_RE_FLOOR = re.compile(r"(?<=[0-9])F(?![0-9A-Z])")
_RE_BUILDING = re.compile(r"(?<=[0-9A-Z])(?:号楼|栋楼|号|栋|幢|座)")
_RE_TRIPLE = re.compile(r"(?<![0-9-])([0-9]+)-([0-9]+)-([0-9]+)(?![0-9-])")
_RE_BLD_UNIT_ROOM = re.compile(r"号([0-9]+)-([0-9]+)(?![0-9-])")
_RE_TRAILING_CN = re.compile(rf"(?:(?<=单元)|(?<=号))([{_CN_CHARS}]+)$")
_RE_TRAILING_ROOM = re.compile(r"(?:(?<=单元)|(?<=号))([0-9]+)号?$")
_RE_STRAY_DASH = re.compile(r"(?<![0-9])-|-(?![0-9])")
_RE_NO_ROUTE_PREFIX = re.compile(r"^中国")
_RE_PROVINCE = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,3}省|[\u4e00-\u9fff]{2,8}(?:自治区|特别行政区)|(?:北京|天津|上海|重庆)市)"
)
_RE_COMPOUND_SUFFIX = re.compile(r"小区(?=[0-9A-Z])")


def chinese_numeral_to_int(text: str) -> int:
    """Value of a Chinese numeral: positional (十二, 一百零五, 两千) or digit-by-digit (五〇二)."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if not any(ch in _CN_UNITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, cur = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch]
        else:
            total += (cur or 1) * _CN_UNITS[ch]
            cur = 0
    return total + cur


def _keep_char(ch: str) -> bool:
    if ch == "-":
        return True
    cat = unicodedata.category(ch)
    return cat[0] not in "PSZC"


def normalize_address(s: str) -> str:
    """Canonical form of an address for tolerant comparison (see the module docstring)."""
    if s is None:
        return ""
    if not isinstance(s, str):
        raise TypeError(f"address must be a string, got {type(s).__name__}")
    t = unicodedata.normalize("NFKC", s).upper()
    t = _RE_DASHES.sub("-", t).replace("○", "〇")  # a white circle is often typed for 〇 (zero)
    t = "".join(ch for ch in t if _keep_char(ch) or ch == "#")
    t = _RE_HASH.sub("号", t)
    t = t.replace("#", "")
    t = _RE_CN_NUM.sub(lambda m: str(chinese_numeral_to_int(m.group(1))), t)
    t = _RE_DI.sub("", t)
    t = _RE_ROOM.sub("室", t)
    t = _RE_FLOOR.sub("层", t)
    t = _RE_BUILDING.sub("号", t)
    t = _RE_TRAILING_CN.sub(lambda m: str(chinese_numeral_to_int(m.group(1))), t)
    t = _RE_STRAY_DASH.sub("", t)
    t = _RE_TRIPLE.sub(r"\1号\2单元\3室", t)
    t = _RE_BLD_UNIT_ROOM.sub(r"号\1单元\2室", t)
    t = _RE_TRAILING_ROOM.sub(r"\1室", t)
    return t


@functools.lru_cache(maxsize=64)
def _normalized_prefixes(prefixes: tuple[str, ...]) -> list[str]:
    """Prefixes normalized once per distinct set (a gazetteer passes the same few hundred each time)."""
    return sorted({normalize_address(p) for p in prefixes if p}, key=len, reverse=True)


def address_key(s: str, prefixes: Iterable[str] = ()) -> str:
    """Lookup key: the normalized address without administrative prefixes.

    Drops a leading 中国, a province (…省, …自治区, 北京市 …) and then, repeatedly, any of ``prefixes``
    (normalized first; pass the names of the city, its districts and streets, e.g. ("临汾市", "尧都区")),
    and the word 小区 directly before a building number. Raises ValueError for an empty address.
    """
    t = normalize_address(s)
    if not t:
        raise ValueError("address is empty")
    t = _RE_NO_ROUTE_PREFIX.sub("", t)
    t = _RE_PROVINCE.sub("", t)
    norm_prefixes = _normalized_prefixes(tuple(prefixes))
    changed = True
    while changed and norm_prefixes:
        changed = False
        for p in norm_prefixes:
            if p and t.startswith(p) and len(t) > len(p):
                t = t[len(p) :]
                changed = True
                break
    t = _RE_COMPOUND_SUFFIX.sub("", t)
    if not t:
        raise ValueError("address is empty after removing administrative prefixes")
    return t
