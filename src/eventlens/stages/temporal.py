"""Time expressions: find them in ``doc.text`` and resolve each against the publication date.

Every expression becomes a ``TimeRef`` whose ``text`` is ``doc.text[start:end]``. The value is an ISO
date (``2023-09-24``), month (``2023-09``), year (``2023``) or local datetime (``2023-09-24T02:40``,
no offset), or ``None`` when the text and the publication date do not fix it. Nothing is guessed:
unknown stays ``None`` and ``precision`` says what the text states (``day`` for a day and month
without a year, ``weekday`` for a weekday that could not be placed, ``hour`` for a clock time).

Forms (English; general rules, most tolerant of machine translation):

- absolute dates: ``September 24``, ``Sept. 24th, 2023``, ``24 September 2023``, ``24 Sept.``, ``the
  24th of September``, ``September the 24th``, ``Sunday, July 31``, ``2023-09-24``, ``2023/09/24``,
  ``24.09.2023`` (dotted dates are day.month.year), ``6/28/2015`` and ``06-28-2015`` (slashed or
  dashed dates: the only valid reading of month/day and day/month, else the only one not after
  publication, else unknown: both orders are common in translated text; dashed needs four year digits);
  month and year ``May 2023``; a month after a preposition ``in May``; a year after a preposition
  ``in 2008`` (a range ``1998-1999`` keeps its first year; a decade ``the 1990s`` is skipped);
  ``on the 24th``, ``the night of the 23rd``, ``Sunday the 24th`` (the weekday a check, as with a month);
  ``the Fourth of July``.
- holidays whose date needs no country: ``Christmas Eve``, ``New Year's Day``, ``Halloween``,
  ``Easter`` (Western computus) and ``Good Friday``; national days differ by country and are left out.
- weekdays: ``on Monday``, ``Sunday's``, ``last Sunday``, ``Saturday night``, ``this Sunday
  morning (24)`` (a parenthesised day of the month confirms the weekday), ``a week ago Saturday``
  (seven days before the Saturday ``Saturday`` would be).
- relative days: ``today``, ``tonight``, ``this morning``, ``yesterday``, ``last night``, ``the day
  before yesterday``, ``two days ago``, ``three weeks ago``; months and years: ``last month``, ``this
  year``, ``two years ago``.
- relative to another event or to a week: ``hours later``, ``the next day``, ``last week``,
  ``earlier this week``: kept with value ``None`` (a week has no precision of its own, and an
  anchor other than the publication date is not tracked).
- clock times: ``2:40``, ``3am``, ``shortly before 3 p.m.``, ``14h30``, ``0040 GMT``, ``noon``.
  ``overnight`` alone is not a time: the night before publication straddles two calendar days (it
  places a clock, below).

Resolution, one rule for every form. The publication date is an interval: one day, a month or a
year (``None`` when unknown). An expression without a year names a periodic set of dates (every
September 24, every Sunday, every May). In the past (the default), the rule picks the latest member of
the set on or before the publication day (same day allowed; ``last Sunday`` is strictly before). In
a future sentence (a cue such as ``will``, ``scheduled for``, ``is expected to`` shortly before the
expression, the modifier ``next``/``coming``, or a holiday after ``before``/``ahead of``), it picks
the earliest member on or after it (``next Monday`` strictly after). The value is set only when that pick is the same for every
publication day in the interval: a stated weekday (``Sunday, July 31``) or a parenthesised day
(``Sunday (24)``) then filters the picks, so a year-only publication date resolves ``Sunday, July 31``
when exactly one of the two candidate years puts July 31 on a Sunday. A report published
2024-01-02 about ``December 30`` gets 2023-12-30. With no publication date, only expressions that
state their year resolve; the rest keep value ``None``.

Conflicts: stated numbers win over a stated weekday (the weekday stays in ``weekday`` so the
disagreement is visible); a parenthesised day that contradicts its weekday leaves it unresolved.

Clock times are local times as written: ``2:40 local time (3:40 Moscow time)`` gives 02:40, and a clock
inside the parentheses after another clock (the same moment in a second zone) is not a second time. A
clock takes its date from the nearest expression in the same sentence that states a day (``this
morning``, ``Sunday``, ``July 31``), else from the last one in the sentence before it in the same
paragraph (a lead states the day, the next sentence the hour). With none, a past ``overnight`` in that
sentence places it in the night before publication: 00:00-06:59 on the publication day, 18:00-23:59 on
the day before, any other hour unknown. Otherwise, or with that day unresolved, its value is ``None``
(precision ``hour``): a bare "1 a.m." in a report could be either side of midnight of the publication
day, the same interval rule as above. ``midnight`` never takes a day: "midnight Monday" opens Monday for
some writers and closes it for others. ``H:MM`` without am/pm is read as a 24-hour clock unless
``afternoon``/``evening`` stands next to it (``5:15 Tuesday afternoon`` is 17:15). Bare ``H:MM`` counts
only after a time preposition (``at``, ``around``, ``shortly before``) or before a zone word (``local
time``, ``GMT``), so scores, ratios and verse numbers are not times; counts, money and phone numbers
never match a date or clock form.

Page stamps (``Published Monday, Aug. 4, 2014``, ``Updated: 3 months ago``, a line holding nothing
but a date with its year or a clock, ``May 05, 2016 02:10 PM``, the signature of an embedded post
``— Jane Doe (@janedoe) May 13, 2016``) date the page or the post, not an event, and the
metadata stage owns them: they are skipped (``temporal.skip_page_stamps``). A timeline heading
(``24 September`` alone on a line) is kept.

Measured on shared/eval/incidents (271 real reports; ``eventlens eval times``): the resolved
day-level times include the incident's gold date in 0.9004 of the documents (dev 0.9158, test
0.8551), against 0.3506 for "the incident happened on the publication day"; no past-tense expression
without a stated year resolves after publication.
"""

