"""Incident mentions: what happened in a report, its main incident kept apart from the events it retells.

A report's sentences are read in order. A sentence with an event trigger (``eventtypes.find_triggers``)
or a casualty figure is an event sentence. Each event sentence is then either

- **background**: it retells an older or other event, shown by its own date (more than
  ``events.background_days`` before the main incident, or a year or month other than its own) or by a
  cue ("since May", "in 2008", "last year's", "years ago", "the 1998-1999 war"); the sentences after it
  in the same paragraph that carry no date of their own continue it. Background events are grouped by
  their date or cue, and their figures stay theirs; or
- **main**: the report's own news. Its sentences form the main incident, whose type, trigger, date,
  local time, place and actors are read from them (the first and most specific first).

A non-violent event (talks, a declaration) is recorded only as background, when it has its own date;
the main incident is always a violent or contentious one. The main date is the first day an event
sentence states in the week before publication that is not told as what followed the incident ("police
said Sunday", "died Saturday", "arraigned Monday": :func:`_aftermath`), else the first day of the event
sentences (a follow-up weeks later), else a day another sentence that retells nothing states ("was
hunting Sunday morning in X"); with no stated day it stays unknown (a weekday-only time, "Sunday's
clashes" in a report with no publication date, stays a weekday, never anchored to an invented day).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from ..eventtypes import EventTyping, find_triggers
from ..lexicons import load_lexicon, trie_pattern
from ..model import Actor, DatePrecision, Document, IncidentMention, Place, PlacePrecision, TimeRef
from ..registry import stage
from ..settings import EventsSettings
from ..textspans import sentence_spans

__all__ = ["SentenceEvent", "find_incidents", "read_sentences"]

logger = logging.getLogger(__name__)

# Words that name an older or other event, when the sentence has no date of the main incident.
_BACKGROUND_CUE = re.compile(
    r"\b(?:since\s+(?:the\s+)?(?:(?:end|start|beginning|outbreak)\s+of\s+|(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December|early|late|last|(?:19|20)\d\d)\b)|"
    r"(?:last|previous|past)\s+(?:year|month|years|months|decade)(?:['’]s)?|earlier\s+this\s+(?:year|month)|"
    r"(?:a\s+|one\s+|two\s+|three\s+|four\s+|five\s+|six\s+|seven\s+|eight\s+|nine\s+|ten\s+|several\s+|many\s+|few\s+|\d+\s+)"
    r"(?:years?|months?|weeks?|days?|decades?)\s+(?:ago|earlier|before|after|previously)|"
    r"(?:separate|unrelated|other|several)\s+(?:shootings|incidents|attacks|killings|homicides)|"
    r"in\s+(?:19|20)\d\d\b|(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d\s+war|anniversary|"
    r"(?:the\s+)?(?:previous|earlier|prior|similar|former)\s+(?:attack|clash|shooting|incident|violence|unrest|round|protest)s?|"
    r"history\s+of|so\s+far\s+(?:this|in)\s+(?:year|month|(?:19|20)\d\d)|from\s+January\s+(?:to|through)|since\s+January\b|this\s+year\s+alone|since\s+the\s+(?:start|beginning)\s+of\s+the\s+year|(?:\w+|\d+)\s+(?:years|months|decades)\s+after)\b",
    re.IGNORECASE,
)
_ACTOR_LABELS = frozenset({"ORG", "NORP", "PERSON", "GPE"})


@dataclass(slots=True)
class SentenceEvent:
    """One sentence read for events: its triggers, whether it has a figure, its times and its role."""

    start: int
    end: int
    paragraph: int
    triggers: list[EventTyping]
    has_figure: bool
    times: list[TimeRef]
    cue: re.Match[str] | None
    role: str | None = None  # "main", "background" or None (not an event sentence)
    anchor: str | None = None
    background_from: int | None = None  # a background region starting here inside a main sentence
    notes: list[str] = field(default_factory=list)

    @property
    def violent(self) -> bool:
        return any(t.violent for t in self.triggers)


@lru_cache(maxsize=1)
def _figure_words() -> re.Pattern[str]:
    lex = load_lexicon("casualties.json")
    words = [w for spec in lex["figures"].values() for key in ("after", "before", "nouns") for w in spec[key]]
    return re.compile(r"\b(?:" + trie_pattern(sorted({w.lower() for w in words}), prefixes=False) + r")\b", re.IGNORECASE)


def read_sentences(doc: Document) -> list[SentenceEvent]:
    """Every sentence of ``doc`` with its triggers, figures, times and background cue (roles unset)."""
    text = doc.text
    times = sorted(doc.times, key=lambda t: t.start)
    out: list[SentenceEvent] = []
    paragraph = 0
    previous_end = 0
    cursor = 0
    # Figure words and background cues are found in one scan of the whole text each, not per sentence.
    figures = [m.start() for m in _figure_words().finditer(text)]
    cues = list(_BACKGROUND_CUE.finditer(text))
    cue_starts = [m.start() for m in cues]
    for start, end in sentence_spans(text):
        if "\n" in text[previous_end:start]:
            paragraph += 1
        previous_end = end
        sentence = text[start:end]
        triggers = find_triggers(sentence)
        has_figure = bisect_left(figures, end) > bisect_left(figures, start)
        first_cue = bisect_left(cue_starts, start)
        cue = None
        if first_cue < len(cues) and cues[first_cue].start() < end:
            cue = _BACKGROUND_CUE.search(sentence)  # offsets relative to the sentence, as the roles read them
        while cursor < len(times) and times[cursor].end <= start:
            cursor += 1
        inside = []
        index = cursor
        while index < len(times) and times[index].start < end:
            inside.append(times[index])
            index += 1
        out.append(SentenceEvent(start, end, paragraph, triggers, has_figure, inside, cue))
    return out


# Local reports tell what followed the incident before the incident itself: "police said Sunday", "was
# identified Sunday", "died Saturday of a wound suffered Friday", "arraigned Monday", "remained in critical
# condition Friday night". A day whose clause is one of these is not the incident's when the event
# sentences give another (shared/eval/incidents, fused date: the first event day 0.852, skipping these 0.906).
_AFTERMATH = re.compile(
    r"\b(?:said|says|told|tells|stated|announced|confirmed|condemn\w*|denie[sd]|rejected|blamed|accused|vowed|"
    r"identified|released|remain(?:s|ed)?|still|listed|"
    r"died|dies|succumbed|passed\s+away|arrested|charged|arraigned|booked|confessed|appeared|sentenced|indicted|"
    r"investigat\w*|vigils?|funerals?|mourn\w*|gathered|updated?|planned|scheduled|will|spent|spend(?:s|ing)?)\b",
    re.IGNORECASE,
)
# Police or medics answering the incident date it as an event sentence does ("officers were called to ...
# at 4:11 p.m. Wednesday", "deputies responded Sunday").
_RESPONSE = re.compile(r"\b(?:(?:were|was)\s+called|responded|dispatched|911\s+call|call\s+(?:came|went)\s+out)\b", re.IGNORECASE)
_AFTERMATH_SPAN = 60  # characters before a day read for its clause
_RECENT_DAYS = 7  # a report's own incident lies at most a week before its publication day (weekdays resolve so)
_FOLLOW_UP_DAYS = 60  # a follow-up's incident day lies at most this long before its publication


def _inside_cue(sent: SentenceEvent, ref: TimeRef) -> bool:
    """Whether a time is part of the sentence's background cue ("two weeks ago")."""
    if sent.cue is None:
        return False
    start, end = sent.start + sent.cue.start(), sent.start + sent.cue.end()
    return ref.start < end and start < ref.end


