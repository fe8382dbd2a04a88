"""Event typing of one sentence: trigger words from a lexicon, typed in the eventlens taxonomy.

The taxonomy is data (``resources/lexicons/event_taxonomy.json``): each category names its ACLED event
type and sub-event type (``None`` where ACLED has no such event, e.g. a threat or a meeting), its PLOVER
0.5b1 event type and its trigger words. The violent or contentious categories (``violent``) are the
incident kinds the events stage builds records for:

========================  =======  =========================  ===================================
category                  PLOVER   ACLED type                 ACLED sub-event type
========================  =======  =========================  ===================================
armed_clash               FIGHT    Battles                    Armed clash
offensive                 FIGHT    Battles                    (by outcome; left unset)
attack, killing           ASSAULT  Violence against civilians Attack
physical_assault          ASSAULT  Violence against civilians Attack
sexual_violence           ASSAULT  Violence against civilians Sexual violence
shooting                  FIGHT    Violence against civilians Attack
bombing                   ASSAULT  Explosions/Remote violence Remote explosive/landmine/IED
suicide_bombing           ASSAULT  Explosions/Remote violence Suicide bomb
grenade_attack            ASSAULT  Explosions/Remote violence Grenade
shelling                  FIGHT    Explosions/Remote violence Shelling/artillery/missile attack
air_strike                FIGHT    Explosions/Remote violence Air/drone strike
abduction                 COERCE   Violence against civilians Abduction/forced disappearance
arrest                    COERCE   Strategic developments     Arrests
raid                      COERCE   Strategic developments     Other
crackdown                 COERCE   Protests                   Protest with intervention
protest, barricade        PROTEST  Protests                   Peaceful protest
riot                      PROTEST  Riots                      Violent demonstration
mob_violence              ASSAULT  Riots                      Mob violence
looting                   COERCE   Strategic developments     Looting/property destruction
property_destruction      COERCE   Strategic developments     Looting/property destruction
========================  =======  =========================  ===================================

and, with no ACLED type: expulsion and restriction (COERCE), mobilize, agree, consult, support,
cooperate, aid, demand, disapprove, reject, threaten, retreat, concede, investigate, sanction (the PLOVER
type of the same name).

How a sentence is typed (:func:`find_triggers`): one regex (a trie of every inflected trigger form)
finds the triggers; each scores its category's weight, less for a noun than for a verb and less still
for a weak noun (a weapon, an actor noun), less the further into the sentence it stands (the main
event of a news sentence comes first, its background later), and less inside a background clause
("after", "following", "since", "in retaliation for" ...). A capitalised trigger inside a sentence
that is not a title-case headline is part of a name ("Liberation Tigers") and is skipped. A
non-frame trigger after a future modal ("will", "would", "plans to") is a promise (``agree``) when it
is cooperative and a threat (``threaten``) when it is hostile or conditional ("unless"); after a
negation it is a refusal (``reject``). Frame categories (agree, demand, disapprove, reject, threaten)
type the whole clause whatever its complement ("threatened to shell" is a threat, not a shelling).
No spaCy model is used: one regex scan and a few look-behinds per sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .lexicons import load_lexicon, trie_pattern

__all__ = [
    "PLOVER_TYPES",
    "Category",
    "EventTyping",
    "categories",
    "classify_sentence",
    "find_triggers",
    "taxonomy_rows",
]

PLOVER_TYPES = (
    "AGREE", "AID", "ASSAULT", "COERCE", "CONCEDE", "CONSULT", "COOPERATE", "DEMAND", "DISAPPROVE",
    "FIGHT", "INVESTIGATE", "MOBILIZE", "PROTEST", "REJECT", "RETREAT", "SANCTION", "SUPPORT", "THREATEN",
)  # fmt: skip

_TAXONOMY = "event_taxonomy.json"

# Score offsets (chosen on the dev split of shared/eval/events): an event noun counts less than a verb
# ("rejected an offer" is a rejection), a weak noun (a weapon or an actor) less still; a frame noun
# ("a demand", "a warning") is rarely the main event.
_NOUN_PENALTY = 0.06
_FRAME_NOUN_PENALTY = 0.2
_WEAK_PENALTY = 0.3
_POSITION_PENALTY = 0.25  # times the trigger's relative position in the sentence
_BACKGROUND_PENALTY = 0.15
_NONFINITE_PENALTY = 0.2
_RELATIVE_PENALTY = 0.1
_FUTURE_AGREE_WEIGHT = 0.8
_FUTURE_THREATEN_WEIGHT = 0.84
_CONDITIONAL_THREATEN_WEIGHT = 0.9

# PLOVER types a future modal turns into a threat (hostile acts) rather than a promise.
_HOSTILE = frozenset({"ASSAULT", "COERCE", "FIGHT", "MOBILIZE", "PROTEST", "SANCTION"})
# A future modal, then up to three words before the trigger ("will give Tanzania a grant").
_MODAL = re.compile(
    r"\b(?:will|would|shall|'ll|plans?\s+to|planning\s+to|intends?\s+to|(?:is|are)\s+(?:going\s+)?to|"
    r"going\s+to|vows?\s+to|vowed\s+to)\s+(?:[^\s,;.]+\s+){0,3}$",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:not|never|no\s+longer|n't)\s+(?:\w+\s+)?$", re.IGNORECASE)
# A frame verb that is not finite ("to demand", "demanding", "calling for") states an aim or a manner,
# not the sentence's event ("staged demonstrations to demand reforms" is a protest).
_INFINITIVE = re.compile(r"\bto\s+$", re.IGNORECASE)
_BE = re.compile(r"\b(?:is|are|was|were|be|been|am|'s|'re)\s+(?:\w+ly\s+|still\s+|also\s+)?$", re.IGNORECASE)
# A word before a noun-or-verb form that makes it a noun ("to demands", "their demands").
_NOUN_CONTEXT = re.compile(
    r"\b(?:the|a|an|its|their|his|her|our|these|those|such|of|to|for|on|by|with|new|fresh|latest|any)\s+$",
    re.IGNORECASE,
)
# A noun trigger before one of these names a group, not an event ("aid workers", "protest leaders").
_ACTOR_HEAD = re.compile(
    r"\s+(?:workers?|officials?|agenc(?:y|ies)|groups?|organi[sz]ations?|activists?|leaders?|forces|troops|"
    r"officers?|staff|personnel|ministers?|ministry|committees?|delegations?|supporters?|organi[sz]ers?|"
    r"observers?|monitors?|experts?|units?|camps?|policy|policies)\b",
    re.IGNORECASE,
)
# CAMEO 166 (PLOVER SANCTION): withdrawing or expelling peacekeepers, inspectors, monitors, aid workers or
# diplomats reduces relations; it is no military retreat. The staff follow the trigger ("withdrew its
# inspectors") or precede a passive one ("peacekeepers were pulled out").
_STAFF = (
    r"(?:peace-?keep(?:ers?|ing\s+(?:troops|forces?|contingents?|mission))|inspectors?|observers?|monitors?|"
    r"(?:aid|relief|humanitarian)\s+(?:workers?|agenc(?:y|ies)|staff|organi[sz]ations?)|diplomats?|ambassadors?|envoys?)"
)
_STAFF_AFTER = re.compile(rf"\s+(?:[\w'-]+\s+){{0,3}}?{_STAFF}\b", re.IGNORECASE)
_STAFF_BEFORE = re.compile(rf"\b{_STAFF}\s+(?:(?:were|was|have|has|had|been|being|are|is)\s+){{0,2}}(?:\w+ly\s+)?$", re.IGNORECASE)
_WITHDRAW_VERB = re.compile(r"(?:withdr|pull|ship|recall|evacuat|expel|order|send|sent|bring|brought)", re.IGNORECASE)
# CAMEO 16 (PLOVER SANCTION): aid or supplies reduced, cut, halted, suspended, frozen or withheld.
_REDUCING = re.compile(
    r"\b(?:reduc|cut|halt|suspend|stop|freez|froze|withh[oe]ld|end|cancel|curtail|slash|withdr|block|terminat|"
    r"scal\w*\s+back|scal\w*\s+down|discontinu)\w*\s+(?:off\s+)?(?:(?:all|its|their|the|some|most|further|"
    r"[\w-]+)\s+){0,2}$",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"\b(?:who|whom|whose|which)\b", re.IGNORECASE)
# The attribution after the last comma (", a human rights group charged", ", officials said").
_ATTRIBUTION = re.compile(r"\b(?:said|says|reported|reports|told|according\s+to|announced|stated|quoted)\b", re.IGNORECASE)
_PARTICIPLE_CLAUSE = re.compile(r"[,;]\s*(?:and\s+|but\s+)?\w+ing\b[^,;]*$")
_CONDITION = re.compile(r"\b(?:unless|if|until)\b", re.IGNORECASE)
_BACKGROUND = re.compile(
    r"\b(?:after|following|since|in\s+the\s+wake\s+of|amid|despite|because\s+of|in\s+response\s+to|"
    r"in\s+retaliation\s+for|ago|earlier|last\s+(?:week|month|year))\b",
    re.IGNORECASE,
)
# Words after which a verb phrase takes no determiner ("opened fire", "called off", "set on fire").
_PARTICLES = frozenset(
    "on off up down out in into to for at from back over upon fire dead hostage captive prisoner as "
    "into steps arms their its his her".split()
)
_DETERMINERS = ("a ", "an ", "the ", "its ", "their ", "his ", "her ")


@dataclass(frozen=True, slots=True)
class Category:
    """One taxonomy category and its mappings."""

    name: str
    plover_type: str
    acled_type: str | None
    acled_sub_type: str | None
    violent: bool
    frame: bool
    weight: float


@dataclass(frozen=True, slots=True)
class EventTyping:
    """A trigger found in a sentence, typed in the eventlens taxonomy.

    ``category`` is an eventlens category (see the module docstring); ``plover_type`` one of
    :data:`PLOVER_TYPES`; ``acled_type`` / ``acled_sub_type`` the ACLED event and sub-event types, or
    ``None`` for a category ACLED does not code; ``trigger`` the words as written, at
    ``sentence[start:end]``; ``violent``: an incident kind the events stage builds records for;
    ``score``: higher is a better candidate for the sentence's event.
    """

    category: str
    plover_type: str
    acled_type: str | None
    acled_sub_type: str | None
    trigger: str
    start: int
    end: int
    violent: bool
    score: float


def _verb_forms(lemma: str, irregular: dict[str, list[str]]) -> set[str]:
    forms = {lemma, *irregular.get(lemma, ())}
    if lemma in irregular and lemma.endswith(("t", "d")) and not irregular[lemma]:
        # set, put, cut, hit, shut: the past is the lemma; only -s and -ing are added
        return forms | {lemma + "s", lemma + lemma[-1] + "ing", lemma + "ing"}
    if lemma.endswith("ee"):  # agree, guarantee: agreeing
        forms |= {lemma + "s", lemma + "d", lemma + "ing"}
    elif lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif re.search(r"[^aeiou]y$", lemma):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {lemma + "es", lemma + "ed", lemma + "ing"}
    else:
        forms |= {lemma + "s", lemma + "ed", lemma + "ing"}
        if re.search(r"(?:^|[^aeiou])[aeiou][bdglmnprt]$", lemma):
            # a final consonant after one vowel may double: stepped, permitted, regretted, cancelled (British);
            # the undoubled forms are kept (visited, opened), a wrong extra form never matches
            forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def _noun_forms(noun: str) -> set[str]:
    if noun.endswith("s"):
        return {noun}
    if noun.endswith(("sh", "ch", "x", "z")):
        return {noun, noun + "es"}
    if re.search(r"[^aeiou]y$", noun):
        return {noun, noun[:-1] + "ies"}
    return {noun, noun + "s"}


def _phrase_forms(entry: str, kind: str, irregular: dict[str, list[str]]) -> set[str]:
    """Every surface form of a lexicon entry: the '+' word (else the head) inflected."""
    words = entry.split()
    marked = [i for i, w in enumerate(words) if w.startswith("+")]
    words = [w.lstrip("+") for w in words]
    if kind == "literal":
        return {" ".join(words)}
    head = marked[0] if marked else (0 if kind == "verb" else len(words) - 1)
    inflected = _verb_forms(words[head], irregular) if kind == "verb" else _noun_forms(words[head])
    out = set()
    variants = [words]
    if kind == "verb" and head + 1 < len(words) and words[-1] not in _PARTICLES:
        # the object may be plural too ("hurled grenades")
        variants += [[*words[:-1], plural] for plural in sorted(_noun_forms(words[-1]) - {words[-1]})]
    for form, base in ((form, base) for form in inflected for base in variants):
        parts = [*base[:head], form, *base[head + 1 :]]
        out.add(" ".join(parts))
        # A verb phrase may put a determiner before its object ("held talks", "held a meeting").
        if kind == "verb" and head + 1 < len(parts) and parts[head + 1] not in _PARTICLES:
            for det in _DETERMINERS:
                if not parts[head + 1].startswith(det.strip()):
                    out.add(" ".join([*parts[: head + 1], det.strip(), *parts[head + 1 :]]))
    return out


@dataclass(frozen=True, slots=True)
class _Lexicon:
    categories: dict[str, Category]
    forms: dict[str, tuple[tuple[str, str], ...]]  # lower-case form -> ((category, kind), ...)
    regex: re.Pattern[str]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data: dict[str, Any] = load_lexicon(_TAXONOMY)
    irregular = data["irregular"]
    cats: dict[str, Category] = {}
    forms: dict[str, dict[tuple[str, str], None]] = {}
    for name, spec in data["categories"].items():
        if spec["plover"] not in PLOVER_TYPES:
            raise ValueError(f"{_TAXONOMY}: category {name!r} has unknown PLOVER type {spec['plover']!r}")
        cats[name] = Category(
            name=name,
            plover_type=spec["plover"],
            acled_type=spec.get("acled_type"),
            acled_sub_type=spec.get("acled_sub_type"),
            violent=bool(spec.get("violent")),
            frame=bool(spec.get("frame")),
            weight=float(spec["weight"]),
        )
        for key, kind in (("verbs", "verb"), ("nouns", "noun"), ("weak", "weak"), ("literal", "literal")):
            for entry in spec.get(key, ()):
                for form in _phrase_forms(entry, "noun" if kind == "weak" else kind, irregular):
                    forms.setdefault(form.lower(), {})[(name, kind)] = None
    pattern = trie_pattern(sorted(forms))
    regex = re.compile(rf"(?<![\w'’-])(?:{pattern})(?![\w-])", re.IGNORECASE)
    return _Lexicon(cats, {form: tuple(kinds) for form, kinds in forms.items()}, regex)


def categories() -> dict[str, Category]:
    """The taxonomy's categories by name, in the order of the data file."""
    return dict(_lexicon().categories)


