"""Quotes and statements: who said what, quoted or reported, with the stance it takes.

Two kinds of statement, found with regular expressions over the text and its sentences (no parser):

- **direct quotes**: the words between quote marks, in every style (“…”, "…", «…», „…“, ‘…’), with the
  mismatched marks of machine translation (“…" and "…”) read by position: a mark after a word and
  before a space or punctuation closes, a mark after a space opens. A paragraph that opens a quote
  without closing it continues in the next paragraph when that one opens with a quote mark (the press
  convention for multi-paragraph quotes); otherwise the quote ends with its paragraph. A quoted span of
  fewer than ``quotes.min_direct_words`` words is a name, a title or a scare quote, not a quote of its
  own (it stays part of the reported statement around it).
- **reported speech**: a speaker, a reporting verb and what was said ("X denied any connection with
  the group", "X claimed that ...", "X accused Y of ...", "X called on Y to ...", "..., according to
  X"), without quote marks. The reported content runs from after the verb (and ``that``) to the end of
  its clause (``; ``, ``, while``, ``, but``, a second reporting verb, the sentence end, or the opening
  mark of a direct quote it introduces, without that quote's own verb); ``, and that`` starts a second
  statement. "told" takes a listener, then ``that``, a clause ("told ABC News the ...") or only its
  circumstances (", X told ABC News on Saturday.": the content came before). The passive "was described
  as Y by Z" is Z's statement Y. A verb after "and" or a participle (", saying") with no subject of its
  own keeps the subject of the sentence's first reporting verb, else the named subject of its clause. A
  negated verb ("have not confirmed", "declined to comment") and a verb form used as a noun ("the
  group's claims", "a 911 call") state nothing.

The speaker of a direct quote is the noun phrase around the reporting verb after the quote (", X
said", ", said X", ", X wrote", ", the post says") or before it in the same sentence ("X said: “",
"According to X, “", "X condemned ... and called it “"); a quote that opens a paragraph with neither
takes the speaker of the quote before it (same or previous paragraph) or of the sentence before that
ends with a colon. Speaker resolution, in order:

1. a pronoun (he, she; they for groups) is the most recent person named (outside quotes and reported
   content), speaker met, or unnamed person opening a sentence as its subject ("The abbot of the
   monastery was among those hurt.") before it;
2. a person entity inside the phrase ("The leader of X, Jane Doe, who ..., said"), not one in the
   possessive ("Austin's family"), is that person; "Mr. X" or a bare surname is the person of that
   surname named before;
3. a title or role ("the prime minister", "the head of state", "the Serbian president") is the person the
   report names with that role (``Entity.role``, the titles lexicon and its synonyms in
   ``resources/lexicons/quotes.json``), the latest named before, else the first after; a qualifier
   ("Serbian") picks among several;
4. a phrase headed by a person noun ("EU officials", "the spokesperson of the UN office") is that phrase
   as written, then an organisation, then a place or people entity ("Belgrade denied") inside the phrase;
5. a document ("the post says", "the statement") is its author: the most recent speaker;
6. else the phrase as written, without its article ("governor (of the province)", "a witness").

``speaker`` is the canonical entity name where one of these resolves to an entity, else the phrase as
written; ``speaker_text`` is always the words of this report. The subject finder skips an apposition
that describes ("X, the administration formed by ..., said"; "Chad Day, the county sheriff, told"), a
relative's pronoun or subject is the speaker ("in which he said", "which police say"; ", who said" is
the noun phrase before it), a social network is never a speaker, and a participle after a quote
(", describing it as ...") is content, not an inverted speaker.

Stance (claim, accusation, denial, condemnation, appeal, threat): a stance verb decides ("accused",
"denied", "rejected", "condemned", "described it as", "called on", "urged", "threatened"; "warned"
is a threat only with a consequence in the content); a neutral verb ("said", "claimed", "wrote")
leaves it to cues in the content, in the order denial, accusation, threat, condemnation, appeal
("behind the attack", "carried out by", "support from" make an accusation; "nothing to do with" a
denial; a perpetration participle before "by", "orchestrated and executed by", an accusation; phrases
in ``cue_exclusions`` such as "called for medical assistance" are no cue); else it is a claim. A direct
quote takes the stance of the verb of its introducing clause nearest to it (one lacking what it needs,
"what it called", does not count); a neutral nearest verb leaves it to the content, then to the other
verbs. A direct quote by the speaker of a denial or accusation in the sentence just before, with no cue
of its own, bears that stance out. The
target is the first person, organisation, place or people entity of the content (or the object of the
stance verb) that is not the speaker.
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..lexicons import load_lexicon
from ..model import Document, Entity, Quote
from ..registry import stage
from ..settings import QuotesSettings
from ..textspans import Coverage, sentence_spans, sentence_starts

__all__ = ["find_quotes", "quote_marks"]

logger = logging.getLogger(__name__)

_SPEAKER_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_OPEN_DOUBLE = "“„«"
_CLOSE_DOUBLE = "”»"
_MARKS = re.compile(r"[“”\"«»„‘’]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
# Words that end a reporting clause's subject on the left: what comes before them is another clause.
_SUBJECT_BOUNDARY = re.compile(
    r"[;:]|[”\"»]\s*,?|\s[—–]\s|\b(?:while|whereas|but|that|and|after|when|because|before|if|although|as)\s", re.I
)
_TRAILING_FILLER = re.compile(
    r"(?:\s+|,)(?:has|have|had|also|further|then|later|again|once again|reportedly|already|would|will|did|does|"
    r"previously|publicly|strongly|firmly|categorically|immediately|quickly|officially|himself|herself|itself|"
    r"themselves|in turn|today|yesterday|on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    r"went on to|goes on to|go on to|continued to|continues to|proceeded to)\s*,?\s*$",
    re.I,
)
_PASSIVE_END = re.compile(r"\b(?:was|were|been|being|be|is|are)\s*$", re.I)
_SKIP_PART = re.compile(r"^\s*(?:who|which|whose|where|when|speaking|according|in|on|at|after|during|for|with)\b", re.I)
_CLAUSE_END = re.compile(r";|,\s*(?:while|whereas|but)\b|\s+while\s|\s+whereas\s|\s+but\s|\.(?=\s|$)|[!?]|\n")
_AFTER_TAIL = re.compile(
    r"^(?:\s*,\s*[a-z]+ing\b|[\s,]*(?:$|[.;:!?]|(?:in|on|at|during|after|before|to|from|via|by|adding|according|when|while|as|through|late|early|last|this)\b))",
    re.I,
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# the listener of "told": a pronoun, reporters, or a capitalised name ("ABC12 News", "The Atlanta Journal")
_LISTENER = re.compile(
    r"\s+(?:(?:us|me|him|her|them|reporters|journalists|the press|the media|police|investigators|officers|the court|"
    r"the (?:newspaper|agency|station|broadcaster|channel|outlet|radio|jury|judge|paper))\b"
    r"|(?:the\s+|The\s+)?(?!" + _WEEKDAY + r"\b)[A-Z][\w.&'’-]*(?:\s+(?!" + _WEEKDAY + r"\b)[A-Z0-9][\w.&'’-]*){0,5})"
)
# after the listener, only when and how it was said: the content came before ("..., X told ABC News Saturday night.")
_ONLY_CIRCUMSTANCE = re.compile(
    r"^(?:,?\s*(?:on|late|early|last|this|in an?|by|over the|via|during an?)?\s*(?:" + _WEEKDAY + r"|yesterday|today|tonight|"
    r"morning|afternoon|evening|night|week|(?:tele)?phone|interview|statement|e-?mail|text message))*\s*[.!?]?\s*$"
)
# a clause after the listener: "told ABC12 News the homeowners may not have known"
_CLAUSE_START = re.compile(
    r"\s+(?!(?:at|in|on|about|of|for|with|by|from|to|during|after|before|over|via|and|or|but|as|when|while)\b)"
    r"(?:[a-z]|(?:He|She|They|It|We|I|There|The|This|That|These|Those|His|Her|Their|Our)\b)"
)
_AND_BEFORE = re.compile(r"(?:^|\s|,)and\s+(?:also\s+|then\s+|later\s+|further\s+)?$")
_REDUCED_RELATIVE = re.compile(r"\b[a-z]+(?:ed|en|wn)\s+(?:by|in|as|from|with|at|on|to)\b")
_RELATIVE_PRONOUN = re.compile(
    r"\b(?:which|whom|where)\s+(he|she|they|we|(?:the\s+)?[a-z][\w'’-]*(?:\s+[a-z][\w'’-]*)?)\s*$", re.I
)
_DESCRIPTION = re.compile(r"^\s*(?:the|a|an|one of)\s|['’]s\s+[\w-]+\s*$")
_NAME_END = re.compile(r"(?<![\w'’.-])(?!(?:The|A|An|In|On|At)\b)[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}(?=\s*$)")
_ADVERBIAL_ONLY = re.compile(r"(?:in|on|at|during|after|before|by|from|via|through|with|late|early|last)\s", re.I)
_NAME = re.compile(r"(?!(?:The|A|An|In|On|At)\b)[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3}")
_NEGATED = re.compile(r"\b(?:not|never|n['’]t|declined to|refused to|did not|would not)\s+$", re.I)
_NOUN_BEFORE = re.compile(r"(?:\b(?:the|a|an|its|their|his|our|my|your|this|these|those|such|any|no)|['’]s)\s+$", re.I)
_HONORIFIC = re.compile(r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame)\.?\s+([A-Z][\w'’-]+)")
_AND_THAT = re.compile(r",\s*and\s+that\s+")
# what is left of a clause cut at its quote when the quote carries the statement: "in a news conference", "it was a"
_LEAD_IN = re.compile(
    r"^(?:in|on|at|during|after|before|from|via|by|to|through)\b|\b(?:a|an|the|was|is|were|are|be|been|of|to|as|that|its|their|his|her)$",
    re.I,
)
_PASSIVE_LABEL = re.compile(
    r"\b(?:was|were|is|are|has been|have been|had been)\s+(?:\w+ly\s+)?"
    r"(?P<verb>described|labell?ed|branded|called|termed|characteri[sz]ed|qualified)\s+"
    r"(?:as\s+)?(?P<label>[^.;:,“\"]{2,120}?)\s+by\s+(?P<by>[^.;:,“\"()]{2,80}?)(?=\s*(?:[.;:,]|$)|\s+(?:in|on|at|after|during|who|when|while)\b)"
)
_PREPOSITIONS = frozenset(
    "of to with by from in on at for against about than into between among and or told met near under over after before".split()
)


@dataclass(frozen=True, slots=True)
class _Span:
    """A quoted span: content offsets and whether it is long enough to be a quote of its own."""

    start: int
    end: int
    open_mark: int
    direct: bool


@dataclass(frozen=True, slots=True)
class _Verb:
    lemma: str
    stance: str | None
    needs: str | None
    not_before: tuple[str, ...]


@dataclass(slots=True)
class _Found:
    """A statement before its speaker is resolved (scratch)."""

    start: int
    end: int
    direct: bool
    np: tuple[int, int] | None
    cue: str | None
    stance: str | None
    order: int
    carry: bool = False  # a direct quote with no attribution of its own: takes the previous speaker


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    return load_lexicon("quotes.json")


def _regular_forms(base: str) -> list[str]:
    if base.endswith("e"):
        return [base, base + "s", base + "d", base[:-1] + "ing"]
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return [base, base[:-1] + "ies", base[:-1] + "ied", base + "ing"]
    return [base, base + "s", base + "ed", base + "ing"]


@lru_cache(maxsize=1)
def _verbs() -> tuple[dict[str, _Verb], re.Pattern[str]]:
    forms: dict[str, _Verb] = {}
    for lemma, spec in _lexicon()["verbs"].items():
        verb = _Verb(lemma, spec.get("stance"), spec.get("needs"), tuple(spec.get("not_before", ())))
        for form in spec.get("forms") or _regular_forms(lemma):
            forms.setdefault(form, verb)
    # "said" must not match inside "unsaid"; case-sensitive: a capitalised "Said" is more often a name.
    pattern = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + r")\b")
    return forms, pattern


@lru_cache(maxsize=1)
def _cue_patterns() -> tuple[re.Pattern[str], dict[str, str], tuple[tuple[str, re.Pattern[str]], ...]]:
    """One scan for every literal cue (over the lower-cased content), the cue -> stance table, and the
    regular expressions per stance."""
    cues = _lexicon()["stance_cues"]
    stance_of: dict[str, str] = {}
    for stance in reversed(_lexicon()["stance_order"]):  # a cue listed twice keeps the stronger stance
        for cue in cues[stance]:
            stance_of[cue.lower()] = stance
    words = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, stance_of), key=len, reverse=True)) + r")\b")
    extra = _lexicon().get("stance_patterns", {})
    patterns = tuple((stance, re.compile("|".join(extra[stance]))) for stance in _lexicon()["stance_order"] if extra.get(stance))
    return words, stance_of, patterns


@lru_cache(maxsize=1)
def _cue_exclusions() -> re.Pattern[str] | None:
    """Phrases that look like a cue but are not one ("called for medical assistance" is no appeal)."""
    patterns = _lexicon().get("cue_exclusions", ())
    return re.compile("|".join(patterns), re.I) if patterns else None


@lru_cache(maxsize=1)
def _person_nouns() -> frozenset[str]:
    return frozenset(_lexicon()["person_nouns"])


@lru_cache(maxsize=1)
def _mention_re() -> re.Pattern[str]:
    """A sentence opening with an unnamed person as its subject ("The spokesman (of the army) read ...")."""
    nouns = "|".join(sorted(map(re.escape, _person_nouns()), key=len, reverse=True))
    return re.compile(
        r"(?:The|A|An)\s+(?:[\w'’.-]+\s+){0,3}?(?:" + nouns + r")s?\b"
        r"(?:\s+of\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)?(?:\s*\([^()\n]{1,80}\))?"
        r"(?=\s*,?\s*[a-z])"
    )


def _platform_only(words: list[str]) -> bool:
    """A social network or its page ("the X network", "Twitter") is where something was said, not who said it."""
    platforms = _lexicon()["platforms"]
    content = [w for w in words if w not in ("the", "a", "an", "his", "her", "its", "their", "on", "known", "as")]
    return bool(content) and all(w in platforms for w in content)


@lru_cache(maxsize=1)
def _warning_cue() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, _lexicon()["warning_threat_cues"])) + r")", re.I)


@lru_cache(maxsize=1)
def _speaker_words() -> frozenset[str]:
    roles = load_lexicon("titles.json")["roles"]
    # "Minister of the Interior" makes "minister" and "interior" speaker words, not "the" or "of"
    words = {w.lower() for role in roles for w in role.split()} - {"the", "of", "and", "for", "a", "an"}
    return frozenset(words | {w.lower() for w in _lexicon()["speaker_nouns"]} | set(_lexicon()["documents"]))


@lru_cache(maxsize=1)
def _roles() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    roles = [r for r in load_lexicon("titles.json")["roles"]]
    synonyms = {k.lower(): tuple(v) for k, v in _lexicon()["role_synonyms"].items()}
    phrases = sorted({*roles, *synonyms}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.I), synonyms


def quote_marks(text: str, *, min_words: int = 4) -> list[_Span]:
    """Every quoted span of ``text`` (content offsets, without the marks), in order."""
    spans: list[_Span] = []
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    open_at: int | None = None
    open_mark = 0
    single = False
    skip: int | None = None
    for index, (lo, hi) in enumerate(lines):
        for match in _MARKS.finditer(text, lo, hi):
            pos = match.start()
            if pos == skip:
                continue
            ch = match.group()
            left = text[pos - 1] if pos > lo else " "
            right = text[pos + 1] if pos + 1 < hi else " "
            left_open = left.isspace() or left in "([{—–-/:"
            right_closed = right.isspace() or right in ".,;:!?)]}…"
            if open_at is None:
                if ch in _OPEN_DOUBLE or (ch == '"' and not right_closed) or (ch == "”" and left_open and not right_closed):
                    open_at, open_mark, single = pos + 1, pos, False
                elif ch == "‘" and left_open and not right_closed:
                    open_at, open_mark, single = pos + 1, pos, True
                continue
            if single:
                if ch == "’" and not right.isalpha():
                    spans.append(_make_span(text, open_at, pos, open_mark, min_words))
                    open_at = None
                continue
            if ch in _CLOSE_DOUBLE or ch == '"' or (ch == "“" and not left_open):
                spans.append(_make_span(text, open_at, pos, open_mark, min_words))
                open_at = None
            elif ch in "“„«" and left_open:
                # an opener inside an open quote: the one before was never closed
                spans.append(_make_span(text, open_at, pos, open_mark, min_words))
                open_at, open_mark = pos + 1, pos
        if open_at is not None:
            following = next(((a, b) for a, b in lines[index + 1 :] if text[a:b].strip()), None)
            start_next = following[0] + len(text[following[0] : following[1]]) - len(text[following[0] : following[1]].lstrip()) if following else None
            if start_next is not None and text[start_next] in ("‘" if single else "“„«\""):
                skip = start_next  # a multi-paragraph quote: the next paragraph reopens it
            else:
                spans.append(_make_span(text, open_at, hi, open_mark, min_words))
                open_at = None
    return [s for s in spans if s.end > s.start]


def _make_span(text: str, start: int, end: int, open_mark: int, min_words: int) -> _Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    words = len(_WORD.findall(text, start, end))
    return _Span(start, end, open_mark, words >= min_words)


def _subject(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The speaker noun phrase ending right before ``hi`` (a reporting verb), within ``[lo, hi)``."""
    prefix = text[lo:hi]
    last = None
    for match in _SUBJECT_BOUNDARY.finditer(prefix):
        # "Ministry of Information (Culture and Tourism)": a word inside brackets ends nothing
        if prefix.count("(", 0, match.start()) <= prefix.count(")", 0, match.start()):
            last = match
    base = lo + (last.end() if last else 0)
    part = text[base:hi]
    relative = _RELATIVE_PRONOUN.search(part)
    if relative:  # "..., in which he said", "The death, which police say ...": the subject follows the relative
        return base + relative.start(1), base + relative.end(1)
    who = re.search(r",\s*(?:who|which)\s*$", part)
    if who:  # "Channel 9 spoke with Austin's family, who said": the noun phrase before the relative
        return _antecedent(text, base, base + who.start())
    while True:
        stripped = _TRAILING_FILLER.sub("", part)
        if stripped == part:
            break
        part = stripped
    if _PASSIVE_END.search(part):
        return None
    # comma parts from the end: skip relative clauses and adverbials, keep the first noun phrase
    depth = 0
    cuts = [0]
    for i, ch in enumerate(part):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == "," and depth == 0:
            cuts.append(i + 1)
    bounds = list(zip(cuts, [c - 1 for c in cuts[1:]] + [len(part)]))
    kept = [
        (a, b)
        for a, b in bounds
        if part[a:b].strip() and not _SKIP_PART.match(part[a:b]) and not re.fullmatch(r"\s*\d+\s*", part[a:b])
    ]
    for a, b in reversed(kept):
        piece = part[a:b]
        if a > 0 and _REDUCED_RELATIVE.search(piece):
            continue  # an apposition describing the subject: "X, the administration formed by ..., said"
        if a > 0 and _DESCRIPTION.search(piece):
            # "Chad Day, the county sheriff, told", "Sheila Pruitt, Shawna Smith's mother, said": the name
            x, y = max((k for k in kept if k[0] < a), default=(a, a))
            name = _NAME_END.search(part[x:y])
            if name:
                return base + x + name.start(), base + x + name.end()
        start = base + a + len(piece) - len(piece.lstrip())
        end = base + a + len(piece.rstrip())
        words = _WORD.findall(text, start, end)
        # a bracketed gloss ("The head of X (the Special Representative of ...)") does not lengthen the phrase
        outside = _WORD.findall(re.sub(r"\([^()]*\)", " ", text[start:end]))
        if not words or len(outside) > 10 or words[0] in _verbs()[0]:
            return None
        return start, end
    return None