def _aftermath(text: str, sent: SentenceEvent, ref: TimeRef) -> bool:
    """Whether a day belongs to what followed the incident: an aftermath word stands after the last violent
    trigger before it in its clause ("shot Saturday" is the incident's, "said Sunday" what followed)."""
    after = _AFTERMATH.match(text, ref.end + 1) if text[ref.end : ref.end + 1] == " " else None
    if after is not None:
        return True  # "The United Nations on Sunday condemned ...", "Police on Monday said ..."
    start = max(sent.start, ref.start - _AFTERMATH_SPAN)
    words = [m.end() for m in _AFTERMATH.finditer(text, start, ref.start)]
    if not words:
        return False
    violent = [
        sent.start + t.end for t in sent.triggers if t.violent and t.category != "arrest" and sent.start + t.end <= ref.start
    ]
    return not violent or max(violent) <= words[-1]


_Found = tuple[date, TimeRef, bool]  # a day, its time expression, whether it is told as aftermath


def _choose_day(event: Sequence[_Found], other: Sequence[_Found], published: date | None, use_other: bool) -> _Found | None:
    """The incident's day among the days of the event sentences (``event``) and of the other sentences that
    retell nothing (``other``), each in text order: the first not told as aftermath in the week before
    publication, else the first such of the event sentences, else the first event day, else (``use_other``)
    the first other day."""

    def recent(days: Sequence[_Found]) -> list[_Found]:
        return [f for f in days if not f[2] and (published is None or published - timedelta(days=_RECENT_DAYS) <= f[0])]

    for pool in (recent(event), [f for f in event if not f[2]], recent(other)):
        if pool:
            return pool[0]
    if event:
        return event[0]
    return other[0] if use_other and other else None


def _day(ref: TimeRef) -> date | None:
    if ref.value is None or ref.precision not in (DatePrecision.DAY, DatePrecision.HOUR):
        return None
    try:
        return date.fromisoformat(ref.value[:10])
    except ValueError:
        return None