from __future__ import annotations

import bisect
import calendar
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..model import DatePrecision, Document, PartialDate, TimeRef
from ..registry import stage
from ..textspans import sentence_starts
from ..settings import TemporalSettings

__all__ = ["find_times", "future_cue_before", "publication_window", "resolve_times"]

logger = logging.getLogger(__name__)

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# Abbreviations with a dot or a following day number; "Sept" is English press style.
_MONTH_ABBR = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}


def _month_regex() -> str:
    # Month names are capitalised in English; "may" and "march" in lower case are a verb, so the
    # names match only Capitalised or UPPER CASE.
    names = []
    for name in _MONTH_NAMES:
        names += [name.capitalize(), name.upper()]
    abbrs = []
    for abbr in sorted(_MONTH_ABBR, key=len, reverse=True):
        abbrs += [abbr.capitalize(), abbr.upper()]
    # An abbreviation needs its dot or a day number ("Sept. 24", "24 Sept.", "Sept 24"): "Jan" alone is a name.
    return r"(?:" + "|".join(names) + r"|(?:" + "|".join(abbrs) + r")(?:\.?(?=\s*\d)|\.))"


_MONTH = _month_regex()
_WD = r"(?i:" + "|".join(_WEEKDAYS) + r")"
_PART = r"(?i:morning|afternoon|evening|night|overnight)"
_ORD = r"(?:st|nd|rd|th)"
_NUM_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_NUM = r"(?:\d{1,2}|" + "|".join(sorted(_NUM_WORDS, key=len, reverse=True)) + r")"


def _after(*words: str) -> str:
    """A lead of any of ``words`` (case-insensitive) then a space (or a hyphen after "mid").

    The lead is matched but kept out of the expression: a pattern marks its text with the group ``t``.
    """
    alternatives = "|".join(sorted((w.replace(" ", r"\s+") for w in words), key=len, reverse=True))
    return rf"\b(?P<lead>(?i:{alternatives}))(?:\s+|(?<=(?i:mid))-)"


_MONTH_PREPS = (
    "in",
    "by",
    "since",
    "until",
    "till",
    "during",
    "from",
    "early",
    "late",
    "mid",
    "through",
    "throughout",
    "of",
    "end of",
    "beginning of",
)
_YEAR_PREPS = (
    "in",
    "of",
    "by",
    "the",
    "since",
    "until",
    "till",
    "during",
    "early",
    "late",
    "mid",
    "before",
    "after",
    "from",
    "year",
)
_YEAR_UNITS = (
    "people|persons|residents|dollars|euros|pounds|troops|soldiers|men|women|children|homes|houses|votes|cases"
    "|deaths|casualties|miles|km|feet|meters|metres|hours|rounds|members|officers|block|students|acres"
)
# What may follow "the 24th" and make it something else than a day: "the 24th of May" (a day_month form),
# "the 24th floor", "the 24th Street", "the 24th anniversary".
_NOT_A_DAY = (
    r"of|century|floor|street|avenue|st\b|ave\b|district|precinct|ward|birthday|anniversary|time|year|day|week"
    r"|month|grade|degree|place|round|amendment|annual|division|battalion|regiment|infantry|congressional"
)
_STREET = r"St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Way|Ct|Court|Pl|Place|Hwy|Highway|Pkwy"
_ORDINAL_WORDS = (
    {
        word: number
        for number, word in enumerate(
            [
                "first",
                "second",
                "third",
                "fourth",
                "fifth",
                "sixth",
                "seventh",
                "eighth",
                "ninth",
                "tenth",
                "eleventh",
                "twelfth",
                "thirteenth",
                "fourteenth",
                "fifteenth",
                "sixteenth",
                "seventeenth",
                "eighteenth",
                "nineteenth",
                "twentieth",
            ],
            start=1,
        )
    }
    | {
        "twenty-" + w: 20 + n
        for w, n in zip(
            ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"], range(1, 10)
        )
    }
    | {
        "thirtieth": 30,
        "thirty-first": 31,
    }
)


def _easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    return date(year, month, (h + leap - 7 * m + 114) % 31 + 1)