def taxonomy_rows() -> list[dict[str, Any]]:
    """The taxonomy as table rows: category, PLOVER, ACLED type and sub-type, violent, trigger examples."""
    data = load_lexicon(_TAXONOMY)["categories"]
    rows = []
    for name, cat in _lexicon().categories.items():
        words = [w.replace("+", "") for key in ("verbs", "nouns", "literal") for w in data[name].get(key, ())]
        rows.append(
            {
                "category": name,
                "plover_type": cat.plover_type,
                "acled_type": cat.acled_type,
                "acled_sub_type": cat.acled_sub_type,
                "violent": cat.violent,
                "triggers": words,
            }
        )
    return rows


_WORD = re.compile(r"[A-Za-z][\w'-]*")


def _is_headline(sentence: str) -> bool:
    words = [w for w in _WORD.findall(sentence) if len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _kind_score(cat: Category, kind: str) -> float:
    if kind == "weak":
        return cat.weight - _WEAK_PENALTY
    if kind == "noun":
        return cat.weight - (_FRAME_NOUN_PENALTY if cat.frame else _NOUN_PENALTY)
    return cat.weight


def find_triggers(sentence: str) -> list[EventTyping]:
    """Every trigger in ``sentence``, typed, best first (ties: earlier first)."""
    lex = _lexicon()
    headline = _is_headline(sentence)
    length = max(len(sentence), 1)
    found: list[EventTyping] = []
    previous_end = 0  # a modal binds to the first trigger after it, never past another one
    for match in lex.regex.finditer(sentence):
        start, end = match.span()
        text = match.group()
        if not headline and text[:1].isupper() and start > 0 and sentence[:start].strip(" \"'“‘({[") != "":
            continue  # part of a name ("Economic Cooperation", "Liberation Tigers")
        options = lex.forms.get(re.sub(r"\s+", " ", text.lower()))
        if not options:
            continue
        name, kind = max(options, key=lambda ck: _kind_score(lex.categories[ck[0]], ck[1]))
        cat = lex.categories[name]
        score = _kind_score(cat, kind)
        trig_start = start
        before = sentence[max(0, start - 60) : start]
        if kind != "literal" and _ACTOR_HEAD.match(sentence, end):
            kind = "weak"
            score = _kind_score(cat, kind)
        if kind == "verb" and not text.lower().endswith("ing") and _NOUN_CONTEXT.search(before):
            score -= _NOUN_PENALTY if not cat.frame else _FRAME_NOUN_PENALTY
        elif cat.frame and (
            _INFINITIVE.search(before) or (text.split()[0].lower().endswith("ing") and not _BE.search(before))
        ):
            score -= _NONFINITE_PENALTY
        if cat.name in ("retreat", "aid") and kind == "verb" and _WITHDRAW_VERB.match(text) and (
            _STAFF_AFTER.match(sentence, end) or _STAFF_BEFORE.search(before)
        ):
            cat = lex.categories["sanction"]
            score = _kind_score(cat, kind)
        elif cat.name == "aid" and kind != "weak" and _REDUCING.search(before):
            cat = lex.categories["sanction"]
            score = _kind_score(cat, kind)
        if not cat.frame and kind != "weak":
            modal = _MODAL.search(before)
            if modal is not None and start - (len(before) - modal.start()) >= previous_end:
                trig_start = start - (len(before) - modal.start())
                negated = _NEGATION.search(before) is not None
                conditional = _CONDITION.search(sentence, end) is not None
                if negated:
                    cat, score = lex.categories["reject"], _FUTURE_THREATEN_WEIGHT
                elif conditional:
                    cat, score = lex.categories["threaten"], _CONDITIONAL_THREATEN_WEIGHT
                elif cat.plover_type in _HOSTILE:
                    cat, score = lex.categories["threaten"], _FUTURE_THREATEN_WEIGHT
                else:
                    cat, score = lex.categories["agree"], _FUTURE_AGREE_WEIGHT
        clause_start = max(sentence.rfind(",", 0, trig_start), sentence.rfind(";", 0, trig_start), 0)
        if _BACKGROUND.search(sentence, clause_start, trig_start):
            score -= _BACKGROUND_PENALTY
        if _RELATIVE.search(sentence, clause_start, trig_start):
            score -= _RELATIVE_PENALTY
        if _PARTICIPLE_CLAUSE.search(sentence, 0, trig_start):
            score -= _RELATIVE_PENALTY
        last_comma = sentence.rfind(",")
        if 0 < last_comma < trig_start and _ATTRIBUTION.search(sentence, last_comma):
            score -= _RELATIVE_PENALTY
        score -= _POSITION_PENALTY * trig_start / length
        previous_end = end
        found.append(
            EventTyping(
                category=cat.name,
                plover_type=cat.plover_type,
                acled_type=cat.acled_type,
                acled_sub_type=cat.acled_sub_type,
                trigger=sentence[trig_start:end],
                start=trig_start,
                end=end,
                violent=cat.violent,
                score=round(score, 4),
            )
        )
    found.sort(key=lambda t: (-t.score, t.start))
    return found


def classify_sentence(sentence: str) -> EventTyping | None:
    """The best trigger of ``sentence`` (see :func:`find_triggers`), or None when it has none.

    Example::

        >>> classify_sentence("Gunmen ambushed a police patrol near the border.").category
        'attack'
    """
    triggers = find_triggers(sentence)
    return triggers[0] if triggers else None