class _Roles:
    """Decides main vs background for each event sentence, around the main incident's date."""

    def __init__(self, doc: Document, sentences: list[SentenceEvent], cfg: EventsSettings) -> None:
        self.doc = doc
        self.sentences = sentences
        self.cfg = cfg
        self.main_day: date | None = None
        self.main_weekday: int | None = None
        self.main_ref: TimeRef | None = None

    def _in_window(self, ref: TimeRef) -> bool | None:
        """Whether a time belongs to the main incident: True, False (another event), None (cannot say)."""
        day = _day(ref)
        if day is not None:
            if self.main_day is None:
                anchor = self._published_day()
                if anchor is None:
                    return None
                return anchor - timedelta(days=self.cfg.background_days) <= day <= anchor + timedelta(days=1)
            # Days from the incident to the publication day are the story's own (the death, the arrest).
            last = max(self.main_day, self._published_day() or self.main_day)
            return self.main_day - timedelta(days=self.cfg.background_days) <= day <= last + timedelta(days=1)
        if ref.value is not None and ref.precision in (DatePrecision.MONTH, DatePrecision.YEAR):
            reference = self.main_day or self._published_day()
            if reference is None:
                return False if ref.precision == DatePrecision.YEAR else None
            if ref.precision == DatePrecision.YEAR:
                return int(ref.value[:4]) == reference.year
            year, month = int(ref.value[:4]), int(ref.value[5:7])
            return (year, month) == (reference.year, reference.month)
        if ref.weekday is not None and ref.value is None:
            if self.main_weekday is None:
                return None
            return ref.weekday == self.main_weekday
        if ref.precision == DatePrecision.DAY and ref.value is None and re.search(r"\d", ref.text):
            # A calendar day the time stage could not place (no publication date): another day than the
            # main incident's weekday-only time, unless that is all we know.
            return False if self.main_weekday is not None else None
        return None

    def _published_day(self) -> date | None:
        pub = self.doc.published
        if pub is None or pub.day is None or pub.month is None:
            return None
        return date(pub.year, pub.month, pub.day)

    def decide(self) -> None:
        self._find_main_date()
        previous: SentenceEvent | None = None
        for sent in self.sentences:
            if sent.triggers or sent.has_figure:
                self._decide_one(sent, previous)
            elif self._retells(sent):
                # No trigger, but its own date or a cue ("Tensions have risen since May, when ..."): the
                # sentences after it in the paragraph continue that older story.
                sent.role = "background"
                sent.anchor = self._anchor_of(sent)
            if sent.role is None and previous is not None and previous.role == "background" and previous.paragraph == sent.paragraph:
                if not any(self._in_window(t) for t in sent.times):
                    sent.role, sent.anchor = "background", previous.anchor
            if sent.role is not None:
                previous = sent
            elif previous is not None and previous.paragraph != sent.paragraph:
                previous = None

    def _retells(self, sent: SentenceEvent) -> bool:
        verdicts = [self._in_window(ref) for ref in sent.times]
        if any(v is True for v in verdicts):
            return False
        return sent.cue is not None or any(v is False for v in verdicts)

    def _anchor_of(self, sent: SentenceEvent) -> str:
        for ref in sent.times:
            if self._in_window(ref) is False:
                return ref.value or ref.text
        return " ".join(sent.cue.group(0).lower().split()) if sent.cue else ""

    def _find_main_date(self) -> None:
        """The main incident's day: the first day of the event sentences not told as what followed it
        (:func:`_aftermath`), else their first day, within ``_FOLLOW_UP_DAYS`` before publication; with no day
        there, the first day of a sentence that is no retelling ("... was hunting Sunday morning in X")."""
        published = self._published_day()
        event_days: list[_Found] = []
        other_days: list[_Found] = []
        for sent in self.sentences:
            event = sent.violent or sent.has_figure or bool(_RESPONSE.search(self.doc.text, sent.start, sent.end))
            if sent.cue is not None and not sent.times:
                continue
            for ref in sent.times:
                if _inside_cue(sent, ref):
                    continue  # "two weeks ago", "18 months ago": the cue's own time, another event's
                day = _day(ref)
                if day is not None and (published is None or published - timedelta(days=_FOLLOW_UP_DAYS) <= day <= published + timedelta(days=1)):
                    found = (day, ref, _aftermath(self.doc.text, sent, ref))
                    if event:
                        event_days.append(found)
                    elif sent.cue is None:
                        other_days.append(found)
                elif event and ref.value is None and ref.weekday is not None and self.main_weekday is None:
                    self.main_weekday = ref.weekday
                    self.main_ref = ref
        chosen = _choose_day(event_days, other_days, published, self.main_weekday is None)
        if chosen is not None:
            self.main_day, self.main_ref = chosen[0], chosen[1]
            self.main_weekday = chosen[0].weekday()
            return
        if self.main_weekday is None:
            for sent in self.sentences[:3]:
                for ref in sent.times:
                    if ref.value is None and ref.weekday is not None:
                        self.main_weekday, self.main_ref = ref.weekday, ref
                        return

    def _decide_one(self, sent: SentenceEvent, previous: SentenceEvent | None) -> None:
        verdicts = [self._in_window(ref) for ref in sent.times]
        own = any(v is True for v in verdicts)
        other = [ref for ref, v in zip(sent.times, verdicts) if v is False]
        text = self.doc.text
        if other and not own:
            sent.role, sent.anchor = "background", other[0].value or other[0].text
            return
        if other and own:
            # Both: the part from the other date on is background ("..., since the end of the 1998-1999 war").
            sent.role = "main" if sent.violent or sent.has_figure else None
            sent.background_from = other[0].start
            sent.anchor = other[0].value or other[0].text
            return
        if sent.cue is not None and not own:
            cue_start = sent.start + sent.cue.start()
            before = [t for t in sent.triggers if sent.start + t.end <= cue_start and t.violent]
            references_main = bool(before) and any(v is None and ref.weekday is not None for ref, v in zip(sent.times, verdicts))
            if before and (references_main or _refers_back(text[sent.start : cue_start])):
                sent.role = "main"
                sent.background_from = cue_start
                sent.anchor = " ".join(sent.cue.group(0).lower().split())
                return
            sent.role, sent.anchor = "background", " ".join(sent.cue.group(0).lower().split())
            return
        if previous is not None and previous.role == "background" and previous.paragraph == sent.paragraph and not own:
            if not _refers_back(text[sent.start : sent.end]):
                sent.role, sent.anchor = "background", previous.anchor
                return
        if sent.violent or sent.has_figure:
            sent.role = "main"


_REFERS_BACK = re.compile(
    r"\b(?:this|the|today['’]s|yesterday['’]s|(?:mon|tues|wednes|thurs|fri|satur|sun)day['’]s|(?:this|that)\s+(?:morning|night)['’]s)\s+"
    r"(?:(?:latest|recent|deadly|armed|fatal)\s+)?(?:attack|shooting|incident|clash(?:es)?|violence|assault|ambush|explosion|blast|raid)\b",
    re.IGNORECASE,
)


def _refers_back(text: str) -> bool:
    """Whether a clause names the report's own incident ("Sunday's attack", "the shooting")."""
    return bool(_REFERS_BACK.search(text))