# Holidays whose date every reader of English knows without a country: fixed days, and Easter's family
# (national days differ by country and are left out).
_HOLIDAYS: dict[str, tuple[int, int] | int] = {
    "christmas eve": (12, 24),
    "christmas day": (12, 25),
    "christmas": (12, 25),
    "boxing day": (12, 26),
    "new year's eve": (12, 31),
    "new year's day": (1, 1),
    "orthodox christmas": (1, 7),
    "halloween": (10, 31),
    "valentine's day": (2, 14),
    "good friday": -2,
    "easter sunday": 0,
    "easter": 0,
    "easter monday": 1,
}
_HOLIDAY = (
    r"(?i:(?P<hol>orthodox christmas|christmas eve|christmas day|boxing day|new year[’']s eve|new year[’']s day"
    r"|halloween|valentine[’']s day|good friday|easter sunday|easter monday|easter|christmas))\b"
    # "Christmas tree", "Easter egg": a holiday name before a noun is not a date.
    r"(?!\s+(?i:trees?|part(?:y|ies)|lights?|shopping|gifts?|presents?|cards?|decorations?|markets?|carols?|songs?"
    r"|dinners?|break|holidays?|season|spirit|time|week|weekend|eggs?|bunny|services?|mass|vacation|bonus|sales?))"
)
_HOLIDAY_START = re.compile(_HOLIDAY)
_HOLIDAY_AHEAD = re.compile(r"(?i:\b(?:before|ahead of|until|till|leading up to|in time for|for)\s+(?:the\s+)?)$")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 2023-09-24 (an ISO datetime keeps only its date here).
    ("iso", re.compile(r"(?<![\d/.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])")),
    # 2023/09/24 or 2023.9.24: a year first is always followed by the month.
    (
        "ymd",
        re.compile(
            r"(?<![\d/.,-])(?P<y>(?:1[89]|20)\d\d)(?P<sep>[/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d/]|\.\d)"
        ),
    ),
    # 24.09.2023: day.month.year, the convention wherever dots separate a date.
    ("dotted", re.compile(r"(?<![\d.,])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\.?\d)")),
    # 6/28/2015 or 28/6/15; dashed only with a four-digit year (06-28-2015), as "3-1-2" is a score.
    ("slashed", re.compile(r"(?<![\d/.,$])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])")),
    ("slashed", re.compile(r"(?<![\w/.,$-])(?P<a>\d{1,2})-(?P<b>\d{1,2})-(?P<y>(?:1[89]|20)\d\d)(?![\d-])")),
    # Sunday, July 31, 2022 / Sept. 24th / July 31 2022 / May 3-4
    (
        "month_day",
        re.compile(
            rf"\b(?P<mon>{_MONTH})\.?\s+(?:(?i:the)\s+)?(?P<d>\d{{1,2}}){_ORD}?"
            rf"(?:\s*(?:-|–|and|to|through)\s*\d{{1,2}}{_ORD}?)?(?!\d|:\d)(?:,?\s+(?P<y>\d{{4}})(?!\d))?"
        ),
    ),
    # Sunday, 24 September 2023 / the 24th of September
    (
        "day_month",
        re.compile(
            rf"(?<![\w.,$])(?P<d>\d{{1,2}}){_ORD}?"
            rf"(?:\s*(?:-|–|and|to)\s*\d{{1,2}}{_ORD}?)?\s+(?:(?i:of)\s+)?(?P<mon>{_MONTH})(?:\b|(?<=\.))\.?(?:,?\s+(?P<y>\d{{4}})(?!\d))?"
        ),
    ),
    # the Fourth of July / the first of May
    (
        "day_month",
        re.compile(
            # A word shape here, checked against the ordinal words in code: a 31-way alternation tried at
            # every word costs a third of the stage's time.
            rf"\b(?:(?i:the)\s+)?(?P<dw>[A-Za-z]{{5,8}}(?:-[A-Za-z]{{4,6}})?)\s+(?i:of)\s+(?P<mon>{_MONTH})\b(?:,?\s+(?P<y>\d{{4}})(?!\d))?"
        ),
    ),
    # Christmas Eve / Easter Monday
    ("holiday", re.compile(r"\b" + _HOLIDAY)),
    # May 2023 / March of 2015
    ("month_year", re.compile(rf"\b(?P<mon>{_MONTH})\.?,?\s+(?:of\s+)?(?P<y>(?:1[89]|20)\d\d)(?!\d)")),
    # last May / next March / in May (a preposition keeps "May" the month apart from the verb)
    (
        "month",
        re.compile(rf"\b(?P<mon>{_MONTH})\b(?!\s*\d)"),
    ),
    # in 2008 / the 1998-1999 war (a year needs a preposition or article: bare four digits are counts)
    (
        "year",
        re.compile(
            r"(?<![\w,.$])(?P<t>(?P<y>(?:1[89]|20)\d\d)(?:\s*[-–/]\s*(?:(?:1[89]|20)\d\d|\d\d)(?!\d))?)"
            r"(?!\d|,\d|s\b|\.\d|-\d|\s*%)(?!\s+(?i:"
            + _YEAR_UNITS
            + r")\b)(?!\s+[A-Z][a-z]+\.?\s+(?:"
            + _STREET
            + r")\b)"
        ),
    ),
    # on the 24th / the night of the 23rd / Sunday the 24th (the weekday is a check, as with a month)
    (
        "ordinal_day",
        re.compile(
            rf"\b(?i:on|(?:night|morning|afternoon|evening|early\s+hours|day)\s+of)\s+"
            rf"(?P<t>(?i:the)\s+(?P<d>\d{{1,2}}){_ORD})\b(?!\s+(?i:{_NOT_A_DAY}))"
        ),
    ),
    (
        "ordinal_day",
        re.compile(rf"\b(?P<wd>{_WD}),?\s+(?i:the)\s+(?P<d>\d{{1,2}}){_ORD}\b(?!\s+(?i:{_NOT_A_DAY}))"),
    ),
    # last Sunday / Sunday's / this Sunday morning (24) / Saturday night
    (
        "weekday",
        re.compile(
            rf"\b(?P<wd>{_WD})\b"
            rf"(?:\s+(?P<part>{_PART}))?(?:\s*\((?P<pd>\d{{1,2}})\))?"
        ),
    ),
    # the day before yesterday / yesterday / today / tonight / this morning / last night / two days ago
    (
        "relative",
        re.compile(
            r"\b(?i:(?P<dby>the day before yesterday)|(?P<yest>yesterday)(?:\s+"
            + _PART
            + r")?|(?P<today>today|tonight)"
            r"|(?P<thispart>this (?:morning|afternoon|evening))|(?P<lastnight>last (?:night|evening))"
            r")\b"
        ),
    ),
    # two days ago (the number comes from the prefix)
    ("ago", re.compile(r"\b(?P<unit>(?i:day|week|month|year))s?\s+(?i:ago)\b")),
    # this month / last year / next month (a week has no precision: kept unresolved)
    (
        "period",
        re.compile(
            r"\b(?i:(?:(?P<pmod>earlier|later)\s+)?(?P<mod>this|last|next|past)\s+(?P<unit>week(?:end)?|month|year))\b"
        ),
    ),
    # hours later / the next day: anchored to another event, not to the publication date
    (
        "anchored",
        re.compile(
            r"\b(?i:(?P<unit>minutes?|hours?|days?|weeks?|moments?)\s+"
            r"(?:later|earlier|afterwards?|before)\b"
            r"|the\s+(?:next|following|previous|same)\s+(?P<unit2>day|morning|afternoon|evening|night|week)\b"
            r"|the\s+day\s+(?:before|after)\b(?!\s+yesterday))"
        ),
    ),
)

