"""Counts as news text writes them: digits, number words, vague quantities and their qualifiers.

``parse_count("at least thirty")`` -> ``Count(value=30, low=30, high=None, qualifier="at least")``.
A vague quantity ("several", "dozens") has no value, only the low bound the word implies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["COUNT_PATTERN", "Count", "parse_count"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
# Vague quantities: (low bound, high bound); the value stays unknown.
_VAGUE = {
    "several": (3, None), "a few": (2, None), "a number of": (2, None), "a handful of": (2, None),
    "dozens of": (24, None), "dozens": (24, None), "scores of": (40, None), "hundreds of": (200, None),
    "hundreds": (200, None), "thousands of": (2000, None), "thousands": (2000, None), "many": (2, None),
    "a dozen": (12, 12), "couple of": (2, 2), "a couple of": (2, 2), "a pair of": (2, 2),
}
_SINGLE = {"a": 1, "an": 1, "another": 1, "one more": 1, "a single": 1, "no": 0, "none": 0, "no one": 0, "nobody": 0,
           "not a single": 0, "both": 2}
_QUALIFIERS = (
    "at least", "at most", "more than", "over", "nearly", "almost", "about", "around", "approximately", "roughly",
    "some", "up to", "as many as", "an estimated", "no fewer than", "no less than", "fewer than", "less than",
    "close to", "at least another", "a total of", "a further", "another", "only", "just", "exactly", "all",
)

_WORD = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_NUMBER_WORDS = rf"(?:(?:{'|'.join(_TENS)})[- ](?:{'|'.join(k for k in _UNITS if _UNITS[k] and _UNITS[k] < 10)})|(?:{_WORD})(?:\s+hundred)?)"
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+"
_VAGUE_RE = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(_VAGUE, key=len, reverse=True))
_SINGLE_RE = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(_SINGLE, key=len, reverse=True))
_QUALIFIER_RE = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(_QUALIFIERS, key=len, reverse=True))

#: A count with its qualifier; groups ``qual``, ``n``/``n2`` (a range), ``vague``, ``single``.
COUNT_PATTERN = (
    rf"(?:(?P<qual>{_QUALIFIER_RE})\s+)?"
    rf"(?:between\s+)?(?:(?P<n>{_DIGITS}|{_NUMBER_WORDS})(?:\s*(?:-|–|to|and|or)\s*(?P<n2>{_DIGITS}|{_NUMBER_WORDS}))?"
    rf"|(?P<vague>{_VAGUE_RE})|(?P<single>{_SINGLE_RE}))"
)


@dataclass(frozen=True, slots=True)
class Count:
    """A parsed count: the stated value (None when vague), the bounds a qualifier gives, the qualifier."""

    value: int | None
    low: int | None = None
    high: int | None = None
    qualifier: str | None = None


def number_value(word: str) -> int | None:
    """The integer a digit string or number word stands for ("1,200", "twenty-one", "three hundred")."""
    word = " ".join(word.lower().split())
    if re.fullmatch(_DIGITS, word):
        return int(word.replace(",", ""))
    hundred = word.endswith(" hundred")
    if hundred:
        word = word[: -len(" hundred")]
    parts = re.split(r"[- ]", word)
    total = 0
    for part in parts:
        if part in _UNITS:
            total += _UNITS[part]
        elif part in _TENS:
            total += _TENS[part]
        else:
            return None
    return total * 100 if hundred else total


def parse_count(match: re.Match[str]) -> Count | None:
    """The Count of a match of :data:`COUNT_PATTERN` (named groups as there)."""
    qual = " ".join(match.group("qual").lower().split()) if match.group("qual") else None
    if match.group("vague"):
        low, high = _VAGUE[" ".join(match.group("vague").lower().split())]
        return Count(value=high if high == low else None, low=low, high=high, qualifier=qual or match.group("vague").lower())
    if match.group("single"):
        value = _SINGLE[" ".join(match.group("single").lower().split())]
        return Count(value=value, low=value if qual == "at least" else None, qualifier=qual)
    if match.group("n") is None:
        return None
    value = number_value(match.group("n"))
    if value is None:
        return None
    if match.group("n2"):
        high = number_value(match.group("n2"))
        if high is None or high <= value:
            return None
        return Count(value=None, low=value, high=high, qualifier=qual or "range")
    if qual in ("at least", "no fewer than", "no less than", "at least another"):
        return Count(value=value, low=value, qualifier=qual)
    if qual in ("more than", "over"):
        return Count(value=None, low=value + 1, qualifier=qual)
    if qual in ("up to", "as many as", "at most"):
        return Count(value=None, low=None, high=value, qualifier=qual)
    if qual in ("fewer than", "less than"):
        return Count(value=None, low=None, high=max(value - 1, 0), qualifier=qual)
    return Count(value=value, qualifier=qual)