def _triggers_in(sent: SentenceEvent, role: str) -> list[EventTyping]:
    """The sentence's triggers on the side of its background boundary that ``role`` reads."""
    if sent.background_from is None:
        return sent.triggers
    cut = sent.background_from - sent.start
    return [t for t in sent.triggers if (t.start >= cut) == (role == "background")]


def _best_typing(sentences: Sequence[SentenceEvent], role: str) -> EventTyping | None:
    """The incident's typing: the category most of its violent triggers have, the earliest on a tie."""
    typings = [t for sent in sentences for t in _triggers_in(sent, role) if t.violent]
    if not typings:
        typings = [t for sent in sentences for t in _triggers_in(sent, role)]
    if not typings:
        return None
    votes = Counter(t.category for t in typings)
    first: dict[str, int] = {}
    for index, typing in enumerate(typings):
        first.setdefault(typing.category, index)
    best = max(votes, key=lambda c: (votes[c] + (0.5 if first[c] == 0 else 0), -first[c]))
    return next(t for t in typings if t.category == best)


_PRECISION_RANK = {
    PlacePrecision.EXACT: 0, PlacePrecision.VILLAGE: 1, PlacePrecision.TOWN: 2, PlacePrecision.MUNICIPALITY: 3,
    PlacePrecision.REGION: 4, PlacePrecision.COUNTRY: 5, PlacePrecision.CONTINENT: 6,
}


_LOCATION_CUE = re.compile(r"(?:\b(?:in|near|at|outside|inside|on|into)\s+(?:the\s+)?(?:(?:village|town|city|municipality|area|district|region)\s+of\s+)?|\bof\s+)$", re.IGNORECASE)
_ELSEWHERE_CUE = re.compile(
    r"\b(?:hospitals?|clinic|medical\s+cent(?:er|re)|taken|transported|rushed|flown|airlifted|from|support\s+from|backed\s+by)\b[^.;]{0,25}$"
    # where a victim or a suspect lives: "Justin Burns, 14, of Palisade", "a resident of X"
    r"|(?:\d+\s*,|\b(?:man|woman|boy|girl|teen|teenager|resident|residents|native|student)s?)\s+of\s+$"
    # a landmark the scene is measured from: "about 150 miles northeast of Denver"
    r"|\b(?:miles|mi\.|kilometers|kilometres|km)\s+(?:(?:north|south|east|west)(?:east|west)?|outside)\s+of\s+$",
    re.IGNORECASE,
)
# "the 6700 block of South Aberdeen", "305 E. Main St.": a street, whatever the gazetteer says of the name.
_STREET_BEFORE = re.compile(r"(?:\bblock\s+of\s+|\b\d+\s+(?:[NSEW]\.?\s+)?)$", re.IGNORECASE)
_FACILITY_NAME = re.compile(
    r"\b(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Highway|Hwy|Court|Ct|Circle|Way|Parkway|"
    r"Pike|Trail|Square|Plaza|Bridge|Hospital|Center|Centre|Clinic|Church|School|University|College|Academy|"
    r"Stadium|Arena|Airport|Hall|Library|Hotel|Motel|Mall|Prison|Jail|Apartments?|Park|Range|Lodge|Bar|Club|"
    r"Lounge|Subdivision|Estates?|Station|Store|Market|Office|Department)\.?$"
)
# "Philadelphia's Kensington", "the Englewood neighborhood of Chicago": the named part lies in the city.
_PART_OF_AFTER = re.compile(r"^\s+(?:neighbou?rhood|section|area|district|community)\s+(?:of|in)\s+$", re.IGNORECASE)
_DATELINE_AFTER = re.compile(r"^(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?\s*(?:\([^)\n]{1,40}\)\s*)?(?:[-–—]|:|,)")
_DATELINE_BONUS = 1.0  # a dateline names where the report is filed, usually the incident's town
_RANK_DECAY = 1.0  # shared/eval/incidents location: no decay 0.728, 0.5 to 2: 0.737
_LEAD_CHARS = 400  # a dateline or a region named this early in the text speaks for the report


def _place_tier(text: str, place: Place, regions: set[tuple[str, str]]) -> int:
    """How likely a kind of place is the scene, lower first: a settlement or a name the gazetteer lacks (0);
    a county or another area of the gazetteer (1); a settlement in another region than the ones the report names (2); a
    street or building, which carries the point of the area around it (3); a region (4); a country (5)."""
    if place.precision == PlacePrecision.COUNTRY:
        return 5
    if place.precision == PlacePrecision.REGION:
        return 4
    if _FACILITY_NAME.search(place.name) or _STREET_BEFORE.search(text[max(0, place.start - 20) : place.start]):
        return 3
    # A name the gazetteer lacks is most often a village or a neighbourhood: unlocated (the corpus stage
    # may locate it) or placed in the area of the place the text puts it near (geocode's anchors).
    settlement = (
        place.precision in (PlacePrecision.EXACT, PlacePrecision.VILLAGE, PlacePrecision.TOWN)
        or place.lat is None
        or (place.method or "").startswith("anchor:")
    )
    if settlement and place.country and any(country == place.country for country, _ in regions):
        if (place.country, place.admin1 or "") not in regions:
            return 2
    return 0 if settlement else 1


def _named_regions(places: Sequence[Place]) -> set[tuple[str, str]]:
    """(country, region) of the first-level regions a report names by their own name or code ("Ohio", "N.J.")."""
    return {
        (p.country, p.admin1)
        for p in places
        if p.precision == PlacePrecision.REGION and p.country and p.admin1 and (p.method or "").startswith("gazetteer:")
    }