# What may stand right before a match and belong to it ("Sunday, July 31"; "last May"; "two hours later"),
# or must stand before it ("in May"). Matching these backwards from the anchor word keeps the stage fast:
# an optional alternation in front of a pattern is tried at every word of the text.
_MODIFIER = r"(?i:this past|this coming|last|next|this|past|coming)"
_PREFIXES: dict[str, re.Pattern[str]] = {
    "month_day": re.compile(rf"\b(?P<keep>(?P<wd>{_WD})(?:\s+{_PART})?,?\s+)\Z"),
    "month": re.compile(rf"(?:\b(?P<keep>(?P<mod>{_MODIFIER})\s+)|{_after(*_MONTH_PREPS)})\Z"),
    "anchored": re.compile(r"\b(?P<keep>(?i:" + _NUM + r"|several|a few|few|some)\s+)\Z"),
    "ago": re.compile(r"\b(?P<keep>(?P<n>(?i:" + _NUM + r"))\s+)\Z"),
    "day_month": re.compile(rf"\b(?P<keep>(?P<wd>{_WD}),?\s+(?:(?i:the)\s+)?|(?i:the)\s+)\Z"),
    # "a week ago Saturday": the Saturday before the latest one (American usage).
    "weekday": re.compile(rf"\b(?P<keep>(?:(?P<mod>{_MODIFIER})|(?P<wago>(?i:a|one)\s+week\s+ago))\s+)\Z"),
    "holiday": re.compile(rf"\b(?P<keep>(?P<mod>{_MODIFIER})\s+)\Z"),
    "year": re.compile(_after(*_YEAR_PREPS) + r"\Z"),
}
# A bare month name may be the verb "may" or "march"; four bare digits are a count or a house number.
_PREFIX_REQUIRED = frozenset({"month", "ago", "year"})

# Clock forms (matched after dates, and never inside a date).
_CLOCK_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "hm",
        re.compile(
            r"(?<![\w:.,/$€£#-])(?P<h>[01]?\d|2[0-4])(?P<sep>[:.])(?P<m>[0-5]\d)(?![\d%]|[:.,]\d)"
            r"(?:\s*(?P<ampm>[aApP]\.?\s?[mM]\.?)(?![a-zA-Z]))?"
        ),
    ),
    (
        "h_ampm",
        re.compile(r"(?<![\w:.,/$€£#-])(?P<h>1[0-2]|0?\d)\s*(?P<ampm>[aApP]\.\s?[mM]\.?|[ap]m|AM|PM)(?![a-zA-Z])"),
    ),
    ("h_h", re.compile(r"(?<![\w:.,/$])(?P<h>[01]?\d|2[0-3])h(?P<m>[0-5]\d)?(?![\w])")),
    ("military", re.compile(r"(?<![\w:.,/$])(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)\s*(?=GMT|UTC|Z\b|hours?\b|hrs\b)")),
    ("oclock", re.compile(r"(?i:(?<![\w:.,])(?P<h>1[0-2]|0?\d|" + "|".join(list(_NUM_WORDS)[2:]) + r")\s+o'clock)")),
    (
        "noon",
        re.compile(
            _after("at", "around", "about", "before", "after", "near", "by", "until", "past", "till")
            + r"(?P<t>(?P<w>(?i:noon|midday|midnight)))\b"
        ),
    ),
)
_ZONE = re.compile(
    r"\s*(?:local\s+time|(?:[A-Z][a-z]+\s+)?time\b(?!\s+(?:to|for|of|when|in))|GMT|UTC|[ECMP][SD]T\b|BST\b|CES?T\b|MSK\b|hours\b|hrs\b|h\b)"
)
_CLOCK_CUE = re.compile(
    r"(?i:\b(?:at|about|around|approximately|approx\.|roughly|circa|ca\.|after|before|until|till|by|from|to|since"
    r"|between|shortly|just|near|nearly|and)\s+(?:about\s+|around\s+|approximately\s+)?)$"
)
_SECOND_ZONE = re.compile(r"\s*\(([^()\n]{1,40})\)")
# A page stamp's lead, or the signature of an embedded post ("— Jane Doe (@janedoe) May 13, 2016"): the date
# after it is when the post was made.
_STAMP = re.compile(
    r"(?:\bPublished|\bUpdated|\bPosted|\bLast\s+(?:updated|modified)|\bUpdate|\bCreated|\bModified)\s*(?::|\bon\b|@|,)?\s*\(?\s*$"
    r"|\(@\w{1,30}\)\s*$",
    re.IGNORECASE,
)
_STAMP_GAP = re.compile(r"[\s,|–—-]*(?:(?i:at|@)\s*)?$")
_FUTURE_CUE = re.compile(
    r"(?i:\b(?:will|shall|won't|wo n't)\b|\w'll\b|\b(?:is|are|was|were)\s+(?:expected|scheduled|set|due|slated|going|planned)\s+to\b"
    r"|\bscheduled\s+(?:for|to)\b|\bplanned\s+for\b|\bplans?\s+to\b|\bset\s+for\b|\bupcoming\b"
    r"|\bdue\s+(?:in|back|before|at)\b|\bnext\b(?!\s+(?:day|morning|afternoon|evening|night)\b))"
)
@dataclass(frozen=True, slots=True)
class _Found:
    """A matched expression before resolution (stage scratch, never exported)."""

    kind: str
    start: int
    end: int
    groups: dict[str, str | None]
    priority: int


@dataclass(frozen=True, slots=True)
class _Resolved:
    value: str | None
    precision: DatePrecision | None
    weekday: int | None = None


