"""Named entities with canonical names: spaCy's NER where it pays, corrected by general rules for news text.

What NER reads (``entities.ner_scope``): with ``'all'`` every sentence; with ``'cue'`` (the default, about
three times faster) the lead line and the event sentences that name someone, then a window around each
full name that first pass did not meet. Names found are then found in every sentence of the report.

spaCy's small English model makes known faults on machine-translated news: town names tagged as
people or organisations, given names split off by parenthetical translator insertions ("the
president (of Serbia, Aleksandar). Vucic"), headline words in Title Case tagged as names, the same
name labelled differently in one report. The corrections, in order:

1. organisation aliases from ``resources/lexicons/organisations.json`` win over NER
   ("NATO contingent in Kosovo" is KFOR);
2. parenthetical insertions that split a person's name are rejoined, and a role or honorific before
   capitalised words makes a person ("Prime Minister Albin Kurti");
3. Title-Case headline entities are kept only when the body confirms them; PERSON spans made of
   common nouns ("Tensions" opening a sentence) are dropped;
4. every other mention of a name found, and a person's surname, takes its label (``_propagate``);
5. a single name equal to the surname of a full PERSON name in the report is that person;
6. PERSON/ORG mentions that the gazetteer knows as a place in the report's countries become GPE,
   demonyms become NORP, and a word qualifying a role ("Kosovar Prime Minister") is not an ORG;
7. each distinct name takes the label most of its mentions have in the report;
8. place names that name no place here take their kind: a people is NORP, a union of states or a city
   standing for its government ORG, and a clock's zone ("3:40 Moscow time") is no entity (issue 16).

Canonical names are diacritic-folded with titles stripped (Vučić = Vucic → "Aleksandar Vucic"), so
the same person gets the same canonical name in every report.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from anyascii import anyascii

from ..lexicons import is_english_word, load_lexicon, trie_pattern
from ..model import Document, Entity
from ..registry import stage
from ..textspans import Coverage, sentence_spans
from ..settings import EntitiesSettings

__all__ = ["NerInput", "canonical_name", "load_nlp", "ner_input", "recognise_entities", "second_ner_input"]

logger = logging.getLogger(__name__)

KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# "(of Serbia, Aleksandar). Vucic", "(of Kosovo Albin) Kurti": a translator's parenthesis that swallowed
# a given name, with the surname right after it.
_SPLIT_NAME = re.compile(
    r"\((?:of\s+)?(?P<ctx>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)?)\s*,?\s+(?P<given>[A-Z][\w’'-]+)\)\.?\s+"
    r"(?P<surname>[A-Z][\w’'-]+)"
)
# A name followed by a place noun is that kind of place: "the Rudar region", "the Banj monastery".
_FOLLOWING_NOUN_LABEL = {
    **dict.fromkeys(("region", "area", "district", "province", "valley", "mountains", "river"), "LOC"),
    **dict.fromkeys(("village", "town", "city", "municipality", "county", "settlement"), "GPE"),
    **dict.fromkeys(("monastery", "church", "mosque", "bridge", "airport", "hospital", "base", "camp", "border crossing"), "FAC"),
}
_FOLLOWING_NOUN = re.compile(r"[\s\u00a0]+(" + "|".join(_FOLLOWING_NOUN_LABEL) + r")\b")
_PRECEDING_PLACE = re.compile(r"\b(?:village|town|city|municipality|settlement|region) of[\s\u00a0]+$")
_POSSESSIVE = re.compile(r"['’]s$")
_LEADING_ARTICLE = re.compile(r"^(?:the|The)\s+")
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    label: str
    canonical: str | None = None  # set when a rule already knows it (aliases, rejoined names)
    in_title: bool = False


@lru_cache(maxsize=4)
def load_nlp(model: str) -> Any:
    """Load spaCy's NER once per process (it has its own token encoder).

    The tagger, parser, sentence splitter and lemmatizer are not loaded: nothing downstream reads them,
    and on news text they took 40% of the stage's time.
    """
    import spacy

    return spacy.load(model, exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"])


@lru_cache(maxsize=1)
def _organisation_aliases() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every alias of the organisation lexicon, and each alias's canonical name.

    Acronyms match case-sensitively ("NATO", not "nato"); names whatever their case. A regex over the
    whole text replaced spaCy's EntityRuler: it also covers sentences NER does not read.
    """
    canonical: dict[str, str] = {}
    acronyms, names = [], []
    for org in load_lexicon("organisations.json")["organisations"]:
        for alias in org["aliases"]:
            alias = _WS.sub(" ", alias.strip())
            if alias.replace(".", "").replace(" ", "").isupper():
                acronyms.append(alias)
                canonical[alias] = org["canonical"]
            else:
                names.append(alias.lower())
                canonical[alias.lower()] = org["canonical"]
    # Names first, so "NATO contingent in Kosovo" wins over the acronym "NATO"; each trie prefers its longest.
    body = f"(?i:{trie_pattern(names)})|{trie_pattern(acronyms)}"
    return re.compile(r"(?<![\w-])(?:" + body + r")(?![\w-])"), canonical