def _is_dateline(text: str, place: Place) -> bool:
    """A place that opens the report or one of its first lines, before a dateline's mark ("BENTON, Ark. (KTHV) --")."""
    at_line_start = place.start == 0 or text[place.start - 1] == "\n" or text[max(0, place.start - 2) : place.start] == "- "
    return at_line_start and place.start < _LEAD_CHARS and bool(_DATELINE_AFTER.match(text, place.end))


def _container_of(text: str, place: Place, pool: Sequence[Place]) -> Place | None:
    """The city a named part of it lies in: "Philadelphia's Kensington", "the Kensington section of Philadelphia"."""
    for other in pool:
        if other is place or other.lat is None:
            continue
        between_before = text[other.end : place.start]
        between_after = text[place.end : other.start]
        if re.fullmatch(r"['’]s\s+", between_before) or _PART_OF_AFTER.match(between_after):
            return other
    return None


def _incident_place(text: str, places: Sequence[Place], spans: Sequence[tuple[int, int]], all_places: Sequence[Place]) -> Place | None:
    """Where the incident happened: the most specific kind of place (:func:`_place_tier`) its sentences name,
    then the one named most often, after a location word and in the dateline; not a place the wounded
    were taken to or someone lives in, and a named part of a city counts for the city."""
    # A place the gazetteer lacks (no point yet) counts too: the corpus stage may locate it later, and
    # an unknown village is more likely the scene than the country around it.
    inside = [p for p in places if any(s <= p.start < e for s, e in spans) and p.precision != PlacePrecision.CONTINENT]
    pool = inside or [p for p in all_places if p.lat is not None and p.precision not in (PlacePrecision.CONTINENT, None)]
    if not pool:
        return None
    finer = [p for p in pool if p.precision not in (PlacePrecision.COUNTRY, PlacePrecision.CONTINENT)]
    pool = finer or pool
    datelines = [p for p in places if _is_dateline(text, p) and p.precision not in (PlacePrecision.COUNTRY, PlacePrecision.CONTINENT)]
    pool = pool + [p for p in datelines if p not in pool]
    regions = _named_regions(inside + [p for p in places if p.start < _LEAD_CHARS])
    scores: dict[str, float] = {}
    first: dict[str, Place] = {}
    for place in pool:
        before = text[max(0, place.start - 40) : place.start]
        # A place the wounded were taken to or someone lives in does not count; a location word adds.
        score = 0.0 if _ELSEWHERE_CUE.search(before) else 1.5 if _LOCATION_CUE.search(before) else 1.0
        if place in datelines:
            score += _DATELINE_BONUS
        # The incident's own sentences name its place first; later ones drift (related news, page clutter).
        rank = next((i for i, (s, e) in enumerate(spans) if s <= place.start < e), len(spans))
        score /= 1 + _RANK_DECAY * rank
        target = _container_of(text, place, places) or place
        scores[target.name] = scores.get(target.name, 0.0) + score
        first.setdefault(target.name, target)
    tiers = {name: _place_tier(text, place, regions) for name, place in first.items()}
    best = min(scores, key=lambda name: (scores[name] <= 0, tiers[name], -scores[name], first[name].start))
    return first[best]


_DESCRIPTION = re.compile(
    r"\b(?:(?:a|an|the|unknown|masked|armed|several|some|two|three|four|five|dozens\s+of|a\s+group\s+of)\s+)*"
    r"(?:(?:masked|armed|unknown|unidentified|heavily\s+armed|suspected|alleged|professional)\s+)*"
    r"(?P<head>gunm[ae]n|attackers?|armed\s+group|(?<=masked\s)(?:people|men|individuals|persons)|(?<=armed\s)(?:people|men|individuals|persons)|(?:a\s+)?group\s+of\s+(?:\w+\s+){0,2}(?:people|men|individuals)|assailants?|militants?|terrorists?|insurgents?|rebels?|bandits?|fighters?|jihadists?|"
    r"shooters?|suspects?|armed\s+(?:people|men|group|individuals)|(?:criminal\s+)?gangs?|group|mob|protesters|"
    r"demonstrators|rioters|police(?:\s+(?:officers?|patrol|units?))?|officers?|soldiers|troops|army|security\s+forces|"
    r"(?:police\s+)?patrol|civilians|residents|villagers)\b",
    re.IGNORECASE,
)


_NOUN_TRIGGER_END = re.compile(r"(?:attack|assault|ambush|clash(?:es)?|raid|shooting|bombing|explosion|blast|strike|violence|offensive|protest|riot|fight(?:ing)?|firefight|shootout)s?$", re.IGNORECASE)
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_AGENT_AFTER = re.compile(r"^\s*(?:\w+\s+){0,4}?(?:by|from)\s+(?P<who>[^,.;]{2,80})", re.IGNORECASE)
_TARGET_AFTER = re.compile(r"^\s*(?:on|against|targeting|at)\s+(?P<who>[^,.;]{2,80})", re.IGNORECASE)
_BETWEEN = re.compile(r"^\s*between\s+(?P<a>[^,.;]{2,60}?)\s+and\s+(?P<b>[^,.;]{2,60})", re.IGNORECASE)
_CARRIED_OUT = re.compile(r"^\s*,?\s*(?:\w+\s+){0,2}?(?:carried\s+out|claimed|committed|staged|launched|perpetrated)\s+by\s+(?P<who>[^,.;]{2,80})", re.IGNORECASE)


def _is_noun_trigger(trigger: str, before: str) -> bool:
    """Whether a trigger is a noun ("the attack", "police operation") rather than a verb ("attacked")."""
    words = trigger.lower().split()
    if re.search(r"\b(?:to|will|would|could|may|might|must|did|do|does)\s+$", before, re.IGNORECASE):
        return False
    if re.search(r"\b(?:the|a|an|this|that|these|those|its|his|her|their|our|[\w-]+['’]s)\s+(?:[\w-]+\s+)?$", before, re.IGNORECASE):
        return True
    return not (words[0].endswith(("ed", "ing")) or words[-1].endswith("ed")) or bool(_NOUN_TRIGGER_END.search(trigger)) and not words[-1].endswith(("ed", "ing"))


