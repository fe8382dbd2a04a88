"""Casualty and detention claims: who was killed, injured, arrested, ... how many, according to whom.

Each claim is one figure as one sentence states it, for one victim group, with the source it is
attributed to. Claims are read by general patterns of English news (``resources/lexicons/casualties.json``):

- victims before the figure: "three Serbs were killed", "two more were seriously injured",
  "another was injured", "one of them died", "no one was killed" (an explicit 0), "two injured officers";
- the figure before its victims: "police killed three attackers" (the attackers are the victims, not
  the police), "killing one officer and injuring another", "left 3 dead", "resulting in the death of";
- tolls: "the death toll rose to 5" (marked ``supersedes``: it replaces earlier figures of the report).

Partial figures are not double counted: "two received bullet wounds ... one of them died" gives
1 killed and 1 injured; "four people were shot, one fatally" gives 1 killed and 3 injured. Two
different figures for the same thing stay two claims. Each claim goes to the incident mention whose
sentences hold it (a background event keeps its own figures); a claim in no incident's sentence goes
to the main incident unless its paragraph retells a background event.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise
from typing import Any

from ..lexicons import load_lexicon, trie_pattern
from ..model import CasualtyClaim, Document, Entity, IncidentMention
from ..numbers import COUNT_PATTERN, Count, parse_count
from ..registry import stage
from ..settings import CasualtiesSettings
from ..textspans import sentence_spans

__all__ = ["RawClaim", "find_claims", "extract_casualties"]

FIGURES = ("killed", "injured", "arrested", "abducted", "missing", "surrounded")
GROUPS = ("security_forces", "attackers", "civilians", "unknown")


@dataclass(slots=True)
class RawClaim:
    """A claim while it is being read; frozen into a CasualtyClaim at the end."""

    figure: str
    group: str
    count: Count
    start: int
    end: int
    sentence: tuple[int, int]
    attributed_to: str = "outlet"
    supersedes: bool = False
    additive: bool = False  # "two more", "another": counts on top of an earlier figure
    of_previous: bool = False  # "one of them died": part of an earlier figure
    implicit: bool = False  # one victim named, not counted ("he was shot", "the girl was wounded")
    later: bool = False  # "one of them later died": a death on top of those counted before
    self_claim: bool = False  # a toll the perpetrators claim for their own attack ("we killed 12 soldiers")
    bare: bool = False  # a count with no victim noun ("... and 11 wounded"): the victims of the figure before it
    wounded: bool = False  # a hit told with a wound that is no death: "shot in the leg", "shot and taken to hospital"
    notes: list[str] = field(default_factory=list)


def _words(items: Sequence[str]) -> str:
    """An alternation of phrases, longest first, spaces matching any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(items), key=len, reverse=True))


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    return load_lexicon("casualties.json")


@lru_cache(maxsize=1)
def _group_of_noun() -> dict[str, str]:
    lex = _lexicon()
    table = {noun: group for group, nouns in lex["groups"].items() for noun in nouns}
    table.update(dict.fromkeys(lex["generic"], "generic"))
    return table


_ADVERB = r"(?:(?:\w+ly|also|later|then|reportedly|allegedly|subsequently|eventually|all|both|each|too|now|still|again|initially)\s+)"
_AUX = r"(?:(?:who\s+|that\s+|which\s+)?(?:were|was|are|is|have\s+been|has\s+been|had\s+been|got|get|remain|remains|remained|being|been|have|has|had|will\s+be)\s+)"
# A word of a victim noun phrase: not a preposition, determiner or verb-like function word, so the phrase
# cannot run across a clause ("a result of the shootout, two employees" is not one phrase).
_NP_STOP = (
    "of|in|at|on|from|to|with|by|for|the|a|an|that|this|these|those|who|which|were|was|is|are|be|been|had|has|"
    "have|said|says|as|after|before|when|while|during|result|than|into|near|since|but|if|his|her|their|its|not"
)
# A comma before "and" or "including" closes the phrase: "21 dead, including six children, and 44 wounded" has
# two figures, not "six children, and 44" wounded.
_NP_WORD = rf"(?:(?!(?:{_NP_STOP})\b)[\w’'-]+(?:,(?!\s*(?:and|or|including|among|while|but)\b))?\s+)"


_LIST_DET = r"(?:a|an|the|one|two|three|four|five|six|seven|eight|nine|ten|\d+|his|her|their|both|its)"
_LIST_ITEM = (
    rf"(?:{_LIST_DET}\s+){{0,2}}(?:(?:\d+-year-old|young|little|teenage|elderly|adult|infant|local|unidentified|(?-i:[A-Z][a-z]+))\s+){{0,2}}"
    r"(?!(?:were|was|are|is|have|has|had|been|being|who|and)\b)(?:[a-z-]+)"
)