def publication_window(published: PartialDate | None) -> tuple[date, date] | None:
    """The first and last day the publication date allows, or None when it is unknown."""
    if published is None:
        return None
    try:
        if published.day is not None and published.month is not None:
            day = date(published.year, published.month, published.day)
            return day, day
        if published.month is not None:
            last = calendar.monthrange(published.year, published.month)[1]
            return date(published.year, published.month, 1), date(published.year, published.month, last)
        return date(published.year, 1, 1), date(published.year, 12, 31)
    except ValueError:
        return None


def _picks(dates: list[date], lo: date, hi: date, mode: str) -> list[date]:
    """The members of sorted ``dates`` that the rule picks for some publication day in ``[lo, hi]``.

    past: latest d <= p; past_strict: latest d < p; future: earliest d >= p; future_strict: earliest d > p.
    """
    out = []
    for index, day in enumerate(dates):
        before = dates[index - 1] if index else None
        after = dates[index + 1] if index + 1 < len(dates) else None
        if mode == "past":
            ok = day <= hi and (after is None or after > lo)
        elif mode == "past_strict":
            ok = day < hi and (after is None or after >= lo)
        elif mode == "future":
            ok = day >= lo and (before is None or before < hi)
        else:
            ok = day > lo and (before is None or before <= hi)
        if ok:
            out.append(day)
    return out


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_of(name: str) -> int:
    key = name.lower().rstrip(".")
    if key in _MONTH_ABBR:
        return _MONTH_ABBR[key]
    return _MONTH_NAMES.index(key) + 1


def _weekday_of(name: str | None) -> int | None:
    return _WEEKDAYS.index(name.lower()) if name else None