def _organisation_spans(text: str) -> list[_Span]:
    pattern, canonical = _organisation_aliases()
    spans = []
    for match in pattern.finditer(text):
        surface = _WS.sub(" ", match.group())
        spans.append(_Span(match.start(), match.end(), "ORG", canonical.get(surface) or canonical.get(surface.lower())))
    return spans


@lru_cache(maxsize=1)
def _titles() -> tuple[re.Pattern[str], frozenset[str]]:
    data = load_lexicon("titles.json")
    roles = sorted(data["roles"], key=len, reverse=True)
    # "Serbian President", "Kosovo's Prime Minister", "the Prime Minister of Kosovo": role just before a name.
    role_re = re.compile(
        r"(?:(?P<qual>[A-Z][\w’'-]+(?:['’]s)?)\s+)?(?P<role>" + "|".join(re.escape(r) for r in roles) + r")"
        r"(?:\s+of\s+(?P<of>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?))?\s*,?\s*$"
    )
    return role_re, frozenset(h.rstrip(".").lower() for h in data["honorifics"])


def fold_text(text: str) -> str:
    """Diacritics and other scripts folded to ASCII, whitespace collapsed (case kept)."""
    return _WS.sub(" ", anyascii(text)).strip()


def canonical_name(text: str, label: str) -> str:
    """The canonical form of a name: folded, without articles, possessives, honorifics or brackets."""
    name = _WS.sub(" ", re.sub(r"[()\[\]]", " ", text)).strip(" .,;:")
    name = _POSSESSIVE.sub("", name)
    if label != "PERSON":
        name = _LEADING_ARTICLE.sub("", name)
    else:
        _, honorifics = _titles()
        tokens = name.split()
        while len(tokens) > 1 and tokens[0].rstrip(".").lower() in honorifics:
            tokens = tokens[1:]
        name = " ".join(tokens)
    return fold_text(name)


def _title_end(text: str) -> int:
    """End of the first line when it is a Title-Case headline (most words capitalised), else 0."""
    first = text.split("\n", 1)[0]
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", first) if len(w) > 3]
    if len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) >= 0.7 and "\n" in text:
        return len(first)
    return 0


# A capital letter inside a sentence: a sentence without one names nobody NER could find (a name
# opening it is found through its other mentions).
_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[^\s.!?\"“(]\s)[A-Z]")
# How much of its sentence the second NER pass reads on each side of a name it looks at: enough for the
# words that tell a person from an organisation ("said", "spokesman", "ministry").
_SECOND_PASS_CONTEXT = 60
# Two capitalised words after a lower-case word: a full name ("said Albin Kurti", "the Kosovo Police").
_NAME_PAIR = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+ [A-Z][a-z]+")