def _list_count(items: str) -> int | None:
    """People in a coordinated list of victims ('three children and two adults' -> 5), or None when an item
    is not a person noun the group lexicon knows."""
    from ..numbers import number_value

    parts = [p.strip() for p in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", items) if p.strip()]
    if len(parts) < 2 or not re.search(r"(?i)\band\b", items):
        return None  # "According to the mother, the girl is ...": a comma alone joins no list
    table = _group_of_noun()
    total = 0
    for part in parts:
        words = part.split()
        head = words[-1].lower()
        if head == "couple":
            total += 2
            continue
        if head not in table and not _is_age(head):
            return None
        numbers = [number_value(w) for w in words[:-1]]
        value = next((n for n in numbers if n), None)
        total += value if value else (1 if not head.endswith("s") or head in ("boss",) else 2)
    return total


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    lex = _lexicon()
    figures = lex["figures"]
    after = {fig: _words(spec["after"]) for fig, spec in figures.items() if spec["after"]}
    before = {fig: _words(spec["before"]) for fig, spec in figures.items() if spec["before"]}
    fig_after = "|".join(f"(?P<a_{fig}>{words})" for fig, words in after.items())
    fig_before = "|".join(f"(?P<b_{fig}>{words})" for fig, words in before.items())
    count = COUNT_PATTERN
    victims = (
        rf"(?P<count>{count})\s+(?:(?P<more>more|other|others|additional|further)\s+)?"
        rf"(?:(?P<of>of\s+(?:the|them|whom|those|these|its|their)(?:,\s+(?P<appos>(?:an?|the)\s+[\w’'-]+(?:\s+[\w’'-]+)?),)?\s+)|of\s+)?"
        rf"(?P<np>{_NP_WORD}{{0,6}}?)(?P<pp>of\s+(?:the\s+)?{_NP_WORD}{{1,3}}?)?"
    )
    return {
        # "three Serbs were killed", "one of them died", "two more were seriously injured"
        "subject": re.compile(
            rf"\b{victims}(?P<rel>(?<=\s)(?:who|that)\s+(?:(?!\b(?:said|says|told|and|but|when|after)\b)[^,.;]){{3,90}}?\s+)?"
            rf"(?P<aux>{_AUX}?{_ADVERB}*)(?P<fig>{fig_after})\b(?!-)",
            re.IGNORECASE,
        ),
        # "Ten people – seven civilians and three soldiers – were killed", "six people, including two soldiers, died"
        "apposed": re.compile(
            rf"\b(?P<count>{count})\s+(?P<np>(?:[\w’'-]+\s+){{0,3}}?[\w’'-]+)"
            rf"(?P<open>\s+[–—-]\s+|\s*\(\s*|,\s*(?:including|among\s+them|among\s+whom)\s+)"
            rf"(?P<list>[^–—(),;.]{{3,80}}?)(?P<close>\s+[–—-]\s+|\s*\)\s*|,\s*)"
            rf"(?P<aux>{_AUX}?{_ADVERB}*)(?P<fig>{fig_after})\b(?!-)",
            re.IGNORECASE,
        ),
        # "One of the two policemen wounded in the attack ... succumbed to his injuries"
        "wounded_died": re.compile(
            rf"\b(?P<count>{count})\s+of\s+the\s+(?P<whole>[\w-]+)\s+(?P<np>(?:[\w’'-]+\s+){{0,3}}?)(?:wounded|injured|hurt)\b"
            r"(?:(?!\b(?:said|says|told|that)\b)[^.;]){0,160}?\b(?:later\s+|subsequently\s+|eventually\s+)?"
            r"(?:succumbed|died|passed\s+away|was\s+pronounced\s+dead)\b",
            re.IGNORECASE,
        ),
        # "three children and two adults were found dead", "a mother, father, and toddler were killed"
        "listed": re.compile(
            rf"(?P<list>(?:{_LIST_ITEM}(?:\s*,\s*(?:and\s+)?|\s+and\s+)){{1,5}}{_LIST_ITEM})\s+"
            rf"(?P<aux>{_AUX}?{_ADVERB}*)(?P<fig>{fig_after})\b(?!-)",
            re.IGNORECASE,
        ),
        # "he was later pronounced dead", "the victim died", "Matt Smith, 15, died"
        "singular": re.compile(
            rf"(?:(?P<pron>\b(?:he|she)\b)|(?P<the>\b(?:the|his|her|their)\s+(?:(?:\d+-year-old|young|elderly|unidentified|injured|wounded)\s+)?"
            rf"(?P<noun>[a-z][\w-]+))|(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){{0,3}}(?:,\s*\d{{1,3}},(?:\s+of\s+[A-Z][\w\s.]{{1,30}}?,)?)?))\s+"
            rf"(?P<aux>{_AUX}?{_ADVERB}*)(?P<fig>{fig_after})\b(?!-)"
        ),
        # "police killed three attackers", "killing one officer and injuring another"
        "object": re.compile(
            rf"\b(?P<fig>{fig_before})\s+(?P<count>{count})(?:\s+|(?=[.,;:!?)]|$))"
            rf"(?:(?P<more>more|other|others|additional)\s+)?(?:(?P<of>of\s+(?:the|them|their|its)\s+))?"
            rf"(?P<np>(?:[\w’'-]+\s+){{0,5}}?)(?P<tail>[\w’'-]+)?",
            re.IGNORECASE,
        ),
        # "left 3 dead and 5 injured", "leaving two people wounded"
        "left": re.compile(
            rf"\b(?:left|leaving|leave|leaves)\s+(?P<count>{count})\s+(?P<np>(?:[\w’'-]+\s+){{0,3}}?)"
            rf"(?P<fig>dead|injured|wounded|hurt|missing)\b",
            re.IGNORECASE,
        ),
        # "two injured officers", "four dead police" (the adjective before the head noun)
        "adjective": re.compile(
            rf"\b(?P<count>{count})\s+(?P<fig>injured|wounded|dead|slain|detained|arrested|abducted|kidnapped|missing)\s+"
            rf"(?P<np>(?:[\w’'-]+\s+){{0,3}}?)(?P<tail>[\w’'-]+)",
            re.IGNORECASE,
        ),
        # "the death toll rose to 5", "a toll of 12 dead"
        "toll": re.compile(
            rf"\b(?:death\s+)?toll\s+(?:has\s+|had\s+)?(?:(?:now\s+)?(?:rose|risen|rises|climbed|climbs|reached|reaches|"
            rf"increased|jumped|stands|stood|is|was|went\s+up)\s+)?(?:at\s+|to\s+|of\s+)?(?P<count>{count})\b",
            re.IGNORECASE,
        ),
        # "bringing the number of arrested persons to four", "the number of people killed ... has reached 21"
        "number": re.compile(
            r"\b(?:total\s+)?number\s+of\s+(?P<what>(?:(?!\b(?:to|has|have|had|is|was|stands|stood|rose|reached)\b)[^.;,:]){2,90}?)\s+"
            r"(?:has\s+|had\s+|have\s+)?(?:now\s+)?(?:(?:risen|rose|rises|climbed|increased|jumped|gone\s+up|went\s+up)\s+to|"
            rf"reached|reaches|stands\s+at|stood\s+at|to)\s+(?P<count>{count})\b(?:,\s*all\s+(?:of\s+them\s+)?(?P<all>[\w’'-]+))?",
            re.IGNORECASE,
        ),
        # "resulting in the death of a police officer", "the deaths of three soldiers"
        "death_of": re.compile(
            rf"\b(?P<fig>deaths?|killings?|murders?|injur(?:y|ies)|arrests?|detention|abduction|kidnapping)\s+of\s+"
            rf"(?P<count>{count})\s+(?P<np>(?:[\w’'-]+\s+){{0,4}}?)(?P<tail>[\w’'-]+)",
            re.IGNORECASE,
        ),
        # "11 deaths", "twelve fatalities", "three arrests"
        "noun": re.compile(
            rf"\b(?P<count>{count})\s+(?:(?:more|other|confirmed|reported|civilian|military)\s+)?"
            rf"(?P<fig>deaths|fatalities|arrests|detentions|abductions|kidnappings|injuries)\b",
            re.IGNORECASE,
        ),
        # "no casualties", "there were no injuries", "no one was hurt" is a subject form
        "none": re.compile(r"\bno\s+(?:(?:immediate|other|further|reported)\s+)?(?P<fig>casualties|injuries|deaths|fatalities|arrests)\b", re.IGNORECASE),
        # ", one fatally" / ", one critically" after a figure of people shot or injured
        "part": re.compile(
            rf",\s+(?:including\s+)?(?P<count>{count})\s+(?:of\s+them\s+|(?:[\w-]+\s+){{0,2}}?(?:who|that)\s+)?"
            rf"(?P<how>fatally|critically|seriously|mortally|later\s+died|subsequently\s+died|died\s+later|has\s+since\s+died|later\s+succumbed)\b",
            re.IGNORECASE,
        ),
        # "killing Austin", "fatally shot John Smith": the figure verb right before a person's name
        "before_name": re.compile(rf"\b(?P<fig>{fig_before})\s+$", re.IGNORECASE),
        # Any figure word after the victims ("killed", "were injured") at all: a sentence without one cannot match
        # "subject", "listed" or "singular", whose scans were half the stage's time (a trie: 100x cheaper).
        "fig_gate": re.compile(
            trie_pattern([w for spec in figures.values() if spec["after"] for w in spec["after"]], prefixes=True),
            re.IGNORECASE,
        ),
    }


_NOT_VICTIMS = re.compile(
    r"^(?:times|rounds|shots|bullets|cartridges|casings|years?|months?|weeks?|days?|hours?|minutes?|miles?|km|"
    r"kilometers?|meters?|feet|blocks?|houses?|homes?|vehicles?|cars?|trucks?|buildings?|percent|%|"
    r"a\.m|p\.m|am|pm|o['’]clock|dollars?|rifles?|guns?|weapons?|grenades?)\b",
    re.IGNORECASE,
)
_NUMBER_FIGURE = re.compile(r"\b(?:killed|dead|deaths|died|fatalities|injured|wounded|injuries|arrested|arrests|detained|abducted|kidnapped)\b", re.IGNORECASE)
_MORE_NP = re.compile(rf"(?:\s+(?!(?:{_NP_STOP})\b)[\w’'-]+){{1,2}}", re.IGNORECASE)
_NAMED_GROUPS = ("security_forces", "attackers", "civilians")
# One more victim after a singular one, in the same phrase: "... of a woman and her 4-year-old daughter".
_PAIRED_VICTIM = re.compile(
    r"(?:[ \w’'-]{0,40}?)\s+and\s+(?:his|her|their)\s+(?:(?:\d+-year-old|young|infant|teenage|little)\s+)?(?P<noun>[a-z-]+)\b"
)
# Between a figure and a bare count that shares its victims: a few words of the same clause, then "and".
_SHARED_VICTIMS = re.compile(r"[^\d.;:()–—]{0,40}?(?:,\s*|\s+)and\s+")
_LEADING_COUNT = re.compile(rf"^\s*(?:{COUNT_PATTERN})\s+", re.IGNORECASE)
_AGE = re.compile(r"^\s*-?\s*(?:year|month|week|day)s?[- ]old|^\s*(?:years?|yrs?)\b", re.IGNORECASE)


def _head_group(np: str, tail: str = "") -> tuple[str | None, str]:
    """The victim group of a noun phrase by its head noun ('police officer' -> security_forces), or None."""
    words = [w.strip(",’'") for w in (np + " " + tail).split() if w.strip(",’'")]
    table = _group_of_noun()
    for size in (3, 2, 1):
        for index in range(len(words) - size, -1, -1):
            phrase = " ".join(words[index : index + size]).lower()
            if phrase in table:
                return table[phrase], " ".join(words[: index + size])
    if words and _is_age(words[-1]):
        return "civilians", " ".join(words)
    return None, " ".join(words)


def _is_age(word: str) -> bool:
    """'17-year-old', '3-month-old': a person named by their age."""
    return re.fullmatch(r"\d{1,3}-(?:year|month|week|day)s?-old", word.lower()) is not None


@lru_cache(maxsize=1)
def _security_agent() -> re.Pattern[str]:
    agents = _words(_lexicon()["security_agents"])
    return re.compile(rf"\b(?:{agents})\b", re.IGNORECASE)


# Stems that every claim pattern needs (a figure word, a toll, a count of people shot, ...).
_ANY_FIGURE = re.compile(
    r"\b(?:kill|dead|death|die|dying|fatal|murder|slain|perish|li(?:fe|ves)|injur|wound|hurt|hospital|condition|shot|shoot|"
    r"gunfire|bullet|arrest|detain|detention|custody|apprehend|captur|charged|booked|abduct|kidnap|hostage|seiz|captive|"
    r"missing|unaccounted|disappear|surround|besieg|trap|encircl|corner|toll|casualt|bod(?:y|ies)|martyr|neutrali|eliminat|"
    r"execut|behead|massacr|gunned|recover|surgery|treated|succumb|prisoner|rounded|stab|beat|burn|strangl)",
    re.IGNORECASE,
)

# A claim of responsibility that boasts of a toll: the group's own figure, not one to count.
_SELF_CLAIM = re.compile(
    r"\b(?:claimed\s+responsibility|claiming\s+responsibility|claimed\s+(?:the\s+)?(?:attack|bombing|ambush)|"
    r"in\s+a\s+(?:statement|claim)\s+(?:of\s+responsibility|posted|published\s+on\s+its)|"
    r"(?:militants|insurgents|rebels|jihadists|the\s+group)\s+(?:said|claimed|boasted)\s+(?:on\s+\w+\s+)?that\s+(?:they|it)\s+had|"
    # "saying its fighters had killed 17", "the group claimed to have killed 12 policemen"
    r"(?:saying|said|claimed|boasted)\s+(?:that\s+)?(?:its|their)\s+(?:fighters|militants|mujahideen|men)\s+had|"
    r"(?:militants|insurgents|rebels|jihadists|group)\s+claimed\s+to\s+have)\b",
    re.IGNORECASE,
)
# A figure over a period or over several incidents: "so far this year", "in one week", "in shootings
# across the city", "following several separate shootings" (shared/eval/incidents: city-wide totals
# of 74, 131 and 3,290 read as one shooting's injured).
_STATISTIC = re.compile(
    r"\b(?:so\s+far\s+(?:this|in)\s+(?:year|month|\d{4})|(?:since|from)\s+(?:January|the\s+(?:start|beginning)\s+of\s+the\s+year)|"
    r"this\s+year|in\s+(?:one|a\s+single|the\s+(?:past|last))\s+(?:week|month|year)|"
    r"(?:those|these|separate|several|other|multiple)\s+(?:separate\s+)?shootings|shootings\s+across|in\s+shootings)\b",
    re.IGNORECASE,
)
_CONJOINED = re.compile(
    r"^\s*(?:,\s*)?and\s+(?:(?P<det>a|an|the|his|her|their|one|two|three|\d+)\s+)?(?:(?:\d+-year-old|young|little|teenage)\s+)?"
    r"(?P<noun>[a-z-]+)\b",
    re.IGNORECASE,
)
# After "was shot": a limb, or a hospital the victim was taken to (a report with no death at all).
_WOUND_AFTER = re.compile(
    r"^\s+(?:once\s+|twice\s+)?in\s+(?:the|his|her)\s+(?:left\s+|right\s+|upper\s+|lower\s+)?"
    r"(?:arm|leg|foot|feet|hand|shoulder|hip|thigh|ankle|knee|buttocks?|wrist|finger|calf|elbow|toe)s?\b|"
    r"^[^.;]{0,60}?\b(?:and|before\s+being|was)\s+(?:taken|transported|rushed|driven)\s+to\s+(?:a|an|the)?\s*(?:[\w’'.-]+\s+){0,4}?(?:hospital|medical\s+center)\b",
    re.IGNORECASE,
)
_LATER_DIED = re.compile(
    r"^[^.;,]{0,60}?\b(?:and|but)\s+(?:later\s+|then\s+|subsequently\s+|eventually\s+)?"
    r"(?:died|was\s+pronounced\s+dead|was\s+killed|succumbed)\b",
    re.IGNORECASE,
)
_BY_AGENT = re.compile(r"^\s*(?:\w+\s+){0,3}?by\s+(?:the\s+|our\s+|a\s+)?(?:\w+\s+){0,2}?(?P<agent>\w+(?:\s+\w+)?)", re.IGNORECASE)
_OPERATION = re.compile(r"\b(?:police|security|military|army|counter-terror(?:ism|ist)?)\s+(?:operation|raid|offensive|assault)\b", re.IGNORECASE)


def _by_security(sentence: str) -> bool:
    match = _BY_AGENT.match(sentence)
    return bool(match and _security_agent().search(match.group(0)))


def _subject_is_security(before: str) -> bool:
    """Whether a security force is the subject right before an active figure verb ("police killed",
    "troops shot and killed"); "police charged the man suspected of killing" is not one."""
    clause = re.split(r"[,;:]|\b(?:and|but|while|when|after|as|of|who|that)\b", before)[-1]
    words = clause.split()[-4:]
    return bool(_security_agent().search(" ".join(words)))


class _Reader:
    """Reads the claims of one text, sentence by sentence, remembering the last group and attribution."""

    def __init__(self, text: str, entities: Sequence[Entity], sentences: Sequence[tuple[int, int]]) -> None:
        self.text = text
        self.entities = sorted(entities, key=lambda e: e.start)
        self.entity_starts = [e.start for e in self.entities]
        self.sentences = sentences
        self.claims: list[RawClaim] = []
        self.last_source: str | None = None

    def run(self) -> list[RawClaim]:
        paragraph_source: str | None = None
        # One scan of the whole text for the stems every claim needs: 9 in 10 sentences have none, and
        # are read only for an "According to X" that attributes what follows.
        stems = [m.start() for m in _ANY_FIGURE.finditer(self.text)]
        for index, (start, end) in enumerate(self.sentences):
            if index == 0 or "\n" in self.text[self.sentences[index - 1][1] : start]:
                paragraph_source = None
            sentence = self.text[start:end]
            has_stem = bisect_right(stems, end - 1) > bisect_right(stems, start - 1)
            if not has_stem and "ccording to" not in sentence:
                continue
            source = self._attribution(start, end)
            if source is None:
                source = paragraph_source
            elif sentence.lower().startswith("according to"):
                paragraph_source = source
            if source is not None:
                self.last_source = source
            if not has_stem:
                continue
            before = len(self.claims)
            self._read_sentence(start, end)
            if _STATISTIC.search(sentence):
                del self.claims[before:]  # a period's or a city's total, not this incident's figure
            self_claim = bool(_SELF_CLAIM.search(sentence)) if len(self.claims) > before else False
            for claim in self.claims[before:]:
                claim.attributed_to = source or "outlet"
                # A state's claim of the enemy's losses ("the army said its men had killed 20 militants") is kept.
                claim.self_claim = self_claim and claim.figure == "killed" and claim.group != "attackers"
        return self.claims

    # -- attribution -------------------------------------------------------------------------------------

    _ACCORDING = re.compile(r"\baccording\s+to\s+(?:a\s+statement\s+(?:from|by)\s+)?(?:the\s+)?(?P<who>[^,.;]{2,80})", re.IGNORECASE)
    _SAID = re.compile(
        r"(?:^|,\s*|\.\s*)(?P<who>(?:the\s+)?[\w’'.-]+(?:\s+[\w’'.-]+){0,5}?)\s+(?:also\s+)?"
        r"(?:said|says|told|reported|reports|added|announced|stated|confirmed|wrote|claimed|declared|specified|indicated)\b",
        re.IGNORECASE,
    )

    def _attribution(self, start: int, end: int) -> str | None:
        sentence = self.text[start:end]
        match = self._ACCORDING.search(sentence)
        if match is None:
            match = self._SAID.search(sentence)
        if match is None:
            return None
        who_start, who_end = start + match.start("who"), start + match.end("who")
        rank = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}
        named = sorted((e for e in self._entities_in(who_start, who_end) if e.label in rank), key=lambda e: rank[e.label])
        if named:
            return named[0].canonical
        who = " ".join(match.group("who").split())
        if re.match(r"(?i)(?:the\s+)?same\b", who):
            return self.last_source or who
        if who.lower() in ("he", "she", "it"):
            person = self._last_person_before(start)
            return person or who
        if re.match(r"(?i)(?:the\s+)?(?:head of state|president|prime minister|minister|premier|chief|governor|mayor|spokes\w+)\b", who):
            person = self._last_person_before(start)
            return person or who
        return who

    def _entities_in(self, start: int, end: int) -> list[Entity]:
        index = bisect_right(self.entity_starts, end)
        return [e for e in self.entities[max(0, index - 40) : index] if e.start < end and start < e.end]

    def _last_person_before(self, pos: int) -> str | None:
        index = bisect_right(self.entity_starts, pos)
        for entity in reversed(self.entities[:index]):
            if entity.label == "PERSON":
                return entity.canonical
        return None

    # -- claims ------------------------------------------------------------------------------------------

    def _read_sentence(self, s_start: int, s_end: int) -> None:
        sentence = self.text[s_start:s_end]
        pats = _patterns()
        has_fig_after = pats["fig_gate"].search(sentence) is not None
        taken: list[tuple[int, int]] = []
        found: list[RawClaim] = []

        def overlaps(a: int, b: int) -> bool:
            return any(a < y and x < b for x, y in taken)

        def add(claim: RawClaim | None, a: int, b: int) -> None:
            if claim is not None and not overlaps(a, b):
                taken.append((a, b))
                found.append(claim)

        for match in pats["toll"].finditer(sentence):
            count = parse_count(match)
            if count is not None and not _not_victims(sentence, match.end()):
                group, _ = _head_group(" ".join(sentence[match.end() :].split()[:3]))
                claim = self._claim("killed", group if group not in (None, "generic") else "unknown", count, s_start, match, (s_start, s_end))
                claim.supersedes = bool(re.search(r"(?i)rose|risen|rises|climbed|climbs|increased|jumped|went up|now", match.group(0)))
                add(claim, match.start(), match.end())
        for match in pats["number"].finditer(sentence):
            add(self._number_claim(match, s_start, s_end), match.start(), match.end())
        for match in pats["object"].finditer(sentence):
            add(self._object_claim(match, sentence, s_start, s_end), match.start(), match.end())
        for match in pats["left"].finditer(sentence):
            fig = {"dead": "killed", "wounded": "injured", "hurt": "injured"}.get(match.group("fig").lower(), match.group("fig").lower())
            add(self._np_claim(fig, match, sentence, s_start, s_end, match.group("np"), ""), match.start(), match.end())
        for match in pats["death_of"].finditer(sentence):
            fig = _noun_figure(match.group("fig"))
            claim = self._np_claim(fig, match, sentence, s_start, s_end, match.group("np"), match.group("tail"))
            pair = _PAIRED_VICTIM.match(sentence, match.end())
            if claim is not None and claim.count.value == 1 and pair and pair.group("noun").lower() in _group_of_noun():
                claim.count = replace(claim.count, value=2)  # "the murders of a 26-year-old woman and her daughter"
            add(claim, match.start(), match.end())
        for match in pats["adjective"].finditer(sentence):
            fig = _noun_figure(match.group("fig"))
            group, _ = _head_group(match.group("np"), match.group("tail"))
            if group is None:
                continue
            add(self._np_claim(fig, match, sentence, s_start, s_end, match.group("np"), match.group("tail")), match.start(), match.end())
        for name, read in (("wounded_died", self._wounded_died), ("apposed", self._apposed_claims)):
            for match in pats[name].finditer(sentence) if has_fig_after else ():
                several = read(match, sentence, s_start, s_end) if not overlaps(match.start(), match.end()) else []
                if several:
                    taken.append((match.start(), match.end()))
                    found.extend(several)
        for match in pats["listed"].finditer(sentence) if has_fig_after else ():
            total = _list_count(match.group("list"))
            if total:
                fig = next(name[2:] for name, value in match.groupdict().items() if name.startswith("a_") and value)
                if fig in ("shot", "injured") and _LATER_DIED.match(sentence[match.end() :]):
                    fig = "killed"
                add(RawClaim(fig, "unknown", Count(value=total), s_start + match.start(), s_start + match.end(), (s_start, s_end)),
                    match.start(), match.end())
        for match in pats["subject"].finditer(sentence) if has_fig_after else ():
            add(self._subject_claim(match, sentence, s_start, s_end), match.start(), match.end())
        for match in pats["singular"].finditer(sentence) if has_fig_after else ():
            add(self._singular_claim(match, sentence, s_start, s_end), match.start(), match.end())
        for entity in self._entities_in(s_start, s_end):
            if entity.label != "PERSON" or entity.start < s_start:
                continue
            match = pats["before_name"].search(self.text, max(s_start, entity.start - 40), entity.start)
            if match is None:
                continue
            fig = next(name[2:] for name, value in match.groupdict().items() if name.startswith("b_") and value)
            if fig in ("injured", "shot") and re.search(r"(?i)\b(?:fatally|mortally)\s+$", self.text[max(s_start, match.start() - 12) : match.start()]):
                fig = "killed"  # "fatally injuring Maleki Parker"
            if fig in ("killed", "injured", "shot", "abducted"):
                total, end = 1, entity.end
                for other in self._entities_in(entity.end, s_end):
                    gap = self.text[end : other.start]
                    if other.label == "PERSON" and other.start >= end and re.fullmatch(r",?\s+(?:and\s+)?(?:(?:his|her)\s+\w+,?\s+)?(?:\d+-year-old\s+)?", gap):
                        total, end = total + 1, other.end
                claim = RawClaim(fig, "unknown", Count(value=total), match.start(), end, (s_start, s_end))
                add(claim, match.start() - s_start, end - s_start)
        for match in pats["noun"].finditer(sentence):
            add(self._np_claim(_noun_figure(match.group("fig")), match, sentence, s_start, s_end, "", ""), match.start(), match.end())
        for match in pats["none"].finditer(sentence):
            figs = {"casualties": ("killed", "injured"), "injuries": ("injured",), "deaths": ("killed",),
                    "fatalities": ("killed",), "arrests": ("arrested",)}[match.group("fig").lower()]
            if not overlaps(match.start(), match.end()):
                taken.append((match.start(), match.end()))
                found.extend(self._claim(fig, "unknown", Count(value=0), s_start, match, (s_start, s_end)) for fig in figs)
        found.sort(key=lambda c: c.start)
        for previous, claim in pairwise(found):
            if claim.group != "unknown" or previous.group not in _NAMED_GROUPS:
                continue
            if sum(c.start == previous.start for c in found) > 1:
                continue  # the last group of an apposition ("ten people – seven civilians and three soldiers –")
            # "26 civilians killed and 11 wounded": the wounded are civilians too.
            if claim.bare and previous.figure != claim.figure and _SHARED_VICTIMS.fullmatch(self.text, previous.end, claim.start):
                claim.group = previous.group
            # "two more suspects were arrested, bringing the number of arrested persons to four": four suspects.
            if claim.supersedes and previous.figure == claim.figure:
                claim.group = previous.group
        for claim in found:
            self._settle_group(claim)
            self.claims.append(claim)
        for match in pats["part"].finditer(sentence):
            self._part_claim(match, s_start, s_end)

    def _claim(self, figure: str, group: str, count: Count, offset: int, match: re.Match[str], sent: tuple[int, int]) -> RawClaim:
        return RawClaim(figure, group, count, offset + match.start(), offset + match.end(), sent)

    def _number_claim(self, match: re.Match[str], s_start: int, s_end: int) -> RawClaim | None:
        """A running total ("the number of people killed ... has reached 21, all of them civilians"): it supersedes
        the report's partial figures; its victims are the words around the figure word."""
        count = parse_count(match)
        what = match.group("what")
        word = _NUMBER_FIGURE.search(what)
        if count is None or word is None:
            return None
        victims = what[: word.start()] + " " + re.split(r"\s(?:in|at|on|during|since|after|of|by)\s", what[word.end() :] + " ")[0]
        group, _ = _head_group(match.group("all") or "")
        if group in (None, "generic", "unknown"):
            group, _ = _head_group(victims)
        claim = RawClaim(_noun_figure(word.group(0)), group if group not in (None, "generic") else "unknown", count,
                         s_start + match.start(), s_start + match.end(), (s_start, s_end))
        claim.supersedes = True
        return claim

    def _wounded_died(self, match: re.Match[str], sentence: str, s_start: int, s_end: int) -> list[RawClaim]:
        """"One of the two policemen wounded ... succumbed": two injured, one of whom died."""
        from ..numbers import number_value

        count, whole = parse_count(match), number_value(match.group("whole"))
        group, _ = _head_group(match.group("np"))
        if count is None or not count.value or not whole or whole < count.value or group in (None, "generic"):
            return []
        span = (s_start + match.start(), s_start + match.end())
        died = RawClaim("killed", group, count, span[0] + 1, span[1], (s_start, s_end))
        died.of_previous = died.later = True
        return [RawClaim("injured", group, Count(value=whole), span[0], span[0] + 1, (s_start, s_end)), died]

    def _apposed_claims(self, match: re.Match[str], sentence: str, s_start: int, s_end: int) -> list[RawClaim]:
        """The total before an apposition and each victim group inside it ("Ten people – seven civilians and
        three soldiers – were killed": 10, 7 civilians, 3 security forces; "six people, including two
        soldiers": 6 and 2 security forces, the other four left without a group)."""
        count = parse_count(match)
        np = match.group("np")
        if count is None or _NOT_VICTIMS.match(np) or _AGE.match(sentence[match.end("count") :]):
            return []
        group, _ = _head_group(np)
        if group is None and not _is_people_word(np, s_start + match.start("np"), self.entities):
            return []
        fig = next(name[2:] for name, value in match.groupdict().items() if name.startswith("a_") and value)
        if fig in ("shot", "injured") and _LATER_DIED.match(sentence[match.end() :]):
            fig = "killed"
        span = (s_start + match.start(), s_start + match.end())
        total = group if group not in (None, "generic") else "unknown"
        claims = [RawClaim(fig, total, count, *span, (s_start, s_end))]
        for item in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", match.group("list").strip()):
            head = _LEADING_COUNT.match(item)
            part = parse_count(head) if head else None
            part_group, _ = _head_group(item[head.end() :]) if head else (None, "")
            if part is not None and part_group not in (None, "generic", "unknown"):
                claims.append(RawClaim(fig, part_group, part, *span, (s_start, s_end)))
        return claims

    def _subject_claim(self, match: re.Match[str], sentence: str, s_start: int, s_end: int) -> RawClaim | None:
        count = parse_count(match)
        if count is None:
            return None
        fig = next(name[2:] for name, value in match.groupdict().items() if name.startswith("a_") and value)
        np = match.group("np")
        before = sentence[: match.start()]
        after = sentence[match.end() :]
        if _AGE.match(sentence[match.end("count") :]):
            return None
        if _NOT_VICTIMS.match(np.strip()) and _head_group(np)[0] is None:
            return None  # "three times", "two vehicles"; but "a truck driver" is a person
        if re.match(r"\s*-?\s*(?:year|month)s?[- ]old", sentence[match.end("count") :]):
            return None
        if re.search(r"(?i)\b(?:of|than|aged?|ages|No\.|#|Sept?|Oct|Nov|Dec|Jan|Feb|Mar|Apr|Jun|Jul|Aug|"
                     r"January|February|March|April|May|June|July|August|September|October|November|December)\.?\s*$", before) and not match.group("qual"):
            return None  # "a father of two children was shot", "on Sept. 3 died": not the victims' count
        if re.match(r"(?i)(?:was|is|has\s+been)\b", match.group("aux").strip()) and (count.value or 0) > 1 and not np.strip():
            return None  # a plural count with a singular verb is no count of people: "Jamie Clayton, 22 was shot"
        if re.search(r"[A-Z][\w’'-]+,\s*$", before) and (match.group("n") or "").isdigit() and (count.value or 0) < 120 and not np.strip():
            return None  # an age after a name: "Calvin Williams, 24 was shot"
        if re.search(r"[,(]\s*$", before) and re.match(r"\s*,", sentence[match.end("count") :]):
            return None  # an age in apposition: "Smith, 26, was killed"
        single = match.group("single")
        if (match.group("rel") or match.group("pp")) and not np.strip():
            return None
        group, _ = _head_group(np)
        if match.group("pp") and group in (None, "generic"):
            inner, _ = _head_group(match.group("pp"))  # "five members of the special police"
            group = inner if inner not in (None, "generic") else group
        if match.group("appos") and not np.strip():
            group, _ = _head_group(match.group("appos"))  # "one of whom, a woman, died"
        if np.strip() and group is None:
            if not _is_people_word(np, s_start + match.start("np"), self.entities):
                return None
            group = "unknown"
        if single and single.lower() in ("a", "an") and group is None:
            return None  # "a was killed" is no phrase; "a man was killed" has a head noun
        if single and single.lower() == "no" and not np.strip():
            return None
        if not match.group("aux").strip() and re.match(r"\s+(?:\d|a\b|an\b|the\b|his\b|her\b|their\b|one\b|two\b|three\b|several\b)", after, re.IGNORECASE):
            if fig in ("killed", "injured", "shot", "arrested", "abducted", "surrounded"):
                return None  # "3 gunmen killed 5 police": the subject is the perpetrator
        if single and single.lower() in ("a", "an") and match.group("count").lower().strip() in ("a", "an") and np.strip().lower() in ("few",):
            return None
        if fig in ("shot", "injured") and _LATER_DIED.match(after):
            fig = "killed"  # "was shot three times and died at the hospital"
        if re.search(r"(?i)\b(?:fatally|mortally)\b", match.group("aux")):
            fig = "killed"
        if re.match(r"\s*,", sentence[match.end("count") :]) and re.search(r"[A-Z][\w’'-]+,\s*$", before) and (count.value or 0) < 120:
            return None  # an age after a name: "Calvin Williams, 24 was shot"
        number_inside = re.match(r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+\w+", np.strip(), re.IGNORECASE)
        if match.group("of") and number_inside and not match.group("aux").strip():
            # "one of three people shot that night": the three were shot
            from ..numbers import number_value
            whole = number_value(number_inside.group(1))
            if whole:
                count = Count(value=whole)
        implicit = (single or "").lower() in ("a", "an") and not match.group("more")
        claim = RawClaim(fig, group or "unknown", count, s_start + match.start(), s_start + match.end(), (s_start, s_end))
        claim.bare = not np.strip() and not single and not match.group("of") and not match.group("more")
        claim.implicit = implicit
        claim.wounded = implicit and fig == "shot" and _WOUND_AFTER.match(after) is not None
        claim.additive = (
            bool(match.group("more")) or (single or "").lower() == "another" or np.strip().lower() in ("others", "other")
            or re.search(r"(?i)\balso\b", match.group("aux")) is not None
        )
        claim.of_previous = bool(match.group("of")) and (
            re.match(r"(?i)of\s+(?:them|whom|those|these)\b", match.group("of") or "") is not None
            or bool(re.match(r"(?i)(?:\w+\s+){0,2}?(?:wounded|injured)\b", np.strip()))
        ) or (not np.strip() and re.search(r"(?i)\b(?:of|among)\s+(?:whom|them)\s*,?\s*$", before) is not None)  # "of whom one died"
        claim.later = bool(re.search(r"(?i)\b(?:later|subsequently|since)\b", match.group("aux")))
        if claim.additive and group in (None, "unknown") and np.strip().lower() in ("", "others", "other", "people", "persons"):
            claim.group = "same"
        if claim.of_previous and group is None:
            claim.group = "same"
        if group == "generic":
            claim.group = "generic"
        if claim.group in ("unknown", "generic") and (_by_security(after) or _OPERATION.search(sentence)):
            claim.group = "attackers"
        return claim

    def _singular_claim(self, match: re.Match[str], sentence: str, s_start: int, s_end: int) -> RawClaim | None:
        """One victim named by a pronoun, a definite singular noun or a person's name."""
        fig = next(name[2:] for name, value in match.groupdict().items() if name.startswith("a_") and value)
        if fig not in ("killed", "injured", "shot"):
            return None  # "he was arrested" is too often the same suspect counted again; arrests need a number
        group = "unknown"
        if match.group("noun"):
            noun = match.group("noun").lower()
            group = _group_of_noun().get(noun) or ("civilians" if _is_age(noun) else None)
            if group is None or group == "generic" or noun.endswith("s") and noun not in ("boss",):
                return None
        elif match.group("name"):
            start = s_start + match.start("name")
            person = [e for e in self.entities if e.label == "PERSON" and e.start <= start < e.end]
            if not person:
                return None
            group = "unknown"
        after = sentence[match.end() :]
        if not match.group("aux").strip() and re.match(r"\s+(?:\d|a\b|an\b|the\b|his\b|her\b|their\b|him\b|them\b|one\b|two\b)", after, re.IGNORECASE):
            return None  # "he shot a man": the subject is the shooter
        if fig in ("shot", "injured") and _LATER_DIED.match(after):
            fig = "killed"
        if re.search(r"(?i)\b(?:fatally|mortally)\b", match.group("aux")):
            fig = "killed"
        claim = RawClaim(fig, group, Count(value=1), s_start + match.start(), s_start + match.end(), (s_start, s_end))
        claim.implicit = True
        claim.wounded = fig == "shot" and _WOUND_AFTER.match(after) is not None
        claim.additive = bool(re.search(r"(?i)\balso\b", match.group("aux")))
        if group == "unknown" and (_by_security(after) or _OPERATION.search(sentence)):
            claim.group = "attackers"
        return claim

    def _object_claim(self, match: re.Match[str], sentence: str, s_start: int, s_end: int) -> RawClaim | None:
        count = parse_count(match)
        if count is None:
            return None
        fig = next(name[2:] for name, value in match.groupdict().items() if name.startswith("b_") and value)
        np, tail = match.group("np"), match.group("tail") or ""
        if _NOT_VICTIMS.match((np + tail).strip()) or _AGE.match(sentence[match.end("count") :]):
            return None
        group, _ = _head_group(np, tail)
        if group is None and tail:
            # The lazy phrase stops at its first word: "killed 17 apostate soldiers", "killing five young men".
            more = _MORE_NP.match(sentence, match.end())
            if more:
                group, _ = _head_group(np, tail + more.group(0))
        single = (match.group("single") or "").lower()
        if group is None:
            if single in ("a", "an", "no"):
                return None
            if (np + tail).strip() and not _is_people_word((np + tail).split()[0] if (np + tail).split() else "", s_start + match.start("np"), self.entities):
                first = (np + tail).split()[0].lower() if (np + tail).split() else ""
                if first not in ("and", "in", "on", "at", "during", "while", "when", "after", "before", "with", "as", "near", "inside", "outside", "of", "for", "including", "among", "people", "more", "others"):
                    return None
            group = "unknown"
        if fig in ("shot", "injured") and re.match(r"\s*(?:to\s+death|dead)\b", sentence[match.end() :], re.IGNORECASE):
            fig = "killed"  # "shooting three people to death"
        if re.match(r"\s*:\d", sentence[match.end("count") :]):
            return None  # a clock time: "the shooting about 8:30"
        if fig == "killed" and count.value and re.match(r"\s*(?:and|,)\s+(?:then\s+)?(?:himself|herself)\b", sentence[match.end() :]):
            count = replace(count, value=count.value + 1)  # "killed his two children and himself"
        more = _CONJOINED.match(sentence[match.end() :])
        if more and count.value is not None:
            noun = more.group("noun").lower()
            if noun in _group_of_noun() or _is_age(noun):
                from ..numbers import number_value

                extra = number_value(more.group("det")) if more.group("det") else None
                count = replace(count, value=count.value + (extra or 1))  # "shot a man and a 2-year-old boy"
                single = ""
        claim = RawClaim(fig, group, count, s_start + match.start(), s_start + match.end(), (s_start, s_end))
        claim.implicit = single in ("a", "an")
        claim.additive = bool(match.group("more")) or single == "another"
        if claim.additive and group == "unknown":
            claim.group = "same"
        if group == "generic":
            claim.group = "generic"
        if claim.group in ("unknown", "generic") and _subject_is_security(sentence[: match.start()]):
            claim.group = "attackers"
        return claim

    def _np_claim(
        self, fig: str, match: re.Match[str], sentence: str, s_start: int, s_end: int, np: str, tail: str
    ) -> RawClaim | None:
        count = parse_count(match)
        if count is None or fig not in FIGURES:
            return None
        if _NOT_VICTIMS.match((np + " " + tail).strip()):
            return None
        group, _ = _head_group(np, tail)
        if group is None and (np + tail).strip() and (match.group("single") or "").lower() in ("a", "an"):
            return None
        return RawClaim(fig, group or "unknown", count, s_start + match.start(), s_start + match.end(), (s_start, s_end))

    def _part_claim(self, match: re.Match[str], s_start: int, s_end: int) -> None:
        """", one fatally" after a figure of people shot or injured: that one was killed."""
        how = " ".join(match.group("how").lower().split())
        if how not in ("fatally", "mortally") and "died" not in how and "succumbed" not in how:
            return
        count = parse_count(match)
        if count is None or count.value is None:
            return
        pos = s_start + match.start()
        earlier = [c for c in self.claims if c.sentence == (s_start, s_end) and c.end <= pos and c.figure in ("shot", "injured")]
        if not earlier:
            return
        base = earlier[-1]
        claim = RawClaim("killed", base.group, count, pos + 1, s_start + match.end(), (s_start, s_end))
        claim.of_previous = True
        claim.later = "died" in how or "succumbed" in how
        self.claims.append(claim)

    def _settle_group(self, claim: RawClaim) -> None:
        """Resolve 'same' (two more, another, one of them) and 'generic' (employees) groups."""
        if claim.group == "same":
            previous = [c for c in self.claims if c.group not in ("same", "generic")]
            claim.group = previous[-1].group if previous else "unknown"
        elif claim.group == "generic":
            claim.group = self._group_before(claim.start)


    def _group_before(self, pos: int) -> str:
        """The group of the nearest group noun before ``pos`` in its paragraph ('the police ... two employees')."""
        para_start = self.text.rfind("\n", 0, pos) + 1
        window = self.text[para_start:pos]
        table = _group_of_noun()
        best: tuple[int, str] | None = None
        for noun, group in table.items():
            if group in ("generic", "unknown"):
                continue
            for found in re.finditer(rf"\b{re.escape(noun)}\b", window, re.IGNORECASE):
                if best is None or found.start() > best[0]:
                    best = (found.start(), group)
        return best[1] if best else "unknown"


def _noun_figure(word: str) -> str:
    word = word.lower()
    if word.startswith(("death", "kill", "murder", "dead", "slain", "fatal", "died")):
        return "killed"
    if word.startswith(("injur", "wound")):
        return "injured"
    if word.startswith(("arrest", "detain", "detention")):
        return "arrested"
    if word.startswith(("abduct", "kidnap")):
        return "abducted"
    return word


def _not_victims(sentence: str, pos: int) -> bool:
    return bool(_NOT_VICTIMS.match(sentence[pos:].lstrip()))


def _is_people_word(np: str, start: int, entities: Sequence[Entity]) -> bool:
    """A noun phrase the group lexicon does not know that still names people: a demonym ('Serbs')."""
    words = np.split()
    if not words:
        return True
    head = words[-1].strip(",")
    if any(e.label == "NORP" and e.start <= start + len(np) and start < e.end for e in entities):
        return True
    return head[:1].isupper() and head.endswith(("s", "ese", "ans")) and len(words) <= 2


def find_claims(text: str, entities: Sequence[Entity] = (), sentences: Sequence[tuple[int, int]] | None = None) -> list[RawClaim]:
    """Every casualty or detention claim in ``text``, in text order, with partial figures reconciled.

    "One of them died" turns one of the earlier injured into a death; the people shot (or hurt, named
    one by one) become injured once those of them that died are taken out (:func:`settle_hits`, which
    this applies to the whole text).
    """
    spans = list(sentences) if sentences is not None else sentence_spans(text)
    claims = _Reader(text, entities, spans).run()
    return settle_hits(_add_more(_parts_that_died(claims)))


def _parts_that_died(claims: list[RawClaim]) -> list[RawClaim]:
    out: list[RawClaim] = []
    for claim in claims:
        if claim.of_previous and claim.figure == "killed" and claim.count.value:
            earlier = [c for c in out if c.figure in ("injured", "shot") and c.count.value and c.start < claim.start
                       and claim.start - c.end < 400]
            if earlier:
                base = earlier[-1]
                claim.group = base.group if claim.group in ("unknown", "same") else claim.group
                remaining = base.count.value - claim.count.value
                if remaining >= 0:
                    base.count = replace(base.count, value=remaining, low=None, high=None)
                    base.notes.append(f"{claim.count.value} of them died")
                    base.implicit = False
                dead_before = [c for c in out if c.figure == "killed" and c.count.value and c.group in (claim.group, "unknown")
                               and claim.start - c.end < 600]
                # The wounded counted apart from dead stated before them ("ten killed and 16 wounded, one of whom
                # died") are not among those dead: that death is one more, "later" or not.
                apart = [c for c in dead_before if c.end <= base.start]
                if (claim.later and dead_before) or apart:
                    # "18 died ... one of the 48 wounded later died": 19 killed in all
                    dead = (dead_before if claim.later else apart)[-1]
                    claim.notes.append(f"with the {dead.count.value} killed before")
                    claim.count = replace(claim.count, value=dead.count.value + claim.count.value)
        out.append(claim)
    return [c for c in out if not (c.figure in ("injured", "shot") and c.count.value == 0 and c.notes)]


def _add_more(claims: list[RawClaim]) -> list[RawClaim]:
    """'X was shot. Y was also shot.': an additive figure counts on top of the last one of its kind."""
    for index, claim in enumerate(claims):
        if not claim.additive or claim.count.value is None:
            continue
        earlier = [c for c in claims[:index] if c.figure == claim.figure and c.count.value is not None
                   and claim.start - c.end < 600 and c.group in (claim.group, "unknown")]
        if earlier and claim.implicit:
            base = earlier[-1]
            claim.count = replace(claim.count, value=base.count.value + claim.count.value)
            claim.notes.append(f"with the {base.count.value} before")
            claim.implicit = base.implicit
    return claims


def settle_hits(claims: list[RawClaim]) -> list[RawClaim]:
    """People shot, and people hurt who are named one by one ("he was shot", "the girl is in critical
    condition"), are injured only past the number killed: they are often the same victims."""
    killed = max((c.count.value or c.count.low or 0 for c in claims if c.figure == "killed"), default=0)
    # "He was shot in the leg" is the report's injured only when it counts no one shot or hurt itself.
    counted = any(c.figure in ("shot", "injured") and not c.implicit for c in claims)
    out: list[RawClaim] = []
    for claim in claims:
        # "A soldier was also wounded" after the civilians' toll is one more victim of another group, not one of the dead.
        apart = claim.additive and claim.group in ("security_forces", "attackers", "civilians")
        hit = claim.figure == "shot" or (claim.figure == "injured" and claim.implicit and not apart)
        if not hit:
            out.append(claim)
            continue
        value = claim.count.value if claim.count.value is not None else claim.count.low
        if value is None or any("of them died" in note for note in claim.notes):
            claim.figure = "injured"
            out.append(claim)
            continue
        if value <= killed:
            continue
        if claim.figure == "shot" and claim.implicit and not (claim.wounded and not counted):
            continue  # "he was shot" states a hit, not its outcome: no injured claim without an outcome word
        if killed:
            claim.count = replace(claim.count, value=value - killed, low=None, high=None)
            claim.notes.append(f"{killed} of them died")
        claim.figure = "injured"
        out.append(claim)
    return out


@stage(
    "casualties.rules.v1",
    slot="casualties",
    requires=("text", "entities", "incidents"),
    assigns=("incidents",),
    section="casualties",
)
def extract_casualties(doc: Document, cfg: CasualtiesSettings) -> Document:
    """Attach each casualty or detention claim of the report to the incident mention it belongs to."""
    if doc.analysis or not doc.incidents:
        return doc
    claims = find_claims(doc.text, doc.entities)
    outlet = doc.outlet or "outlet"
    by_incident: dict[str, list[CasualtyClaim]] = {incident.id: [] for incident in doc.incidents}
    for claim in claims:
        incident = _incident_of(claim, doc.incidents)
        if incident is None:
            continue
        by_incident[incident.id].append(_frozen(doc.text, claim, outlet))
    updated = tuple(
        incident.model_copy(update={"claims": tuple(by_incident[incident.id])}) for incident in doc.incidents
    )
    return doc.model_copy(update={"incidents": updated})


def _incident_of(claim: RawClaim, incidents: Sequence[IncidentMention]) -> IncidentMention | None:
    """The incident whose sentences hold the claim; else the main one, unless a background event holds the sentence."""
    for incident in incidents:
        for start, end in incident.sentences:
            if start <= claim.start < end:
                return incident
    mains = [incident for incident in incidents if incident.role == "main"]
    return mains[0] if mains else None


def _frozen(text: str, claim: RawClaim, outlet: str) -> CasualtyClaim:
    count = claim.count
    s_start, s_end = claim.sentence
    return CasualtyClaim(
        figure=claim.figure,
        group=claim.group if claim.group in GROUPS else "unknown",
        value=count.value,
        low=count.low,
        high=count.high,
        qualifier=count.qualifier,
        attributed_to=outlet if claim.attributed_to == "outlet" else claim.attributed_to,
        supersedes=claim.supersedes,
        self_claim=claim.self_claim,
        start=claim.start,
        end=claim.end,
        sentence=" ".join(text[s_start:s_end].split()),
    )