def _name_in(doc: Document, start: int, end: int, *, last: bool) -> Actor | None:
    """The actor a stretch of text names: a description ("masked gunmen", "Kosovo police") or an entity."""
    chunk = doc.text[start:end]
    described = list(_DESCRIPTION.finditer(chunk))
    if described:
        desc = described[-1] if last else described[0]
        words = desc.group(0).split()
        # keep a people or place word right before the description: "Kosovo police", "Serbian gunmen"
        before = doc.text[max(start, start + desc.start() - 30) : start + desc.start()].split()
        if before and before[-1][:1].isupper() and before[-1].lower() not in ("the", "a", "an"):
            words = [before[-1], *words]
        name = " ".join(w for w in words if w.lower() not in ("a", "an", "the"))
        return Actor(name=name, role="", kind="description")
    found = [
        e for e in doc.entities
        if start <= e.start and e.end <= end and e.label in _ACTOR_LABELS
    ]
    if found:
        entity = found[-1] if last else found[0]
        return Actor(name=entity.canonical, role="", kind=entity.label)
    return None


def _actors(doc: Document, sentences: Sequence[SentenceEvent], typing: EventTyping | None) -> tuple[Actor, ...]:
    """Who acted (actor1) and who was acted upon (actor2): each violent trigger of the incident's sentences
    votes, by voice (active "gunmen attacked the police", passive "the patrol was ambushed by ..."), and for
    a noun trigger by its prepositions ("attack on X", "carried out by Y", "clashes between X and Y")."""
    votes: dict[str, Counter[str]] = {"actor1": Counter(), "actor2": Counter()}
    found: dict[str, Actor] = {}

    def vote(role: str, actor: Actor | None, weight: float = 1.0) -> None:
        if actor is not None:
            votes[role][actor.name] += weight
            found.setdefault(actor.name, actor)

    text = doc.text
    for rank, sent in enumerate(sentences[:12]):
        for trigger in _triggers_in(sent, "main"):
            if not trigger.violent:
                continue
            # a death says little of who attacked whom ("police killed three attackers" in a raid on the police)
            weight = (1.0 / (1 + rank)) * (0.3 if trigger.category == "killing" else 1.0)
            t_start, t_end = sent.start + trigger.start, sent.start + trigger.end
            before = text[sent.start : t_start]
            after = text[t_end : sent.end]
            clause_start = t_start - len(re.split(r"[,;:]\s|\b(?:when|where|after|as|while)\s", before)[-1])
            clause_end = t_end + len(re.split(r"[,;:]\s|\b(?:when|where|after|as|while|killing|injuring|wounding)\b", after)[0])
            between = _BETWEEN.match(after)
            if between:
                vote("actor1", _name_in(doc, t_end + between.start("a"), t_end + between.end("a"), last=False), weight)
                vote("actor2", _name_in(doc, t_end + between.start("b"), t_end + between.end("b"), last=False), weight)
                continue
            if _PASSIVE_BEFORE.search(before):
                vote("actor2", _name_in(doc, clause_start, t_start, last=True), weight)
                agent = _AGENT_AFTER.match(after)
                if agent:
                    vote("actor1", _name_in(doc, t_end + agent.start("who"), t_end + agent.end("who"), last=False), weight)
                continue
            if _is_noun_trigger(trigger.trigger, before):
                target = _TARGET_AFTER.match(after)
                if target:
                    vote("actor2", _name_in(doc, t_end + target.start("who"), t_end + target.end("who"), last=False), weight)
                agent = _CARRIED_OUT.match(after) or re.match(r"^\s*by\s+(?P<who>[^,.;]{2,80})", after)
                if agent:
                    vote("actor1", _name_in(doc, t_end + agent.start("who"), t_end + agent.end("who"), last=False), weight)
                possessive = re.search(r"(?P<who>[\w\s-]{2,40})['’]s\s+(?:\w+\s+)?$", before)
                if possessive and not re.search(r"(?i)(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|today|week", possessive.group("who")):
                    vote("actor1", _name_in(doc, sent.start + possessive.start("who"), sent.start + possessive.end("who"), last=True), weight)
                continue
            vote("actor1", _name_in(doc, clause_start, t_start, last=True), weight)
            vote("actor2", _name_in(doc, t_end, clause_end, last=False), weight)
    actors: list[Actor] = []
    first = votes["actor1"].most_common(1)
    if first:
        actors.append(found[first[0][0]].model_copy(update={"role": "actor1"}))
    for name, _ in votes["actor2"].most_common():
        if not actors or name != actors[0].name:
            actors.append(found[name].model_copy(update={"role": "actor2"}))
            break
    return tuple(actors)


def _time_local(sentences: Sequence[SentenceEvent]) -> str | None:
    for sent in sentences:
        for ref in sent.times:
            if ref.precision == DatePrecision.HOUR and ref.value and "T" in ref.value:
                return ref.value.split("T", 1)[1][:5]
    for sent in sentences:
        for ref in sent.times:
            match = re.search(r"\b(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?|am|pm)?", ref.text, re.IGNORECASE)
            if ref.precision == DatePrecision.HOUR and match:
                hour = int(match.group(1)) % 12 + (12 if (match.group(3) or "").lower().startswith("p") else 0)
                if not match.group(3):
                    hour = int(match.group(1))
                return f"{hour:02d}:{match.group(2) or '00'}"
    return None