@lru_cache(maxsize=1)
def _event_cue() -> re.Pattern[str]:
    return re.compile(r"\b" + trie_pattern(load_lexicon("event_cues.json")["stems"], prefixes=True), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NerInput:
    """The part of a report NER reads: its chosen sentences joined by newlines, and where each came from."""

    text: str
    doc_starts: tuple[int, ...]  # offset in the report of each chosen sentence
    joined_starts: tuple[int, ...]  # offset of the same sentence in ``text``

    def to_doc(self, offset: int) -> int:
        """Map an offset in ``text`` to the report."""
        i = bisect_right(self.joined_starts, offset) - 1
        return self.doc_starts[i] + offset - self.joined_starts[i]

    def segment(self, offset: int) -> int:
        return bisect_right(self.joined_starts, offset) - 1


def ner_input(text: str, cfg: EntitiesSettings, sentences: list[tuple[int, int]] | None = None) -> NerInput:
    """What NER reads first: the whole report (``ner_scope='all'``), or (``'cue'``) its lead sentences and
    those with an event cue and a capitalised word inside.

    The 'cue' scope is the fast path: a second, smaller pass (:func:`second_ner_input`) reads the
    sentences naming someone the first pass did not meet; names seen are then found in every sentence by
    ``_propagate``, and places by the geocode stage's gazetteer scan.
    """
    if cfg.ner_scope == "all":
        return NerInput(text, (0,), (0,))
    cue = _event_cue()
    return _joined(
        text,
        [
            (a, b)
            for i, (a, b) in enumerate(sentence_spans(text) if sentences is None else sentences)
            if i < cfg.ner_lead_sentences or (cue.search(text, a, b) and _MID_SENTENCE_CAPITAL.search(text, a, b))
        ],
    )


def second_ner_input(
    text: str,
    first: NerInput,
    known_words: set[str],
    gaz: Any | None,
    context_chars: int = _SECOND_PASS_CONTEXT,
    sentences: list[tuple[int, int]] | None = None,
) -> NerInput:
    """Where the first pass skipped a full name it did not meet ("said Vjosa Osmani": two capitalised words
    after a lower-case word, neither a word of a name already found, and not together a gazetteer place):
    that name with ``context_chars`` of its sentence on each side, cut at whitespace."""
    read = set(first.doc_starts)
    chosen: list[tuple[int, int]] = []
    for a, b in sentence_spans(text) if sentences is None else sentences:
        if a in read:
            continue
        for match in _NAME_PAIR.finditer(text, a, b):
            first_word, second_word = match.group().split()
            if first_word in known_words or second_word in known_words:
                continue
            if gaz is not None and gaz.lookup(match.group()):
                continue
            start = a if match.start() - context_chars <= a else text.find(" ", match.start() - context_chars) + 1
            end = b if match.end() + context_chars >= b else text.rfind(" ", match.end(), match.end() + context_chars)
            end = end if end > match.end() else match.end()
            if chosen and start <= chosen[-1][1]:
                chosen[-1] = (chosen[-1][0], max(end, chosen[-1][1]))
            else:
                chosen.append((start, end))
    return _joined(text, chosen)


def _joined(text: str, chosen: list[tuple[int, int]]) -> NerInput:
    parts, doc_starts, joined_starts, pos = [], [], [], 0
    for a, b in chosen:
        parts.append(text[a:b])
        doc_starts.append(a)
        joined_starts.append(pos)
        pos += b - a + 1
    return NerInput("\n".join(parts), tuple(doc_starts), tuple(joined_starts))


def _spans_from_spacy(sdoc: Any, ner_in: NerInput, text: str, title_end: int, lowered: set[str]) -> list[_Span]:
    spans = []
    for ent in sdoc.ents:
        if ent.label_ not in KEPT_LABELS:
            continue
        if ner_in.segment(ent.start_char) != ner_in.segment(max(ent.start_char, ent.end_char - 1)):
            continue  # runs across two sentences that were not neighbours in the report
        start, end = ner_in.to_doc(ent.start_char), ner_in.to_doc(ent.end_char - 1) + 1
        surface = text[start:end]
        # Trim articles and stray whitespace (spaCy keeps "the\u00a0\u00a0Jerusalem Post").
        lead = re.match(r"(?:the|The)[\s\u00a0]+", surface) if ent.label_ != "PERSON" else None
        if lead:
            start += lead.end()
        surface = text[start:end]
        start += len(surface) - len(surface.lstrip())
        end -= len(surface) - len(surface.rstrip())
        if end <= start:
            continue
        if ent.label_ == "PERSON" and (
            all(tok.lower_ in lowered or tok.is_stop for tok in ent)
            or (len(ent) == 1 and _starts_sentence(text, start) and is_english_word(ent.text.lower()))
        ):
            # "Citizens" or "Tensions" starting a sentence is a common noun, not a person; a surname that is
            # also a word ("Smith said") comes back through its full name in _propagate.
            continue
        spans.append(_Span(start, end, ent.label_, None, start < title_end))
    return spans


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start]
    return start == 0 or before.endswith("\n") or bool(re.search(r"[.!?][\"”’')]*\s+$", before))