def _antecedent(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The noun phrase ending at ``hi`` after the last verb or preposition ("spoke with [Austin's family]")."""
    words = list(_WORD.finditer(text, lo, hi))
    start = None
    for word in reversed(words):
        token = word.group()
        if token.lower() in _PREPOSITIONS or token.lower() in _verbs()[0] or re.fullmatch(r"[a-z]+ed", token):
            break
        start = word.start()
    if start is None:
        return None
    return start, words[-1].end()


def _speaker_like(text: str, np: tuple[int, int], entities: list[Entity]) -> bool:
    words = [w.lower() for w in _WORD.findall(text, *np)]
    if not words or _platform_only(words):
        return False
    if len(words) == 1 and words[0] in _lexicon()["pronouns"]:
        return True
    if _HONORIFIC.match(text, np[0], np[1]):
        return True
    if _NAME.fullmatch(text[np[0] : np[1]]) and " " in text[np[0] : np[1]]:
        return True  # a name the entity recogniser missed ("Eric Metcalfe posted")
    if len(words) == 1 and text[np[0]].isupper():
        # "Pruitt said": the surname of a person the report names, where the recogniser missed this mention
        if any(e.label == "PERSON" and _fold(e.canonical.split()[-1]) == _fold(words[0]) for e in entities):
            return True
    if any(e.start >= np[0] and e.end <= np[1] and e.label in _SPEAKER_LABELS for e in entities):
        return True
    return any(w in _speaker_words() for w in words)


def _stance_of_content(content: str) -> str:
    exclusions = _cue_exclusions()
    if exclusions is not None:
        content = exclusions.sub(" ", content)
    words, stance_of, patterns = _cue_patterns()
    content = content.lower()
    found = {stance_of[m.group()] for m in words.finditer(content)}
    found.update(stance for stance, pattern in patterns if pattern.search(content))
    if not found:
        return "claim"
    order = _lexicon()["stance_order"]
    return min(found, key=order.index)


def _verb_stance(verb: _Verb, content: str) -> str | None:
    if verb.stance == "warning":
        return "threat" if _warning_cue().search(content) else None
    return verb.stance


def _needs_ok(verb: _Verb, after: str) -> bool:
    if verb.needs is None:
        return True
    if verb.needs == "that":
        return re.match(r"\s+(?:[^.;:“\"]{0,60}?\s)?that\b", after) is not None
    if verb.needs == "object":  # "told police that ...", "told ABC News the ...", "..., X told ABC News."
        return re.match(r"\s+(?:[^.;:“\"]{0,60}?\s)?that\b", after) is not None or _told(after) is not None
    if verb.needs == "as":
        return re.match(r"\s+[^.;:]{0,50}?\bas\b", after) is not None
    if verb.needs == "on":
        return re.match(r"\s+(?:on|upon|for)\b", after) is not None
    if verb.needs == "to":
        return re.match(r"\s+[^.;:]{0,60}?\bto\b", after) is not None
    if verb.needs == "claim":
        return re.match(r"\s+[^.;:]{0,40}?\b(?:claims?|accusations?|allegations?|reports?)\b", after) is not None
    return False  # "quote": only as the attribution of a direct quote


def _told(after: str) -> int | None:
    """After "told" and its listener: the offset where a clause without "that" starts, -1 when only the
    circumstances follow (the content came before the speaker), else None."""
    listener = _LISTENER.match(after)
    if listener is None:
        return None
    rest = after[listener.end() :]
    if _ONLY_CIRCUMSTANCE.match(rest):
        return -1
    clause = _CLAUSE_START.match(rest)
    return listener.end() + clause.end() - 1 if clause else None


def _content_start(text: str, verb: _Verb, pos: int, end: int) -> int:
    """Where the reported content starts after a verb ending at ``pos``: after ``that`` or ``as`` if near."""
    window = text[pos : min(end, pos + 80)]
    key = {"as": r"\bas\b", "on": r"\b(?:on|upon|for)\b"}.get(verb.needs or "", r"\bthat\b")
    match = re.search(key, window)
    # "said in a statement on Monday that ...": skip a short adverbial before "that", never a clause
    near = match is not None and match.start() < 40 and not re.search(r"\bto\s|\b\w+(?:ed|ing)\b", window[: match.start()])
    if match and (verb.needs in ("as", "on", "that") or near) and not re.search(r"[.;“\"]", window[: match.start()]):
        pos += match.end()
    while pos < end and text[pos] in " ,:\u00a0":
        pos += 1
    return pos


def find_quotes(doc: Document, cfg: QuotesSettings) -> tuple[Quote, ...]:
    """Every direct quote and reported statement of ``doc``, with speaker, stance and target."""
    text = doc.text
    spans = quote_marks(text, min_words=cfg.min_direct_words)
    directs = [s for s in spans if s.direct]
    in_quote = Coverage(len(text), ((s.start, s.end) for s in spans))
    in_direct = Coverage(len(text), ((s.start, s.end) for s in directs))
    direct_opens = [s.open_mark for s in directs]
    starts = sentence_starts(text)
    entities = sorted((e for e in doc.entities if e.label in (*_SPEAKER_LABELS, "LOC", "FAC")), key=lambda e: e.start)
    forms, verb_re = _verbs()
    found: list[_Found] = []
    for span in directs:
        found.append(_attribute_direct(text, span, starts, entities, forms, verb_re, in_quote))
    if cfg.reported:
        for lo, hi in sentence_spans(text):
            found.extend(_reported(text, lo, hi, entities, forms, verb_re, in_quote, in_direct, direct_opens))
    found.sort(key=lambda f: (f.start, f.order))
    return _resolve(doc, found, spans, entities, cfg, starts)


def _attribute_direct(
    text: str,
    span: _Span,
    starts: list[int],
    entities: list[Entity],
    forms: dict[str, _Verb],
    verb_re: re.Pattern[str],
    in_quote: Coverage,
) -> _Found:
    close = span.end
    while close < len(text) and text[close] in ".,;:!?… ":
        close += 1
    next_quote = close > span.end and text[close - 1] == " " and close < len(text) and text[close] in "“„«"
    if close < len(text) and text[close] in "”\"»’“" and not next_quote:
        close += 1
    # a quote closed after its full stop and followed by another quote has no attribution after it
    tail_end = close if next_quote else _next_sentence_end(text, close)
    tail = text[close:tail_end]
    lead = tail.lstrip(" ,—–-\u00a0")
    offset = close + len(tail) - len(lead)
    content = text[span.start : span.end]
    # ", said the governor" / ", the governor said"; not ", describing the incident as ..." (a participle adds content)
    inv = verb_re.match(lead)
    if inv and forms[inv.group()].needs in (None, "quote") and not inv.group().endswith("ing"):
        np = _np_after(text, offset + inv.end(), tail_end)
        if np and _speaker_like(text, np, entities):
            return _Found(span.start, span.end, True, np, inv.group(), _quote_stance(forms[inv.group()], content), 0)
    for match in verb_re.finditer(lead):
        rest = lead[match.end() :]
        listener = _LISTENER.match(rest) if forms[match.group()].lemma == "tell" else None
        if listener:  # ", a rescuer told Golden Land Monitor."
            rest = rest[listener.end() :]
        if match.start() > 80 or not _AFTER_TAIL.match(rest):
            break
        np = _subject(text, offset, offset + match.start())
        if np and _speaker_like(text, np, entities):
            return _Found(span.start, span.end, True, np, match.group(), _quote_stance(forms[match.group()], content), 0)
        break
    # before the quote, in its sentence: "X said: “", "According to X, “", "X condemned ... calling it “"
    sent_lo = starts[bisect.bisect_right(starts, span.open_mark) - 1]
    prefix_verbs = [
        m
        for m in verb_re.finditer(text, sent_lo, span.open_mark)
        if not in_quote.overlaps(m.start(), m.end()) and not _is_noun(text, sent_lo, m.start())
    ]
    # "condemned what it called “...”": a verb without what it needs ("called on") is no reporting verb here
    stance = _governing_stance(
        [
            _verb_stance(forms[m.group()], content)
            for m in prefix_verbs
            if forms[m.group()].needs in (None, "quote") or _needs_ok(forms[m.group()], text[m.end() : span.open_mark + 1])
        ],
        content,
    )
    for index in range(len(prefix_verbs) - 1, -1, -1):
        match = prefix_verbs[index]
        if match.group().endswith("ing"):
            continue
        np = _subject(text, sent_lo, match.start())
        if np is None and _AND_BEFORE.search(text, sent_lo, match.start()):
            # "X expressed its solidarity ... and condemned “...”": the subject of the first verb
            earlier = [_subject(text, sent_lo, m.start()) for m in prefix_verbs[:index] if not m.group().endswith("ing")]
            np = next((e for e in earlier if e and _speaker_like(text, e, entities)), None)
            np = np or _clause_subject(text, sent_lo, match.start(), entities, in_quote)
        if np and _speaker_like(text, np, entities):
            return _Found(span.start, span.end, True, np, match.group(), stance, 0)
    according = None
    for according in re.finditer(r"\b[Aa]ccording to\s+([^,.;“\"]{2,80})", text[sent_lo : span.open_mark]):
        pass
    if according:
        np = (sent_lo + according.start(1), sent_lo + according.end(1))
        return _Found(span.start, span.end, True, _trim(text, np), "according to", stance, 0)
    # a colon ending the sentence before: "The post reads:" / "X told reporters:"
    prev_lo = starts[max(bisect.bisect_right(starts, span.open_mark) - 2, 0)]
    before = text[prev_lo:span.open_mark].rstrip(" “\"«„\n")
    if before.endswith(":"):
        for match in reversed(list(verb_re.finditer(text, prev_lo, prev_lo + len(before)))):
            np = _subject(text, prev_lo, match.start())
            if np and _speaker_like(text, np, entities):
                return _Found(span.start, span.end, True, np, match.group(), stance, 0)
    return _Found(span.start, span.end, True, None, None, stance, 0, carry=True)


def _quote_stance(verb: _Verb, content: str) -> str:
    return _verb_stance(verb, content) or _stance_of_content(content)


def _strongest(stances: list[str | None]) -> str | None:
    order = _lexicon()["stance_order"]
    present = [s for s in stances if s]
    return min(present, key=order.index) if present else None


def _governing_stance(stances: list[str | None], content: str) -> str:
    """The stance of a quote after its introducing clause: the verb nearest the quote governs it ("denied ...
    and accused the police of “...”" is an accusation); a neutral nearest verb leaves it to the content, then
    to the other verbs of the clause."""
    if stances and stances[-1]:
        return stances[-1]
    from_content = _stance_of_content(content)
    if from_content != "claim":
        return from_content
    return _strongest(stances) or "claim"


def _is_noun(text: str, lo: int, pos: int) -> bool:
    """A verb form after an article or a possessive is a noun: "the group's claims", "the report"; a base
    form may have a modifier between ("a 911 call on Saturday")."""
    if _NOUN_BEFORE.search(text[max(lo, pos - 12) : pos]):
        return True
    match = _WORD.match(text, pos)
    form = match.group() if match else ""
    verb = _verbs()[0].get(form)
    if verb is None or form not in (verb.lemma, verb.lemma + "s"):
        return False
    return re.search(r"\b(?:the|a|an|its|their|his|our|this|that)\s+[\w'’-]+\s+$", text[max(lo, pos - 30) : pos], re.I) is not None


def _clause_subject(text: str, lo: int, hi: int, entities: list[Entity], in_quote: Coverage) -> tuple[int, int] | None:
    """The named subject of the clause before ``hi``: the first speaker entity (or an opening pronoun) of the
    sentence that a verb follows and no preposition precedes ("At one point Murphy broke down and claimed")."""
    opening = re.match(r"\s*(He|She|They)\s+[a-z]", text[lo:hi])
    if opening:
        return lo + opening.start(1), lo + opening.end(1)
    for e in entities:
        if e.start < lo or e.label not in _SPEAKER_LABELS or in_quote.overlaps(e.start, e.end):
            continue
        if e.end > hi:
            break
        before = re.sub(r"(?:\b(?:the|a|an)\s+)$", "", text[lo : e.start], flags=re.I)
        previous = _WORD.findall(before[-30:])
        if previous and previous[-1].lower() in _PREPOSITIONS and not before.rstrip().endswith(","):
            continue
        follow = re.match(r"(?:\s*\([^()]*\))?\s+([a-z]+)", text[e.end : hi])
        if follow and follow.group(1) not in _PREPOSITIONS and follow.group(1) not in ("who", "which", "whose"):
            return e.start, e.end
    return None


_NP_AFTER = re.compile(r"\s+([^,.;:“\"]{2,90}?)(?=\s*(?:[,.;:]|$)|\s+(?:in|on|at|during|after|who|when|adding|according)\b)")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Capt|Rep|Sen|Gov|Amb|St|No|Jr|Sr)|\b[A-Z])$")


def _next_sentence_end(text: str, pos: int) -> int:
    for match in _SENTENCE_END.finditer(text, pos):
        at = match.start()
        if match.group() == "." and _ABBREVIATION.search(text, max(pos, at - 5), at):
            continue  # "Mr. Lajcak wrote": an abbreviation, not the end of the sentence
        return at
    return len(text)


def _np_after(text: str, pos: int, end: int) -> tuple[int, int] | None:
    """The noun phrase after an inverted verb (", said the governor of X, adding ...")."""
    match = _NP_AFTER.match(text, pos, end)
    if not match:
        return None
    stop = match.end(1)
    while stop < end and text[stop] == "." and _ABBREVIATION.search(text, max(pos, stop - 5), stop):
        more = re.compile(r"\.([^,.;:“\"]{1,90}?)(?=\s*(?:[,.;:]|$)|\s+(?:in|on|at|during|after|who|when|adding|according|with)\b)").match(text, stop, end)
        if not more:
            break
        stop = more.end(1)  # "said Lt. Aaron Turk": the abbreviation does not end the name
    return match.start(1), stop


def _trim(text: str, np: tuple[int, int]) -> tuple[int, int]:
    start, end = np
    while end > start and text[end - 1] in " \u00a0":
        end -= 1
    return start, end


def _clause_end(text: str, pos: int, hi: int, verb_re: re.Pattern[str]) -> int:
    end = hi
    match = _CLAUSE_END.search(text, pos, hi)
    if match:
        end = match.start()
    # a second reporting verb starts another statement: ", adding ...", " and denied ..."
    for verb in verb_re.finditer(text, pos, end):
        before = text[max(pos, verb.start() - 12) : verb.start()]
        if verb.group().endswith("ing") and before.rstrip().endswith(","):
            return text.rfind(",", pos, verb.start())
        if re.search(r"(?:,\s*|\s)and\s+(?:also\s+)?$|,\s*$", before):
            return verb.start() - len(before) + (before.rfind(",") if "," in before else before.rfind(" and"))
    return end


def _reported(
    text: str,
    lo: int,
    hi: int,
    entities: list[Entity],
    forms: dict[str, _Verb],
    verb_re: re.Pattern[str],
    in_quote: Coverage,
    in_direct: Coverage,
    direct_opens: list[int],
) -> list[_Found]:
    out: list[_Found] = []
    main_subject: tuple[int, int] | None = None
    for match in verb_re.finditer(text, lo, hi):
        if in_quote.overlaps(match.start(), match.end()) or _is_noun(text, lo, match.start()):
            continue
        verb = forms[match.group()]
        after = text[match.end() : hi]
        if any(after.lstrip().lower().startswith(word) for word in verb.not_before) or not _needs_ok(verb, after):
            continue
        if _NEGATED.search(text[max(lo, match.start() - 16) : match.start()]):
            continue  # "Police have not confirmed any names": no statement was made
        if match.group().endswith("ing"):
            np = main_subject
            if np is None and text[lo : match.start()].rstrip().endswith(","):
                # "..., Murphy was interviewed on Tuesday, saying ...": the subject of the clause before
                np = _clause_subject(text, lo, match.start(), entities, in_quote)
        else:
            np = _subject(text, lo, match.start())
            coordinated = np is None and _AND_BEFORE.search(text, lo, match.start()) is not None
            if coordinated:
                # "X claimed responsibility and said that ...", "Murphy broke down and claimed ..."
                np = main_subject or _clause_subject(text, lo, match.start(), entities, in_quote)
            if np is None or not _speaker_like(text, np, entities):
                continue
            main_subject = np
        if np is None:
            continue
        told = _told(after) if verb.needs == "object" and not re.match(r"\s+(?:[^.;:“\"]{0,60}?\s)?that\b", after) else None
        if told == -1:
            start = end = hi  # "..., X told ABC News on Saturday.": the content is before
        elif told is not None:
            start = match.end() + told
            end = _clause_end(text, start, hi, verb_re)
        else:
            start = _content_start(text, verb, match.end(), hi)
            end = _clause_end(text, start, hi, verb_re)
        comma = text.rfind(",", lo, np[0])
        if (start >= end or _AFTER_TAIL.match(text[match.end() : hi]) and not text[match.end() : hi].strip(" .")) and (
            comma >= lo and not text[comma + 1 : np[0]].strip()
        ):
            # "Two more were injured, the minister added.": the content comes before the speaker
            start, end = lo, comma
        if start < end and start in direct_opens:
            continue  # "He said that “...”": the direct quote is the statement
        clipped = _clip_at_quote(text, start, end, direct_opens, verb_re)
        while clipped > start and text[clipped - 1] in " ,;:\u00a0":
            clipped -= 1
        if start >= clipped or in_direct.overlaps(start, clipped):
            continue
        if len(_WORD.findall(text, start, clipped)) < (2 if clipped == end else 3):
            continue
        if clipped != end and _LEAD_IN.search(text[start:clipped]):
            continue
        if start > match.start() and in_direct.overlaps(lo, match.start()) and _ADVERBIAL_ONLY.match(text, start, clipped):
            continue  # "“...,” she said in tears Monday.": when and how, not what
        for a, b in _split_that(text, start, clipped):
            content = text[a:b]
            stance = _verb_stance(verb, content) or _stance_of_content(content)
            if stance == "claim" and not match.group().endswith("ing") and coordinated and out and out[-1].np == np:
                # "condemned the attack and said the nation salutes ...": one statement, the stance of its first verb
                if len(_WORD.findall(text, out[-1].start, out[-1].end)) <= 4:
                    stance = out[-1].stance
            out.append(_Found(a, b, False, np, match.group(), stance, 1))
    for according in re.finditer(r"\b[Aa]ccording to\s+([^,.;“\"]{2,80})", text[lo:hi]):
        np = _trim(text, (lo + according.start(1), lo + according.end(1)))
        a_start, a_end = lo + according.start(), lo + according.end()
        if a_start == lo:  # "According to X, content."
            start = a_end
            while start < hi and text[start] in " ,\u00a0":
                start += 1
            end = _clause_end(text, start, hi, verb_re)
        else:  # "content, according to X."
            start, end = lo, a_start
        while end > start and text[end - 1] in " ,;:\u00a0":
            end -= 1
        if start >= end or in_direct.overlaps(start, end) or len(_WORD.findall(text, start, end)) < 3:
            continue
        out.append(_Found(start, end, False, np, "according to", _stance_of_content(text[start:end]), 1))
    out.extend(_passive(text, lo, hi, entities, in_direct))
    return out


def _clip_at_quote(text: str, start: int, end: int, direct_opens: list[int], verb_re: re.Pattern[str]) -> int:
    """The end of a reported clause that runs into a direct quote: before the quote mark, without the
    reporting verb that introduces the quote ("it's under investigation, and went on to say, “...”")."""
    index = bisect.bisect_left(direct_opens, start)
    if index == len(direct_opens) or direct_opens[index] >= end:
        return end
    end = direct_opens[index]
    last = None
    for last in verb_re.finditer(text, start, end):
        pass
    if last is not None and not text[last.end() : end].strip(" ,:\u00a0"):
        cut = max(text.rfind(",", start, last.start()), text.rfind(" and ", start, last.start()))
        # "condemned what it called “...”": nothing before the quote's own verb is a statement
        return cut if cut > start and last.start() - cut < 30 else start
    return end


def _split_that(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A reported clause with a second "that" clause ("said a jet was heard ..., and that no armed group was
    present") is two statements."""
    parts = []
    for match in _AND_THAT.finditer(text, start, end):
        parts.append((start, match.start()))
        start = match.end()
    parts.append((start, end))
    return [(a, b) for a, b in parts if len(_WORD.findall(text, a, b)) >= 2]


def _passive(text: str, lo: int, hi: int, entities: list[Entity], in_direct: Coverage) -> list[_Found]:
    """ "The attack was described as a terrorist act by X": X describes, the label is the content (its stance
    from the label: "a terrorist act" condemns, "stable" claims)."""
    out = []
    for match in _PASSIVE_LABEL.finditer(text, lo, hi):
        np = _trim(text, match.span("by"))
        if not _speaker_like(text, np, entities) or in_direct.overlaps(*match.span("label")):
            continue
        stance = _stance_of_content(match.group("label"))
        out.append(_Found(match.start("label"), match.end("label"), False, np, match.group("verb"), stance, 1))
    return out


def _resolve(
    doc: Document, found: list[_Found], spans: list[_Span], entities: list[Entity], cfg: QuotesSettings, starts: list[int]
) -> tuple[Quote, ...]:
    text = doc.text
    in_quote = Coverage(len(text), ((s.start, s.end) for s in spans))
    persons = [e for e in entities if e.label == "PERSON" and not in_quote.overlaps(e.start, e.end)]
    # a person named inside what someone reported is not who "he" is next ("The spokesman said Smith was held.")
    in_reported = Coverage(len(text), ((f.start, f.end) for f in found if not f.direct))
    antecedents = [e for e in persons if not in_reported.overlaps(e.start, e.end)]
    mentions = _mentions(text, starts, in_quote)
    context = _Context(antecedents, [e.start for e in antecedents], mentions)
    history: list[tuple[int, str, str, str]] = []  # (position, speaker, speaker_text, person|group|written)
    last_direct: tuple[int, str | None, str | None] | None = None
    quotes: list[Quote] = []
    for item in found:
        speaker: str | None = None
        speaker_text: str | None = None
        if item.np is not None:
            speaker, speaker_text, kind = _resolve_np(text, item.np, entities, persons, context, history)
            if speaker is not None:
                history.append((item.np[0], speaker, speaker_text or speaker, kind))
        elif item.carry and last_direct is not None and _paragraphs_between(text, last_direct[0], item.start) <= cfg.carry_paragraphs:
            speaker, speaker_text = last_direct[1], last_direct[2]
        elif item.carry and history and _paragraphs_between(text, history[-1][0], item.start) <= cfg.carry_paragraphs:
            # a quote opening its paragraph after a reported statement: the same speaker goes on
            speaker, speaker_text = history[-1][1], history[-1][2]
        if item.direct:
            last_direct = (item.end, speaker, speaker_text)
        stance = item.stance or "claim"
        previous = quotes[-1] if quotes else None
        if (
            item.direct
            and stance == "claim"
            and previous is not None
            and not previous.direct
            and previous.stance in ("denial", "accusation")
            and speaker is not None
            and previous.speaker == speaker
            and _paragraphs_between(text, previous.end, item.start) == 0
            and len(sentence_starts(text[previous.end : item.start])) <= 2
        ):
            # "The spokesman rejected the allegation. “We allow no one ...,” he wrote.": the quote bears it out
            stance = previous.stance
        target = _target(text, item, entities, speaker)
        quotes.append(
            Quote(
                speaker=speaker,
                speaker_text=speaker_text,
                stance=stance,
                target=target,
                text=text[item.start : item.end],
                direct=item.direct,
                cue=item.cue,
                start=item.start,
                end=item.end,
            )
        )
    return tuple(quotes)


def _paragraphs_between(text: str, a: int, b: int) -> int:
    return len(re.findall(r"\n\s*\n|\n", text[a:b]))


@dataclass(frozen=True, slots=True)
class _Context:
    """What a pronoun can stand for: persons named outside quotes and reported content, and the unnamed
    persons that open a sentence as its subject."""

    persons: list[Entity]
    person_starts: list[int]
    mentions: list[tuple[int, str, str, str]]  # (position, speaker, speaker_text, person|group)


def _mentions(text: str, starts: list[int], in_quote: Coverage) -> list[tuple[int, str, str, str]]:
    """Sentences opening with an unnamed person ("The abbot of the monastery was among those hurt."): who a
    "he said" after them most likely means."""
    out = []
    pattern = _mention_re()
    for lo in starts:
        while lo < len(text) and text[lo] in " \n\t\u00a0":
            lo += 1
        match = pattern.match(text, lo)
        if match is None or in_quote.overlaps(match.start(), match.end()):
            continue
        written = _ARTICLE.sub("", match.group())
        out.append((match.start(), written, match.group(), _head_kind(written) or "person"))
    return out


def _head_kind(phrase: str) -> str | None:
    """``person`` (or ``group`` for a plural) when the head noun of ``phrase`` names a person ("EU officials",
    "the head of BINUH (...)", "the Foreign Office spokesperson"), else None."""
    head_part = re.split(r"\(|,|\bof\b|\bfor\b|\bat\b|\bin\b", phrase, maxsplit=1)[0]
    words = _WORD.findall(head_part.lower())
    if not words:
        return None
    head = words[-1]
    nouns = _person_nouns()
    if head in nouns:
        return "person"
    if (head.endswith("s") and head[:-1] in nouns) or (head.endswith("es") and head[:-2] in nouns) or head == "people":
        return "group"
    if head.endswith("men") and head[:-3] + "man" in nouns:
        return "group"
    return None


@lru_cache(maxsize=4096)
def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def _resolve_np(
    text: str,
    np: tuple[int, int],
    entities: list[Entity],
    persons: list[Entity],
    context: _Context,
    history: list[tuple[int, str, str, str]],
) -> tuple[str | None, str | None, str]:
    surface = text[np[0] : np[1]]
    words = [w.lower() for w in _WORD.findall(surface)]
    pronouns = _lexicon()["pronouns"]
    if len(words) == 1 and words[0] in pronouns:
        # "he said": the latest person named, unnamed person opening a sentence, or speaker met before it
        want_person = pronouns[words[0]] == "person"
        kinds = ("person", "written") if want_person else ("group", "written")
        best: tuple[int, str] | None = None
        index = bisect.bisect_left(context.person_starts, np[0]) - 1
        if want_person and index >= 0:
            best = (context.persons[index].start, context.persons[index].canonical)
        for entries in (history, context.mentions):
            for pos, speaker, _written, kind in reversed(entries):
                if pos < np[0] and kind in kinds:
                    if best is None or pos > best[0]:
                        best = (pos, speaker)
                    break
        return (best[1] if best else None), surface, "person" if want_person else "group"
    inside = [e for e in entities if e.start >= np[0] and e.end <= np[1]]
    # "Austin's family": a person in the possessive is not the speaker
    people = [e for e in inside if e.label == "PERSON" and not re.match(r"['’]s\b", text[e.end : e.end + 2])]
    if people:
        return people[0].canonical, surface, "person"
    honorific = _HONORIFIC.match(text, np[0], np[1])
    if honorific or (len(words) == 1 and surface[:1].isupper()):
        # "Mr. Lajçak", "Pruitt": the person of that surname named before (else after)
        surname = _fold(honorific.group(1) if honorific else words[0])
        named = [p for p in persons if _fold(p.canonical.split()[-1]) == surname]
        before = [p for p in named if p.end <= np[0]]
        if named:
            return (before[-1] if before else named[0]).canonical, surface, "person"
        if honorific:
            return _ARTICLE.sub("", surface.strip()), surface, "person"
    role = _role_person(text, np, persons)
    if role is not None:
        return role.canonical, surface, "person"
    head_kind = _head_kind(surface)
    if head_kind is not None:
        # "EU officials", "the spokesperson of the UN human rights office": a person of the organisation
        return _ARTICLE.sub("", surface.strip()), surface, head_kind
    for label in ("ORG", "GPE", "NORP"):
        named = [e for e in inside if e.label == label]
        if named and (label == "ORG" or len(words) <= len(_WORD.findall(named[0].text)) + 1):
            return named[0].canonical, surface, "group"
    if words and words[-1] in _lexicon()["documents"] and history:
        return history[-1][1], surface, history[-1][3]
    written = _ARTICLE.sub("", surface.strip())
    return written or None, surface, "written"


def _role_person(text: str, np: tuple[int, int], persons: list[Entity]) -> Entity | None:
    role_re, synonyms = _roles()
    match = None
    for match in role_re.finditer(text, np[0], np[1]):
        pass
    if match is None:
        return None
    phrase = match.group().lower()
    wanted = [phrase, *(s.lower() for s in synonyms.get(phrase, ()))]
    qualifier = text[np[0] : match.start()].strip()
    qual_words = [w.lower()[:5] for w in _WORD.findall(qualifier) if w[0].isupper()]

    def has_role(person: Entity) -> bool:
        role = (person.role or "").lower()
        return any(re.search(r"(?<!vice )(?<!deputy )\b" + re.escape(w) + r"\b", role) for w in wanted)

    candidates = [p for p in persons if has_role(p)]
    if qual_words:
        qualified = [p for p in candidates if any(w in (p.role or "").lower() for w in qual_words)]
        candidates = qualified or candidates
    if not candidates:
        return None
    # same person mentioned many times: the latest named before the phrase, else the first after
    before = [p for p in candidates if p.end <= np[0]]
    return before[-1] if before else candidates[0]


def _target(text: str, item: _Found, entities: list[Entity], speaker: str | None) -> str | None:
    if item.stance in (None, "claim"):
        return None
    for e in entities:
        if e.start >= item.start and e.end <= item.end and e.label in _SPEAKER_LABELS and e.canonical != speaker:
            return e.canonical
    return None


@stage("quotes.rules.v1", slot="quotes", requires=("text", "entities"), assigns=("quotes",), section="quotes")
def extract_quotes(doc: Document, cfg: QuotesSettings) -> Document:
    """Set ``quotes``: the report's direct quotes and reported statements (skipped for a non-English report)."""
    if doc.analysis is not None:
        return doc
    quotes = find_quotes(doc, cfg)
    logger.debug("%s: %d quotes, %d direct", doc.doc_id, len(quotes), sum(q.direct for q in quotes))
    return doc.model_copy(update={"quotes": quotes})