def _mention(
    doc: Document,
    index: int,
    role: str,
    sentences: Sequence[SentenceEvent],
    cue: str | None,
    main_ref: TimeRef | None,
) -> IncidentMention | None:
    typing = _best_typing(sentences, role)
    if typing is None and role == "background" and not any(s.triggers or s.has_figure for s in sentences):
        return None  # a dated aside that tells no event ("He has led the party since 2019")
    spans = tuple((s.background_from if (role == "background" and s.background_from) else s.start, s.end) for s in sentences)
    if role == "main":
        spans = tuple((s.start, s.background_from or s.end) for s in sentences)
    date_value: str | None = None
    precision: DatePrecision | None = None
    weekday: int | None = None
    if role == "main" and main_ref is not None:
        if main_ref.value is not None:
            date_value = main_ref.value[:10]
            precision = DatePrecision.DAY if main_ref.precision in (DatePrecision.DAY, DatePrecision.HOUR) else main_ref.precision
        else:
            weekday, precision = main_ref.weekday, DatePrecision.WEEKDAY if main_ref.weekday is not None else None
    elif role == "background":
        dated = [ref for sent in sentences for ref in sent.times if ref.value is not None and ref.start >= spans[0][0]]
        if dated:
            date_value = dated[0].value[:10] if dated[0].value else None
            precision = DatePrecision.DAY if dated[0].precision == DatePrecision.HOUR else dated[0].precision
    trigger_text = typing.trigger if typing else (cue or "")
    trigger_pos = next(
        (s.start + t.start for s in sentences for t in s.triggers if typing is not None and t is typing), spans[0][0]
    )
    return IncidentMention(
        id=f"{doc.doc_id}:{index}",
        role=role,
        type=typing.acled_type if typing else None,
        sub_type=typing.acled_sub_type if typing else None,
        plover_type=typing.plover_type if typing else None,
        category=typing.category if typing else None,
        trigger=trigger_text,
        date=date_value,
        date_precision=precision,
        time_local=_time_local(sentences) if role == "main" else None,
        weekday=weekday,
        place=_incident_place(doc.text, doc.places, spans, doc.places if role == "main" else ()),
        actors=_actors(doc, sentences, typing) if typing else (),
        background_cue=cue,
        sentences=spans,
        start=min(trigger_pos, spans[0][0]) if role == "main" else spans[0][0],
        end=spans[-1][1],
    )


def _promote_retold(sentences: list[SentenceEvent]) -> None:
    """A report with no violent news of its own that retells one violent event is about that event
    (a vigil, a trial, a funeral): the retold event with the most violent sentences becomes the main one,
    unless its date or cue names a year."""
    groups: dict[str, list[SentenceEvent]] = {}
    for sent in sentences:
        if sent.role == "background" and sent.background_from is None:
            groups.setdefault(sent.anchor or "", []).append(sent)
    candidates = [
        (sum(s.violent or s.has_figure for s in members), -members[0].start, anchor)
        for anchor, members in groups.items()
        if any(s.violent for s in members) and not re.search(r"(?:19|20)\d\d|years?\b|decade", anchor)
    ]
    if not candidates:
        return
    _, _, anchor = max(candidates)
    for sent in groups[anchor]:
        sent.role = "main"


# Words of another event than the report's own, whatever day it has ("in a separate attack on Monday"), or
# that open a sentence telling one ("Days earlier, ...", "The previous night, ..."): a day near the incident's
# does not make it the incident. Mid-sentence, "the day before" is the incident seen from its aftermath
# ("was shot the day before"; shared/eval/incidents, 3 sentences).
_OTHER_EVENT = re.compile(
    r"\b(?:(?:in\s+)?(?:a|an|another)\s+(?:separate|unrelated|other)\s+(?:attack|incident|shooting|bombing|explosion|blast|"
    r"ambush|raid|strike|clash|killing|assault)|in\s+another\s+(?:attack|incident|shooting|bombing|explosion|blast|ambush|raid|"
    r"strike|clash))\b|^\W*(?:separately|(?:(?:a|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|several|\d+)\s+)?"
    r"(?:days?|weeks?|nights?)\s+(?:earlier|before)|the\s+(?:previous|preceding)\s+(?:day|night|week|weekend))\b",
    re.IGNORECASE,
)
# A sentence opening with a day and a place ("On Sunday in X, ...", "On 12 March, in X, ..."), not with what followed.
_OPENING = 40  # characters
_FOLLOWED = re.compile(r"\b(?:died|dies|succumbed|hospital|arrested|charged|funeral|buried|vigil|mourn\w*|gathered)\b", re.IGNORECASE)
_SETTLEMENTS = (PlacePrecision.EXACT, PlacePrecision.VILLAGE, PlacePrecision.TOWN, PlacePrecision.MUNICIPALITY)
_ELSEWHERE_KM = 10.0  # a town this far from the incident's place is another place (the multisource scorer's radius)


def _earlier_elsewhere(doc: Document, sent: SentenceEvent, main_day: date | None, place: Place | None) -> str | None:
    """The day of a sentence that tells an event on an earlier day of its own in another town than the
    incident's ("On Sunday in X, gunmen killed nine herders"), or None."""
    own = doc.text[sent.start : sent.end]
    if main_day is None or place is None or _refers_back(own) or _FOLLOWED.search(own):
        return None
    earlier = [ref for ref in sent.times if (day := _day(ref)) is not None and day < main_day and ref.start < sent.start + _OPENING]
    violent = [sent.start + t.start for t in sent.triggers if t.violent]
    if not earlier or not violent:
        return None
    for other in doc.places:
        if not sent.start <= other.start < min(violent) or other.precision not in _SETTLEMENTS or other.name == place.name:
            continue
        if not _LOCATION_CUE.search(doc.text[max(0, other.start - 40) : other.start]):
            continue
        if None in (other.lat, other.lon, place.lat, place.lon) or _km(other, place) > _ELSEWHERE_KM:
            return earlier[0].value or earlier[0].text
    return None