def _without_overlaps(first: list[_Span], second: list[_Span]) -> list[_Span]:
    """``first`` plus the spans of ``second`` that overlap none of ``first``."""
    covered = Coverage(max((s.end for s in (*first, *second)), default=0), ((f.start, f.end) for f in first))
    kept = [s for s in second if not covered.overlaps(s.start, s.end)]
    return sorted([*first, *kept], key=lambda s: (s.start, s.end))


def _titled_people(text: str) -> list[_Span]:
    """PERSON spans from a role or honorific right before capitalised words ("Prime Minister Albin Kurti")."""
    return [_Span(m.start("name"), m.end("name"), "PERSON") for m in _titled_person_re().finditer(text)]


@lru_cache(maxsize=1)
def _titled_person_re() -> re.Pattern[str]:
    data = load_lexicon("titles.json")
    # "St." names places ("St. Louis") more often than saints; a role ending a sentence ("the Prime
    # Minister. Tensions rose") is not followed by a name, so no full stop after a role.
    honorifics = [h for h in data["honorifics"] if not h.startswith("St")]
    words = sorted([*data["roles"], *honorifics], key=len, reverse=True)
    return re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\s+"
        r"(?P<name>[A-Z][a-zà-ÿ\u0100-\u024f’'-]+(?:\s+[A-Z][a-zà-ÿ\u0100-\u024f’'-]+){0,2})"
    )


def _propagate(text: str, spans: list[_Span]) -> list[_Span]:
    """Every other mention of a name already found takes its label (and a person's surname, the person).

    NER misses repeats of a name it found elsewhere, and with ``ner_scope='cue'`` it does not read
    every sentence; the report's own names are the best lexicon for the rest of it.
    """
    names: dict[str, tuple[str, str | None]] = {}
    for span in spans:
        surface = text[span.start : span.end]
        if len(surface) >= 3 and surface[0].isupper():
            names.setdefault(surface, (span.label, span.canonical))
        if span.label == "PERSON":
            words = surface.split()
            if len(words) >= 2 and len(words[-1]) >= 3 and words[-1][0].isupper():
                full = span.canonical or canonical_name(surface, "PERSON")
                names.setdefault(words[-1], ("PERSON", full))
    found = []
    for name, (label, canonical) in names.items():
        # str.find over a few dozen names beats one alternation regex compiled per report (measured 4x)
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            if not (at > 0 and (text[at - 1].isalnum() or text[at - 1] in "_-")) and not (
                end < len(text) and (text[end].isalnum() or text[end] in "_-")
            ):
                found.append(_Span(at, end, label, canonical))
            at = text.find(name, at + 1)
    # the longest name first where two found spans overlap ("Albin Kurti" over "Kurti")
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[_Span] = []
    for span in found:
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    found = kept
    return _without_overlaps(spans, found)


def _rejoin_split_names(text: str, spans: list[_Span]) -> list[_Span]:
    """Rejoin "(of Serbia, Aleksandar). Vucic" into one PERSON, keeping the place inside the brackets."""
    for match in _SPLIT_NAME.finditer(text):
        given, surname = match.group("given"), match.group("surname")
        start, end = match.start("given"), match.end("surname")
        spans = [s for s in spans if s.end <= match.start("ctx") or s.start >= end]
        ctx_start, ctx_end = match.start("ctx"), match.end("ctx")
        spans.append(_Span(ctx_start, ctx_end, "GPE"))
        spans.append(_Span(start, end, "PERSON", fold_text(f"{given} {surname}")))
    return sorted(spans, key=lambda s: (s.start, s.end))


def _drop_unconfirmed_title_spans(text: str, spans: list[_Span]) -> list[_Span]:
    body = {fold_text(text[s.start : s.end]).lower() for s in spans if not s.in_title}
    return [s for s in spans if not s.in_title or fold_text(text[s.start : s.end]).lower() in body]


def _gazetteer() -> Any:
    from .geocode import load_gazetteer

    return load_gazetteer()


def _focus_countries(text: str, spans: Sequence[_Span], gaz: Any) -> set[str]:
    """Countries the report is about: the countries its GPE/NORP mentions name, by exact gazetteer match."""
    counts: Counter[str] = Counter()
    for span in spans:
        if span.label not in ("GPE", "NORP"):
            continue
        for entry in gaz.lookup(text[span.start : span.end])[:1]:
            if entry.kind == "country" or span.label == "NORP":
                counts[entry.country] += 1
    return {country for country, _ in counts.most_common(3)}