def _year_of(text: str, window: tuple[date, date] | None) -> int:
    """A two-digit year: the century that puts it nearest the publication year (else 20xx)."""
    value = int(text)
    if len(text) == 4:
        return value
    anchor = window[1].year if window else 2000
    options = [c + value for c in (anchor // 100 * 100 - 100, anchor // 100 * 100, anchor // 100 * 100 + 100)]
    return min(options, key=lambda y: (abs(y - anchor), -y))


def _mode(modifier: str | None, future: bool) -> str:
    mod = (modifier or "").lower()
    if mod in ("last", "past", "this past"):
        return "past_strict"
    if mod in ("next", "coming", "this coming"):
        return "future_strict"
    return "future" if future else "past"


def _choose(
    dates: list[date], window: tuple[date, date] | None, mode: str, check: Iterable[tuple[str, int]] = ()
) -> date | None:
    """The one date the rule picks whatever the publication day in the window, after the checks."""
    if window is None:
        return None
    picks = _picks(sorted(dates), window[0], window[1], mode)
    for kind, wanted in check:
        if kind == "weekday":
            agreeing = [d for d in picks if d.weekday() == wanted]
            # Stated numbers win over a stated weekday: the weekday only chooses among candidates.
            picks = agreeing if agreeing else picks
        elif kind == "day":
            # A parenthesised day that contradicts the weekday leaves it unresolved.
            picks = [d for d in picks if d.day == wanted]
    return picks[0] if len(picks) == 1 else None


def _resolve_day_month(
    month: int, day: int, year: str | None, weekday: int | None, window: tuple[date, date] | None, mode: str
) -> _Resolved:
    if year is not None:
        found = _safe_date(_year_of(year, window), month, day)
        return _Resolved(found.isoformat() if found else None, DatePrecision.DAY, weekday)
    if window is None:
        return _Resolved(None, DatePrecision.DAY, weekday)
    span = 8 if (month, day) == (2, 29) else 2
    dates = [d for y in range(window[0].year - span, window[1].year + span + 1) if (d := _safe_date(y, month, day))]
    checks = [("weekday", weekday)] if weekday is not None else []
    found = _choose(dates, window, mode, checks)
    return _Resolved(found.isoformat() if found else None, DatePrecision.DAY, weekday)


def _resolve_weekday(weekday: int, paren_day: int | None, window: tuple[date, date] | None, mode: str) -> _Resolved:
    if window is None:
        return _Resolved(None, DatePrecision.WEEKDAY, weekday)
    lo, hi = window[0] - timedelta(days=14), window[1] + timedelta(days=14)
    first = lo + timedelta(days=(weekday - lo.weekday()) % 7)
    dates = [first + timedelta(days=7 * k) for k in range((hi - first).days // 7 + 1)]
    checks = [("day", paren_day)] if paren_day is not None else []
    found = _choose(dates, window, mode, checks)
    if found is None:
        return _Resolved(None, DatePrecision.WEEKDAY, weekday)
    return _Resolved(found.isoformat(), DatePrecision.DAY, weekday)


def _resolve_month(month: int, window: tuple[date, date] | None, mode: str) -> _Resolved:
    if window is None:
        return _Resolved(None, DatePrecision.MONTH)
    dates = [date(y, month, 1) for y in range(window[0].year - 2, window[1].year + 3)]
    # A month "on or before" the publication day is one that has begun by then.
    lo, hi = date(window[0].year, window[0].month, 1), date(window[1].year, window[1].month, 1)
    found = _choose(dates, (lo, hi), mode)
    return _Resolved(f"{found.year:04d}-{found.month:02d}" if found else None, DatePrecision.MONTH)


def _resolve_holiday(name: str, window: tuple[date, date] | None, mode: str) -> _Resolved:
    if window is None:
        return _Resolved(None, DatePrecision.DAY)
    rule = _HOLIDAYS[name]
    years = range(window[0].year - 2, window[1].year + 3)
    if isinstance(rule, tuple):
        dates = [date(y, rule[0], rule[1]) for y in years]
    else:
        dates = [_easter(y) + timedelta(days=rule) for y in years]
    found = _choose(dates, window, mode)
    return _Resolved(found.isoformat() if found else None, DatePrecision.DAY)


def _resolve_ordinal_day(day: int, weekday: int | None, window: tuple[date, date] | None, mode: str) -> _Resolved:
    if window is None:
        return _Resolved(None, DatePrecision.DAY, weekday)
    dates = []
    for year in range(window[0].year - 1, window[1].year + 2):
        for month in range(1, 13):
            if found := _safe_date(year, month, day):
                dates.append(found)
    checks = [("weekday", weekday)] if weekday is not None else []
    found = _choose(dates, window, mode, checks)
    return _Resolved(found.isoformat() if found else None, DatePrecision.DAY, weekday)


def _offset_day(window: tuple[date, date] | None, days: int) -> _Resolved:
    if window is None or window[0] != window[1]:
        return _Resolved(None, DatePrecision.DAY)
    return _Resolved((window[0] + timedelta(days=days)).isoformat(), DatePrecision.DAY)


def _offset_month(window: tuple[date, date] | None, months: int) -> _Resolved:
    if window is None or (window[0].year, window[0].month) != (window[1].year, window[1].month):
        return _Resolved(None, DatePrecision.MONTH)
    index = window[0].year * 12 + window[0].month - 1 + months
    return _Resolved(f"{index // 12:04d}-{index % 12 + 1:02d}", DatePrecision.MONTH)


def _offset_year(window: tuple[date, date] | None, years: int) -> _Resolved:
    if window is None or window[0].year != window[1].year:
        return _Resolved(None, DatePrecision.YEAR)
    return _Resolved(f"{window[0].year + years:04d}", DatePrecision.YEAR)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUM_WORDS[word.lower()]


def _slashed(a: int, b: int, year: int, window: tuple[date, date] | None) -> _Resolved:
    """Month/day or day/month: the only valid reading, else the only one not after publication, else unknown."""
    readings = sorted({d for d in (_safe_date(year, a, b), _safe_date(year, b, a)) if d})
    if len(readings) == 1:
        return _Resolved(readings[0].isoformat(), DatePrecision.DAY)
    if not readings or window is None:
        return _Resolved(None, DatePrecision.DAY)
    before = [d for d in readings if d <= window[1]]
    if len(before) == 1:
        return _Resolved(before[0].isoformat(), DatePrecision.DAY)
    return _Resolved(None, DatePrecision.DAY)


def _resolve(found: _Found, window: tuple[date, date] | None, future: bool) -> _Resolved | None:
    g = found.groups
    kind = found.kind
    mode = _mode(g.get("mod"), future)
    if kind == "iso":
        day = _safe_date(int(g["y"] or 0), int(g["m"] or 0), int(g["d"] or 0))
        return _Resolved(day.isoformat(), DatePrecision.DAY) if day else None
    if kind in ("dotted", "ymd"):
        day = _safe_date(int(g["y"] or 0), int(g["m"] or 0), int(g["d"] or 0))
        return _Resolved(day.isoformat(), DatePrecision.DAY) if day else None
    if kind == "slashed":
        return _slashed(int(g["a"] or 0), int(g["b"] or 0), _year_of(g["y"] or "", window), window)
    if kind in ("month_day", "day_month"):
        day_num = _ORDINAL_WORDS[(g.get("dw") or "").lower()] if g.get("dw") else int(g["d"] or 0)
        if not 1 <= day_num <= 31:
            return None
        return _resolve_day_month(
            _month_of(g["mon"] or ""), day_num, g.get("y"), _weekday_of(g.get("wd")), window, mode
        )
    if kind == "holiday":
        return _resolve_holiday((g["hol"] or "").lower().replace("’", "'"), window, mode)
    if kind == "month_year":
        return _Resolved(f"{int(g['y'] or 0):04d}-{_month_of(g['mon'] or ''):02d}", DatePrecision.MONTH)
    if kind == "month":
        return _resolve_month(_month_of(g["mon"] or ""), window, mode)
    if kind == "year":
        return _Resolved(g["y"], DatePrecision.YEAR)
    if kind == "ordinal_day":
        day_num = int(g["d"] or 0)
        if not 1 <= day_num <= 31:
            return None
        return _resolve_ordinal_day(day_num, _weekday_of(g.get("wd")), window, mode)
    if kind == "weekday":
        paren = int(g["pd"] or 0) if g.get("pd") else None
        if paren is not None and not 1 <= paren <= 31:
            paren = None
        result = _resolve_weekday(_weekday_of(g["wd"]) or 0, paren, window, mode)
        if g.get("wago") and result.value is not None:
            # "a week ago Saturday": seven days before the Saturday the rule picks.
            moved = date.fromisoformat(result.value) - timedelta(days=7)
            return _Resolved(moved.isoformat(), result.precision, result.weekday)
        return result
    if kind in ("relative", "ago"):
        if g.get("dby"):
            return _offset_day(window, -2)
        if g.get("yest") or g.get("lastnight"):
            return _offset_day(window, -1)
        if g.get("today") or g.get("thispart"):
            return _offset_day(window, 0)
        count, unit = _number(g["n"] or "1"), (g["unit"] or "").lower()
        if unit == "day":
            return _offset_day(window, -count)
        if unit == "week":
            return _offset_day(window, -7 * count)
        if unit == "month":
            return _offset_month(window, -count)
        return _offset_year(window, -count)
    if kind == "period":
        unit, mod = (g["unit"] or "").lower(), (g["mod"] or "").lower()
        step = {"this": 0, "last": -1, "past": -1, "next": 1}[mod]
        if unit == "month":
            return _offset_month(window, step)
        if unit == "year":
            return _offset_year(window, step)
        return _Resolved(None, None)
    if kind == "anchored":
        unit = (g.get("unit") or g.get("unit2") or "").lower()
        return _Resolved(
            None, DatePrecision.HOUR if unit.startswith(("minute", "hour", "moment")) else DatePrecision.DAY
        )
    return None


def _select(found: list[_Found]) -> list[_Found]:
    """Keep non-overlapping matches: earliest first, then longest, then the pattern listed first."""
    chosen: list[_Found] = []
    last_end = -1
    for item in sorted(found, key=lambda f: (f.start, -(f.end - f.start), f.priority)):
        if item.start >= last_end:
            chosen.append(item)
            last_end = item.end
    return chosen


def _date_matches(text: str) -> list[_Found]:
    found = []
    for priority, (kind, pattern) in enumerate(_PATTERNS):
        prefix = _PREFIXES.get(kind)
        for match in pattern.finditer(text):
            groups = match.groupdict()
            if groups.get("dw") is not None and groups["dw"].lower() not in _ORDINAL_WORDS:
                continue
            start, end = match.span("t") if groups.get("t") is not None else match.span()
            if prefix is not None:
                window_start = max(0, start - 40)
                lead = prefix.search(text[window_start:start])
                if lead is None and kind in _PREFIX_REQUIRED:
                    continue
                if lead is not None:
                    groups = {**groups, **lead.groupdict()}
                    if groups.get("keep") is not None:
                        start = window_start + lead.start("keep")
            if end > start:
                found.append(_Found(kind, start, end, groups, priority))
    return _select(found)


def _clock_matches(text: str, taken: list[tuple[int, int]]) -> list[_Found]:
    found = []
    for priority, (kind, pattern) in enumerate(_CLOCK_PATTERNS):
        for match in pattern.finditer(text):
            groups = match.groupdict()
            start, end = match.span("t") if groups.get("t") is not None else match.span()
            zone = _ZONE.match(text, end)
            if kind == "hm":
                hour = int(groups["h"])
                if groups.get("ampm"):
                    if not 1 <= hour <= 12:
                        continue
                elif zone is None and not _CLOCK_CUE.search(text[max(0, match.start() - 40) : match.start()]):
                    continue  # bare H:MM without a time preposition or zone is a score, ratio or verse
                elif groups["sep"] == "." and zone is None:
                    continue  # H.MM without am/pm or a zone word is a decimal
            if zone is not None and kind != "military" and zone.group(0).strip():
                end = zone.end()
            groups = {**groups, "zone": zone.group(0).strip() if zone else None}
            found.append(_Found(kind, start, end, groups, priority))
    selected = _select(found)
    # Drop clocks that overlap a date and the same moment restated in a second zone in parentheses.
    kept: list[_Found] = []
    skip_until = -1
    for item in selected:
        if item.start < skip_until or any(s < item.end and item.start < e for s, e in taken):
            continue
        paren = _SECOND_ZONE.match(text, item.end)
        if paren is not None and any(p.search(paren.group(1)) for _, p in _CLOCK_PATTERNS):
            skip_until = paren.end()
        kept.append(item)
    return kept


_LATER_HALF = re.compile(r"(?i:\b(?:afternoon|evening)\b)")


def _clock_time(found: _Found, text: str) -> tuple[int, int] | None:
    g = found.groups
    if found.kind == "noon":
        return (0, 0) if (g["w"] or "").lower() == "midnight" else (12, 0)
    hour_text = g.get("h") or "0"
    hour = int(hour_text) if hour_text.isdigit() else _NUM_WORDS[hour_text.lower()]
    minute = int(g.get("m") or 0)
    ampm = (g.get("ampm") or "").lower().replace(".", "").replace(" ", "")
    if not ampm and 1 <= hour <= 11 and found.kind in ("hm", "oclock"):
        # "5:15 Tuesday afternoon": a 12-hour clock whose half of the day is named next to it.
        near = text[max(0, found.start - 25) : found.start] + " " + text[found.end : found.end + 25]
        ampm = "pm" if _LATER_HALF.search(near) else ""
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour == 24 and minute == 0:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return hour, minute


_FULL_STAMP_KINDS = frozenset({"iso", "dotted", "slashed", "hm", "h_ampm", "h_h", "military"})
_STAMP_WORDS = frozenset(
    [
        "published",
        "updated",
        "posted",
        "update",
        "last",
        "modified",
        "created",
        "on",
        "at",
        "date",
        "time",
        "et",
        "edt",
        "est",
        "cdt",
        "cst",
        "mdt",
        "mst",
        "pdt",
        "pst",
        "gmt",
        "utc",
    ]
)


def _timestamp_lines(text: str, items: list[_Found]) -> set[int]:
    """Starts of expressions on a line that holds nothing but a dated timestamp (a year or a clock).

    "May 05, 2016 02:10 PM" alone on a line dates the page; a timeline heading ("24 September") has no
    year or clock and stays an event date.
    """
    by_line: dict[int, list[_Found]] = {}
    for item in items:
        by_line.setdefault(text.rfind("\n", 0, item.start) + 1, []).append(item)
    out: set[int] = set()
    for line_start, found in by_line.items():
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        if not any(f.kind in _FULL_STAMP_KINDS or f.groups.get("y") for f in found):
            continue
        rest, cursor = [], line_start
        for item in found:
            rest.append(text[cursor : item.start])
            cursor = item.end
        rest.append(text[cursor:line_end])
        words = re.findall(r"\w+", " ".join(rest).lower())
        if all(word in _STAMP_WORDS for word in words):
            out.update(f.start for f in found)
    return out


def _is_stamp(text: str, item: _Found, previous: _Found | None, previous_stamp: bool) -> bool:
    line_start = text.rfind("\n", 0, item.start) + 1
    before = text[line_start : item.start]
    if _STAMP.search(before[-40:]):
        return True
    if previous_stamp and previous is not None and previous.end >= line_start:
        return bool(_STAMP_GAP.fullmatch(text[previous.end : item.start]))
    return False


def find_times(text: str, published: PartialDate | None, cfg: TemporalSettings) -> list[TimeRef]:
    """Every time expression in ``text``, resolved against ``published`` (see the module docstring)."""
    window = publication_window(published)
    dates = _date_matches(text)
    clocks = _clock_matches(text, [(f.start, f.end) for f in dates])
    items = sorted(dates + clocks, key=lambda f: f.start)
    starts = sentence_starts(text)

    # Page stamps: the expression right after "Published"/"Updated", and those chained to it.
    stamps: set[int] = set()
    if cfg.skip_page_stamps:
        previous: _Found | None = None
        previous_stamp = False
        for item in items:
            previous_stamp = _is_stamp(text, item, previous, previous_stamp)
            if previous_stamp:
                stamps.add(item.start)
            previous = item
        stamps.update(_timestamp_lines(text, items))

    resolved: dict[int, _Resolved] = {}
    for item in dates:
        if item.start in stamps:
            continue
        result = _resolve(item, window, future=future_cue_before(text, item.start, cfg, starts=starts))
        if result is not None:
            resolved[item.start] = result

    out: list[TimeRef] = []
    for item in items:
        if item.start in stamps:
            continue
        if item.kind in dict(_CLOCK_PATTERNS):
            clock = _clock_time(item, text)
            if clock is None:
                continue
            # "Midnight Monday" is the start of Monday to some writers and its end to others, and "just
            # before midnight" after a Monday clock is Monday's end: the day of a midnight stays unknown.
            midnight = item.kind == "noon" and clock == (0, 0)
            day = None if midnight else _clock_day(item, clock[0], text, dates, resolved, starts, window, cfg)
            value = f"{day}T{clock[0]:02d}:{clock[1]:02d}" if day else None
            out.append(
                TimeRef(
                    text=text[item.start : item.end],
                    value=value,
                    precision=DatePrecision.HOUR,
                    start=item.start,
                    end=item.end,
                )
            )
            continue
        result = resolved.get(item.start)
        if result is None:
            continue
        out.append(
            TimeRef(
                text=text[item.start : item.end],
                value=result.value,
                precision=result.precision,
                weekday=result.weekday,
                start=item.start,
                end=item.end,
            )
        )
    return out


def future_cue_before(text: str, start: int, cfg: TemporalSettings, *, starts: list[int] | None = None) -> bool:
    """Whether the text marks the expression at ``start`` as future.

    A future cue ('will', 'scheduled for', 'next') closely before it in its sentence, or a holiday
    right after 'before' / 'ahead of' ("days before Christmas" is the coming one).
    """
    starts = starts if starts is not None else sentence_starts(text)
    sentence_start = starts[bisect.bisect_right(starts, start) - 1]
    if _FUTURE_CUE.search(text[max(sentence_start, start - cfg.future_cue_chars) : start]):
        return True
    return bool(
        _HOLIDAY_START.match(text, start) and _HOLIDAY_AHEAD.search(text[max(sentence_start, start - 30) : start])
    )


_OVERNIGHT = re.compile(r"(?i:\bovernight\b)")
# "Overnight" is the night before publication: a clock in its small hours falls on the publication day, one
# in its evening on the day before, and any other hour is not in that night.
_NIGHT_ENDS_HOUR = 7
_NIGHT_STARTS_HOUR = 18


def _clock_day(
    item: _Found,
    hour: int,
    text: str,
    dates: list[_Found],
    resolved: dict[int, _Resolved],
    starts: list[int],
    window: tuple[date, date] | None,
    cfg: TemporalSettings,
) -> str | None:
    """The day of a clock: from its sentence, else from the sentence before it in the same paragraph.

    In each, the nearest expression that states a day gives it (its value, resolved or not); with none,
    an ``overnight`` there places the clock in the night before publication.
    """
    index = bisect.bisect_right(starts, item.start) - 1
    for current in (index, index - 1):
        if current < 0:
            return None
        lo = starts[current]
        hi = starts[current + 1] if current + 1 < len(starts) else len(text)
        if current < index and "\n" in text[lo:hi]:
            return None  # the sentence before is in another paragraph
        stated = _sentence_day(item, dates, resolved, lo, hi)
        if stated is not None:
            return stated[0]
        night = _OVERNIGHT.search(text, lo, hi)
        if night is not None:
            if future_cue_before(text, night.start(), cfg, starts=starts):
                return None
            return _overnight_day(hour, window)
    return None


def _overnight_day(hour: int, window: tuple[date, date] | None) -> str | None:
    if window is None or window[0] != window[1]:
        return None
    if hour < _NIGHT_ENDS_HOUR:
        return window[0].isoformat()
    if hour >= _NIGHT_STARTS_HOUR:
        return (window[0] - timedelta(days=1)).isoformat()
    return None


def _sentence_day(
    item: _Found, dates: list[_Found], resolved: dict[int, _Resolved], lo: int, hi: int
) -> tuple[str | None] | None:
    """The value of the nearest expression in ``[lo, hi)`` that states a day (None inside if unresolved), or None."""
    best: tuple[int, str | None] | None = None
    for other in dates:
        if other.start < lo or other.start >= hi:
            continue
        result = resolved.get(other.start)
        if result is None or result.precision not in (DatePrecision.DAY, DatePrecision.WEEKDAY):
            continue
        distance = item.start - other.end if other.end <= item.start else other.start - item.end
        if best is None or distance < best[0]:
            best = (distance, result.value)
    return (best[1],) if best else None


@stage(
    "temporal.rules.v1",
    slot="temporal",
    requires=("text", "published"),
    assigns=("times",),
    section="temporal",
)
def resolve_times(doc: Document, cfg: TemporalSettings) -> Document:
    """Set ``times``: every time expression in the text, resolved against the publication date.

    A report marked as not analysed (``doc.analysis``: not English) is returned unchanged.
    """
    if doc.analysis is not None:
        return doc
    times = find_times(doc.text, doc.published, cfg)
    logger.debug(
        "%s: %d time expressions, %d resolved", doc.doc_id, len(times), sum(t.value is not None for t in times)
    )
    return doc.model_copy(update={"times": tuple(times)})