def _km(a: Place, b: Place) -> float:
    from .geocode import haversine_km

    return haversine_km(a.lat or 0.0, a.lon or 0.0, b.lat or 0.0, b.lon or 0.0)


def _retold_elsewhere(doc: Document, sentences: Sequence[SentenceEvent], main_day: date | None) -> None:
    """Make background the main sentences that tell another event: opened by a word of another event
    (:data:`_OTHER_EVENT`), or on an earlier day in another town (:func:`_earlier_elsewhere`); the sentences
    after one in its paragraph that carry no day and do not name the incident continue it. The first main
    sentence stays the incident's."""
    main = [s for s in sentences if s.role == "main"]
    if len(main) < 2:
        return
    place = _incident_place(doc.text, doc.places, [(s.start, s.background_from or s.end) for s in main], doc.places)
    text = doc.text
    current: tuple[int, str] | None = None  # (paragraph, anchor) of the other event being told
    for sent in main[1:]:
        own = text[sent.start : sent.end]
        cue = _OTHER_EVENT.search(own)
        anchor = " ".join(cue.group(0).lower().split()) if cue else _earlier_elsewhere(doc, sent, main_day, place)
        if anchor is None:
            if current is not None and current[0] == sent.paragraph and not sent.times and not _refers_back(own):
                sent.role, sent.anchor = "background", current[1]
            else:
                current = None
            continue
        # "The attack came days after a bomb killed seven in X": only the part from the cue on is another event.
        told_after = cue is not None and sent.background_from is None and _refers_back(own[: cue.start()])
        if cue is not None and told_after and any(t.violent and t.end <= cue.start() for t in sent.triggers):
            sent.background_from, sent.anchor = sent.start + cue.start(), anchor
            current = (sent.paragraph, anchor)
            continue
        sent.role, sent.anchor, sent.background_from = "background", anchor, None
        current = (sent.paragraph, anchor)


@lru_cache(maxsize=1)
def _not_incident_words() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str]]:
    """The accident and weapon words and the reaction categories of ``event_taxonomy.json``'s ``not_incidents``."""
    lex = load_lexicon("event_taxonomy.json")["not_incidents"]
    accident, weapons = (
        re.compile(r"\b(?:" + trie_pattern(sorted({w.lower() for w in lex[key]})) + r")\b", re.IGNORECASE)
        for key in ("accident", "weapons")
    )
    return accident, weapons, frozenset(lex["reaction"])


def _not_an_incident(text: str, main: Sequence[SentenceEvent]) -> str | None:
    """Why a report's violent sentences tell no incident of their own, or None: an ``accident`` (deaths
    only, the first told with an accident word and no weapon named: "six killed as a coach collides with a
    tanker") or a ``reaction`` to several attacks (every violent sentence states a reaction first:
    "condemned the attacks that hit X on 21 March and Y on 25 March")."""
    accident, weapons, reaction = _not_incident_words()
    violent = [s for s in main if s.violent]
    kinds = {t.category for s in violent for t in s.triggers if t.violent}
    told_as_accident = kinds <= {"killing"} and accident.search(text, violent[0].start, violent[0].end) is not None
    if told_as_accident and not any(weapons.search(text, s.start, s.end) for s in main):
        return "accident"
    several = False
    for sent in violent:
        first = min(t.start for t in sent.triggers if t.violent)
        if not any(t.category in reaction and t.start < first for t in sent.triggers):
            return None
        plural = any(t.violent and t.trigger.lower().endswith("s") and not t.trigger.lower().endswith("ss") for t in sent.triggers)
        days = {t.value[:10] for t in sent.times if t.value and t.precision in (DatePrecision.DAY, DatePrecision.HOUR)}
        several = several or plural or len(days) >= 3
    return "reaction" if several else None


@stage(
    "events.rules.v1",
    slot="events",
    requires=("text", "entities", "places", "times"),
    assigns=("incidents",),
    section="events",
)
def find_incidents(doc: Document, cfg: EventsSettings) -> Document:
    """Find the report's main incident and the background events it retells (``incidents``)."""
    if doc.analysis:
        return doc
    sentences = read_sentences(doc)
    roles = _Roles(doc, sentences, cfg)
    roles.decide()
    _retold_elsewhere(doc, sentences, roles.main_day)
    main = [s for s in sentences if s.role == "main"]
    if not any(s.violent for s in main):
        _promote_retold(sentences)
        main = [s for s in sentences if s.role == "main"]
    incidents: list[IncidentMention] = []
    if any(s.violent for s in main) and (reason := _not_an_incident(doc.text, main)) is not None:
        logger.debug("%s: no main incident (%s)", doc.doc_id, reason)
        main = []
    if any(s.violent for s in main):
        mention = _mention(doc, 0, "main", main, None, roles.main_ref)
        if mention is not None:
            incidents.append(mention)
    groups: dict[str, list[SentenceEvent]] = {}
    for sent in sentences:
        if sent.role == "background" or (sent.role == "main" and sent.background_from is not None):
            groups.setdefault(sent.anchor or "", []).append(sent)
    for anchor, members in groups.items():
        mention = _mention(doc, len(incidents), "background", members, anchor or None, None)
        if mention is not None:
            incidents.append(mention)
    return doc.model_copy(update={"incidents": tuple(incidents)})