def _relabel(text: str, spans: list[_Span], gaz: Any | None) -> list[_Span]:
    """Surnames of full names become that PERSON; known places become GPE; demonyms become NORP."""
    surnames: dict[str, str] = {}
    for span in spans:
        if span.label == "PERSON":
            name = canonical_name(text[span.start : span.end], "PERSON") if span.canonical is None else span.canonical
            parts = name.split()
            if len(parts) >= 2:
                surnames.setdefault(parts[-1].lower(), name)
    countries = _focus_countries(text, spans, gaz) if gaz is not None else set()
    out = []
    for span in spans:
        surface = text[span.start : span.end]
        if span.label in ("PERSON", "ORG", "GPE", "LOC", "NORP") and span.canonical is None:
            following = _FOLLOWING_NOUN.match(text, span.end) if span.label != "NORP" else None
            if following:  # not for a people: "the Orthodox monastery", "a Serbian village"
                out.append(replace(span, label=_FOLLOWING_NOUN_LABEL[following.group(1)]))
                continue
            if span.label != "GPE" and _PRECEDING_PLACE.search(text, max(0, span.start - 30), span.start):
                out.append(replace(span, label="GPE"))
                continue
            if span.label == "ORG" and " " not in surface and _role_follows(text, span.end):
                # "Kosovar Prime Minister", "Serbian President": the word qualifying a role is a place or a people
                known = gaz is not None and bool(gaz.lookup(surface))
                out.append(replace(span, label="GPE" if known else "NORP"))
                continue
        single = canonical_name(surface, "PERSON")
        if span.label in ("PERSON", "ORG", "GPE") and " " not in single and single.lower() in surnames:
            out.append(replace(span, label="PERSON", canonical=surnames[single.lower()]))
            continue
        if gaz is not None and span.label in ("PERSON", "ORG", "NORP") and span.canonical is None:
            candidates = gaz.lookup_variants(surface)
            demonym = next((c for c in candidates if c.rule in ("demonym", "plural-demonym")), None)
            place = next(
                (c for c in candidates if c.rule not in ("demonym", "plural-demonym") and c.entry.country in countries),
                None,
            )
            if demonym is not None and demonym.entry.country in countries:
                out.append(replace(span, label="NORP"))
                continue
            if place is not None:
                out.append(replace(span, label="GPE"))
                continue
        out.append(span)
    return out


def _not_places(text: str, spans: list[_Span], gaz: Any | None) -> list[_Span]:
    """Place names that name no place here take their proper kind (issue 16): a people ("three Serbs
    were killed") is NORP, a union of states ("EU") or a city standing for its government ("Washington
    invaded") is ORG, and a clock's zone ("3:40 Moscow time") is part of a time, not an entity. And the
    other way round, a PERSON of several words that is a country's or region's own name is GPE.

    Runs last, after the label votes, so that one metonymic mention does not relabel the others."""
    if gaz is None:
        return spans
    from .geocode import is_clock_zone, name_kind

    from ..geo.gazetteer import fold

    out = []
    for span in spans:
        surface = text[span.start : span.end]
        if span.label == "PERSON" and span.canonical is None and " " in surface and not _role(text, span):
            # "Tamil Nadu" read as a person: a name of several words that is a country's or a first-level
            # region's own name is that place, wherever the report is from
            if any(e.kind in ("country", "region") and fold(e.name) == fold(surface) for e in gaz.lookup(surface)):
                span = replace(span, label="GPE")
        if span.label in _PLACE_LABELS and span.canonical is None:
            if is_clock_zone(text, span.end):
                continue
            kind = name_kind(gaz, text, span.start, span.end)
            if kind != "place":
                span = replace(span, label="NORP" if kind == "demonym" else "ORG")
        out.append(span)
    return out


@lru_cache(maxsize=1)
def _role_after_re() -> re.Pattern[str]:
    roles = sorted(load_lexicon("titles.json")["roles"], key=len, reverse=True)
    return re.compile(r"\s+(?:" + "|".join(re.escape(r) for r in roles) + r")\b")


def _role_follows(text: str, end: int) -> bool:
    return _role_after_re().match(text, end) is not None


