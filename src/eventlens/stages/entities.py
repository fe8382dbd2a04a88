"""Named entities with canonical names: spaCy's NER, corrected by general rules for news text.

spaCy's small English model makes known faults on machine-translated news: town names tagged as
people or organisations, given names split off by parenthetical translator insertions ("the
president (of Serbia, Aleksandar). Vucic"), headline words in Title Case tagged as names, the same
name labelled differently in one report. The corrections, in order:

1. an entity ruler adds organisation aliases from ``resources/lexicons/organisations.json``
   ("NATO contingent in Kosovo" is KFOR);
2. parenthetical insertions that split a person's name are rejoined;
3. Title-Case headline entities are kept only when the body confirms them; PERSON spans made only of
   common nouns are dropped;
4. a single name equal to the surname of a full PERSON name in the report is that person;
5. PERSON/ORG mentions that the gazetteer knows as a place in the report's countries become GPE,
   and demonyms become NORP;
6. each distinct name takes the label most of its mentions have in the report.

Canonical names are diacritic-folded with titles stripped (Vučić = Vucic → "Aleksandar Vucic"), so
the same person gets the same canonical name in every report.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from anyascii import anyascii

from ..model import Document, Entity
from ..registry import stage
from ..settings import EntitiesSettings

__all__ = ["canonical_name", "load_nlp", "recognise_entities"]

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
    """Load spaCy once per process: NER (it has its own token encoder) + the organisation ruler.

    The tagger, parser, sentence splitter and lemmatizer are not loaded: nothing downstream reads them,
    and on news text they took 40% of the stage's time.
    """
    import spacy

    nlp = spacy.load(model, exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"])
    ruler = nlp.add_pipe("entity_ruler", name="organisation_aliases", after="ner", config={"overwrite_ents": True})
    ruler.add_patterns(_organisation_patterns())
    return nlp


def _lexicon(name: str) -> dict[str, Any]:
    text = resources.files("eventlens.resources.lexicons").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


def _organisation_patterns() -> list[dict[str, Any]]:
    patterns = []
    for org in _lexicon("organisations.json")["organisations"]:
        for alias in org["aliases"]:
            # Acronyms match case-sensitively; names match whatever their case.
            if alias.replace(".", "").isupper():
                pattern: Any = [{"ORTH": tok} for tok in alias.split()]
            else:
                pattern = [{"LOWER": tok.lower()} for tok in alias.split()]
            patterns.append({"label": "ORG", "pattern": pattern, "id": org["canonical"]})
    return patterns


@lru_cache(maxsize=1)
def _titles() -> tuple[re.Pattern[str], frozenset[str]]:
    data = _lexicon("titles.json")
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


def _spans_from_spacy(sdoc: Any, title_end: int, lowered: set[str]) -> list[_Span]:
    spans = []
    doc_text = sdoc.text  # built anew on every access: read it once
    for ent in sdoc.ents:
        if ent.label_ not in KEPT_LABELS:
            continue
        start, end = ent.start_char, ent.end_char
        text = doc_text[start:end]
        # Trim articles and stray whitespace (spaCy keeps "the\u00a0\u00a0Jerusalem Post").
        lead = re.match(r"(?:the|The)[\s\u00a0]+", text) if ent.label_ != "PERSON" else None
        if lead:
            start += lead.end()
        text = doc_text[start:end]
        start += len(text) - len(text.lstrip())
        end -= len(text) - len(text.rstrip())
        if end <= start:
            continue
        if ent.label_ == "PERSON" and all(tok.lower_ in lowered or tok.is_stop for tok in ent):
            continue  # "Citizens" starting a sentence of a text that speaks of citizens is not a person
        canonical = ent.ent_id_ or None
        spans.append(_Span(start, end, ent.label_, canonical, start < title_end))
    return spans


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
        if span.label in ("PERSON", "ORG", "GPE", "LOC") and span.canonical is None:
            following = _FOLLOWING_NOUN.match(text, span.end)
            if following:
                out.append(replace(span, label=_FOLLOWING_NOUN_LABEL[following.group(1)]))
                continue
            if span.label != "GPE" and _PRECEDING_PLACE.search(text, max(0, span.start - 30), span.start):
                out.append(replace(span, label="GPE"))
                continue
        single = canonical_name(surface, "PERSON")
        if span.label in ("PERSON", "ORG", "GPE") and " " not in single and single.lower() in surnames:
            out.append(replace(span, label="PERSON", canonical=surnames[single.lower()]))
            continue
        if gaz is not None and span.label in ("PERSON", "ORG") and span.canonical is None:
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


def entities_for(doc: Document, sdoc: Any, gaz: Any | None) -> tuple[Entity, ...]:
    """Entities of one report from its spaCy parse, corrected and canonicalised."""
    text = doc.text
    spans = _spans_from_spacy(sdoc, _title_end(text), set(re.findall(r"\b[a-z][a-z'’-]*\b", text)))
    spans = _rejoin_split_names(text, spans)
    spans = _drop_unconfirmed_title_spans(text, spans)
    spans = _relabel(text, spans, gaz)
    spans = _vote_labels(text, spans)
    spans = _relabel(text, spans, gaz)  # surnames again, now that labels agree
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
    """Find people, organisations, places and groups in each report, with canonical names."""
    nlp = load_nlp(cfg.model)
    gaz = _gazetteer() if cfg.use_gazetteer else None
    out = []
    for doc, sdoc in zip(docs, nlp.pipe((doc.text for doc in docs), batch_size=cfg.batch_size)):
        out.append(doc.model_copy(update={"entities": entities_for(doc, sdoc, gaz)}))
    return out