def _vote_labels(text: str, spans: list[_Span]) -> list[_Span]:
    """Each distinct name takes the label most of its mentions carry in this report."""
    votes: dict[str, Counter[str]] = {}
    for span in spans:
        votes.setdefault(fold_text(text[span.start : span.end]).lower(), Counter())[span.label] += 1
    out = []
    for span in spans:
        counter = votes[fold_text(text[span.start : span.end]).lower()]
        (best, best_n), *rest = counter.most_common()
        if best != span.label and best_n > counter[span.label]:
            span = replace(span, label=best)
        out.append(span)
    return out


def _role(text: str, span: _Span) -> str | None:
    role_re, _ = _titles()
    window = text[max(0, span.start - 60) : span.start]
    match = role_re.search(window)
    if not match:
        return None
    parts = [match.group("qual"), match.group("role")]
    role = " ".join(p for p in parts if p)
    if match.group("of"):
        role += f" of {match.group('of')}"
    return fold_text(role)


def entities_for(doc: Document, parsed: Sequence[tuple[NerInput, Any]], gaz: Any | None) -> tuple[Entity, ...]:
    """Entities of one report from the NER parses of (parts of) it, corrected, extended and canonicalised."""
    text = doc.text
    lowered = set(re.findall(r"\b[a-z][a-z'’-]*\b", text))
    title_end = _title_end(text)
    ner_spans = [span for ner_in, sdoc in parsed for span in _spans_from_spacy(sdoc, ner_in, text, title_end, lowered)]
    spans = _without_overlaps(_organisation_spans(text), ner_spans)
    spans = _rejoin_split_names(text, spans)
    spans = _without_overlaps(spans, _titled_people(text))
    spans = _drop_unconfirmed_title_spans(text, spans)
    spans = _propagate(text, spans)
    spans = _relabel(text, spans, gaz)
    spans = _vote_labels(text, spans)
    spans = _relabel(text, spans, gaz)  # surnames again, now that labels agree
    spans = _not_places(text, spans, gaz)
    entities = []
    for span in spans:
        surface = text[span.start : span.end]
        canonical = span.canonical or canonical_name(surface, span.label)
        if not canonical:
            continue
        entities.append(
            Entity(
                text=surface,
                label=span.label,
                canonical=canonical,
                start=span.start,
                end=span.end,
                role=_role(text, span) if span.label == "PERSON" else None,
            )
        )
    return tuple(entities)


@stage(
    "entities.spacy.v1",
    slot="entities",
    requires=("text",),
    assigns=("entities",),
    section="entities",
    batched=True,
)
def recognise_entities(docs: list[Document], cfg: EntitiesSettings) -> list[Document]:
    """Find people, organisations, places and groups in each report, with canonical names.

    A report the langid stage marked as not analysed (``doc.analysis``, another language) is returned
    unchanged: the English model would read German as names ("einem Angriff auf" as a PERSON).
    """
    if any(doc.analysis is not None for doc in docs):
        read = iter(recognise_entities([doc for doc in docs if doc.analysis is None], cfg))
        return [doc if doc.analysis is not None else next(read) for doc in docs]
    if not docs:
        return []
    nlp = load_nlp(cfg.model)
    gaz = _gazetteer() if cfg.use_gazetteer else None
    sentences = [sentence_spans(doc.text) if cfg.ner_scope == "cue" else [] for doc in docs]
    firsts = [ner_input(doc.text, cfg, sents) for doc, sents in zip(docs, sentences)]
    parses = [[(ner_in, sdoc)] for ner_in, sdoc in zip(firsts, nlp.pipe((i.text for i in firsts), batch_size=cfg.batch_size))]
    if cfg.ner_scope == "cue":
        seconds = [
            second_ner_input(doc.text, ner_in, _name_words(sdoc), gaz, sentences=sents)
            for doc, sents, [(ner_in, sdoc)] in zip(docs, sentences, parses)
        ]
        for parsed, ner_in, sdoc in zip(parses, seconds, nlp.pipe((i.text for i in seconds), batch_size=cfg.batch_size)):
            parsed.append((ner_in, sdoc))
    return [doc.model_copy(update={"entities": entities_for(doc, parsed, gaz)}) for doc, parsed in zip(docs, parses)]


def _name_words(sdoc: Any) -> set[str]:
    return {tok.text for ent in sdoc.ents if ent.label_ in KEPT_LABELS for tok in ent}
