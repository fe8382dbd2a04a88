"""Toponyms found and resolved to gazetteer places, with a stated precision and the rung that answered.

Spotting (geotagging): spaCy's GPE/LOC/FAC entities (already corrected by the entities stage), plus
capitalised names the gazetteer knows that no entity covers, minus people and organisations.

Resolution, a cascade whose rung is recorded in ``Place.method``:

1. ``gazetteer:<rule>``: candidates from the gazetteer (exact names, codes, then general variant
   rules), scored by population, kind (a name that is a country's is usually the country), the
   report's focus countries and closeness to the places resolved confidently first. Spelling-variant
   rules are only trusted inside the report's focus countries or near its confident places, so a
   variant never lands on a same-named place in another country.
2. ``anchor:<relation>``: a place the gazetteer lacks takes the point of the place the text puts it
   near ("near Zvecan and Mitrovica", "northwest of Mitrovica", "in the municipality of X"), with
   the precision widened to the municipality and the original name kept.
3. ``anchor:paragraph``: otherwise, the nearest confidently resolved settlement in the same paragraph,
   inside the report's focus country, at municipality precision.
4. unresolved: the place is kept with no coordinates (unknown stays null).
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..geo.gazetteer import fold, skeleton
from ..model import Document, Place, PlacePrecision
from ..registry import stage
from ..settings import GeocodeSettings

__all__ = ["Toponym", "geocode_places", "haversine_km", "resolve_toponyms", "spot_toponyms"]

logger = logging.getLogger(__name__)

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_EXACT_RULES = frozenset({"exact", "code", "article", "possessive"})
_DEMONYM_RULES = frozenset({"demonym", "plural-demonym", "demonym-stem"})
_RULE_PENALTY = {
    "exact": 0.0,
    "code": 0.0,
    "article": 0.0,
    "possessive": 0.2,
    "demonym": 0.5,
    "plural-demonym": 0.7,
    "demonym-stem": 0.8,
    "qualifier": 1.0,
    "index-qualifier": 1.5,
    "skeleton": 2.5,
    "qualifier+skeleton": 3.0,
}
_KIND_BONUS = {"country": 3.0, "continent": 2.5, "sea": 1.5, "region": 1.5, "macroregion": 2.0}
_SEAT_MAX_KM = 100.0  # a district's point and its seat's lie this close (Mitrovica district / Mitrovicë: 5 km)
_TRUSTED_KINDS = frozenset({"country", "continent", "macroregion", "sea", "region"})
_SETTLEMENTS = frozenset({"city", "town", "village", "municipality", "admin2"})
_PRECISION = {
    "continent": PlacePrecision.CONTINENT,
    "country": PlacePrecision.COUNTRY,
    "region": PlacePrecision.REGION,
    "municipality": PlacePrecision.MUNICIPALITY,
    "town": PlacePrecision.TOWN,
    "village": PlacePrecision.VILLAGE,
}
_NAME = r"(?P<anchor>[A-Z][\w’'.-]+(?:[ -][A-Z][\w’'.-]+){0,3})"
_SECOND = r"(?:\s+and\s+(?P<anchor2>[A-Z][\w’'.-]+(?:[ -][A-Z][\w’'.-]+){0,3}))?"
_DIRECTION = r"(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|south-east|south-west)"
# Relations that put an unknown place near a known one, read after the toponym in its sentence.
_RELATIONS = (
    ("near", re.compile(r"\b(?:near|close to|outside|next to|not far from|on the outskirts of)\s+(?:the\s+)?(?:(?:village|town|city|municipality)\s+of\s+)?" + _NAME + _SECOND)),
    ("direction", re.compile(r"\b(?:\d+\s*(?:km|kilometers|kilometres|miles)\s+)?" + _DIRECTION + r"\s+of\s+(?:the\s+)?" + _NAME)),
    ("in", re.compile(r"^\W{0,3}(?:in|of)\s+(?:the\s+)?(?:municipality|district|region|province|county)\s+of\s+" + _NAME)),
    ("in", re.compile(r"^\s*\(?\s*,?\s*(?:in\s+)?(?:the\s+)?" + _NAME + r"\s+(?:municipality|district|region|province|county)\b")),
)


@dataclass(frozen=True, slots=True)
class Toponym:
    """A span of the text naming a place (``kind='place'``) or a people of a place (``'demonym'``)."""

    start: int
    end: int
    text: str
    kind: str = "place"


@dataclass(frozen=True, slots=True)
class _Resolved:
    lat: float
    lon: float
    name: str
    country: str | None
    admin1: str | None
    precision: PlacePrecision
    method: str
    geonames_id: int | None
    kind: str


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


@lru_cache(maxsize=4)
def load_gazetteer(extra_csv: str | None = None) -> Any:
    """The shipped gazetteer (plus a user CSV), loaded once per process; None (with a warning) if not installed."""
    from ..geo.gazetteer import Gazetteer

    if not Gazetteer.default_path().is_file():
        logger.warning("the gazetteer file %s is missing; places are not resolved", Gazetteer.default_path())
        return None
    return Gazetteer.load(extra_csv=extra_csv) if extra_csv else Gazetteer.load()


# -- spotting ----------------------------------------------------------------------------------


def spot_toponyms(doc: Document, gaz: Any, cfg: GeocodeSettings) -> list[Toponym]:
    """Toponym spans of a report: place entities, demonyms, organisations named after a major place,
    and gazetteer names no person covers (inside organisation names too: "University of Colorado")."""
    found: list[Toponym] = []
    people: list[tuple[int, int]] = []
    whole: list[tuple[int, int]] = []
    for ent in doc.entities:
        if ent.label in _PLACE_LABELS:
            if gaz.lookup_variants(ent.text)[:1] or _has_place_cue(doc.text, ent.start, ent.end):
                found.append(Toponym(ent.start, ent.end, ent.text, "place"))
            whole.append((ent.start, ent.end))
        elif ent.label == "NORP" and gaz.lookup(ent.text):
            found.append(Toponym(ent.start, ent.end, ent.text, "demonym"))
            whole.append((ent.start, ent.end))
        elif ent.label == "ORG" and _is_major_place(gaz.lookup(ent.text), cfg):
            found.append(Toponym(ent.start, ent.end, ent.text, "place"))  # "Washington said", "Moscow denied"
            whole.append((ent.start, ent.end))
        elif ent.label == "PERSON":
            people.append((ent.start, ent.end))
    if cfg.scan_gazetteer:
        lowered = set(doc.text.lower().split())
        for match in gaz.scan(doc.text):
            if any(s < match.end and match.start < e for s, e in (*whole, *people)):
                continue
            if _scan_is_place(match, gaz, cfg, doc.text, lowered):
                found.append(Toponym(match.start, match.end, match.text, "place"))
    return sorted(found, key=lambda t: (t.start, t.end))


_CUE_BEFORE = re.compile(
    r"(?:\b(?:in|near|at|from|outside|into|to|toward|towards|across)\s+(?:the\s+)?"
    r"|\b(?:village|town|city|municipality|region|district|province|area|settlement|county)\s+of\s+)$",
    re.IGNORECASE,
)
_CUE_AFTER = re.compile(
    r"^(?:\s+(?:village|town|city|municipality|region|district|province|area|county|border|river)\b|,\s+(?:near|north|south|east|west)|\s+(?:near|north of|south of|east of|west of)\b)",
    re.IGNORECASE,
)


def _has_place_cue(text: str, start: int, end: int) -> bool:
    """Whether the words around a name the gazetteer lacks say it is a place ("the village of X", "X area")."""
    return bool(_CUE_BEFORE.search(text[max(0, start - 40) : start]) or _CUE_AFTER.search(text[end : end + 30]))


def _is_major_place(entries: Sequence[Any], cfg: GeocodeSettings) -> bool:
    return bool(entries) and (
        entries[0].kind in ("country", "region", "continent", "sea") or entries[0].population >= cfg.scan_min_population
    )


def _scan_is_place(match: Any, gaz: Any, cfg: GeocodeSettings, text: str, lowered: set[str]) -> bool:
    """A gazetteer hit no entity covers: kept when it is a notable place and not an ordinary word.

    A single word counts as ordinary when it is a stop word, when the text also uses it in lower case,
    or when it only starts a sentence.
    """
    surface = match.text
    if surface.isupper() and not gaz.has_code(surface):
        return False
    if match.start > 0 and text[match.start - 1] in "@#/":
        return False
    if " " not in surface:
        word = surface.lower().rstrip(".")
        if word in _stop_words() or word in lowered:
            return False
        before = text[max(0, match.start - 2) : match.start]
        if match.start == 0 or before.endswith((". ", "\n", '" ', "“")):
            return False
    return _is_major_place(gaz.lookup(surface), cfg)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# -- resolution --------------------------------------------------------------------------------


def _from_entry(entry: Any, rule: str) -> _Resolved:
    precision = _PRECISION.get(entry.precision, PlacePrecision.TOWN)
    return _Resolved(
        lat=entry.lat,
        lon=entry.lon,
        name=entry.name,
        country=entry.country or None,
        admin1=entry.admin1 or None,
        precision=precision,
        method=f"gazetteer:{rule}",
        geonames_id=entry.geonames_id,
        kind=entry.kind,
    )


class _Resolver:
    """Scores a report's gazetteer candidates in the context of the report."""

    def __init__(self, text: str, toponyms: Sequence[Toponym], gaz: Any, cfg: GeocodeSettings) -> None:
        self.text, self.gaz, self.cfg = text, gaz, cfg
        self.candidates = {t.text: gaz.lookup_variants(t.text)[: cfg.max_candidates] for t in toponyms}
        self.focus = self._focus_countries(toponyms, trusted_only=False)
        self.gate = self._focus_countries(toponyms, trusted_only=True)
        self.regions = self._regions(toponyms)
        self.containers = self._containers(toponyms)
        self.points: list[tuple[float, float]] = []

    def _focus_countries(self, toponyms: Sequence[Toponym], *, trusted_only: bool) -> dict[str, float]:
        """Share of the report's country-level mentions (countries and demonyms) per country.

        With ``trusted_only``, places vote only when matched by their own name: this set decides which
        countries admit variant spellings, so a namesake abroad must not open the door for itself.
        """
        votes: Counter[str] = Counter()
        for topo in toponyms:
            for cand in self.candidates[topo.text][:1]:
                entry = cand.entry
                if not entry.country:
                    continue
                # Countries and demonyms say what a report is about; a place votes only by its own name
                # (an alternate name may belong to a namesake abroad).
                if entry.kind == "country" or cand.rule in _DEMONYM_RULES:
                    votes[entry.country] += 1.0
                elif cand.rule in _EXACT_RULES and (trusted_only is False or fold(topo.text) in (fold(entry.name), fold(entry.ascii_name))):
                    votes[entry.country] += 0.5
        total = sum(votes.values()) or 1.0
        return {country: n / total for country, n in votes.items()}

    def _regions(self, toponyms: Sequence[Toponym]) -> set[tuple[str, str]]:
        """(country, folded name) of the first-level regions the report names ("New Jersey", "Calif.")."""
        found = set()
        for topo in toponyms:
            for cand in self.candidates[topo.text]:
                if cand.rule in _EXACT_RULES and cand.entry.kind == "region" and self.focus.get(cand.entry.country, 0.0) > 0:
                    found.add((cand.entry.country, fold(cand.entry.name)))
        return found

    def _containers(self, toponyms: Sequence[Toponym]) -> dict[str, list[Any]]:
        """"Allendale, N.J.": the place named right after a comma contains the one before it."""
        found: dict[str, list[Any]] = {}
        ordered = sorted(toponyms, key=lambda t: t.start)
        for inner, outer in zip(ordered, ordered[1:]):
            if self.text[inner.end : outer.start] in (", ", ","):
                found.setdefault(inner.text, []).extend(
                    c.entry for c in self.candidates[outer.text] if c.rule in _EXACT_RULES and c.entry.kind in ("region", "country", "admin2")
                )
        return found

    def score(self, cand: Any, query: str = "") -> float | None:
        entry, rule = cand.entry, cand.rule
        in_focus = self.focus.get(entry.country, 0.0)
        in_gate = self.gate.get(entry.country, 0.0)
        near = min((haversine_km(entry.lat, entry.lon, lat, lon) for lat, lon in self.points), default=None)
        primary = bool(query) and fold(query) in (fold(entry.name), fold(entry.ascii_name))
        trusted = rule in _DEMONYM_RULES or entry.kind in _TRUSTED_KINDS or entry.population >= self.cfg.anywhere_min_population
        if not trusted and not (rule in _EXACT_RULES and primary):
            # Variant spellings and alternate names of minor places only count inside the report's
            # countries or near its places: "Banjska" is an alternate name of a Bulgarian town.
            if in_gate <= 0.0 and (near is None or near > self.cfg.variant_max_km):
                return None
        score = -_RULE_PENALTY.get(rule, 3.0)
        if primary:
            score += self.cfg.primary_name_weight  # matched the place's own name, not one of its alternates
        score += self.cfg.population_weight * math.log10(entry.population + 10)
        score += self.cfg.region_kind_bonus if entry.kind == "region" else _KIND_BONUS.get(entry.kind, 0.0)
        score += self.cfg.focus_weight * in_focus
        admin1 = fold(entry.admin1) if entry.admin1 else ""
        if admin1 and (entry.country, admin1) in self.regions:
            score += self.cfg.region_weight
        for outer in self.containers.get(query, ()):
            if entry.country == outer.country and (outer.kind == "country" or admin1 == fold(outer.name)):
                score += self.cfg.container_weight
                break
        if near is not None:
            score += self.cfg.proximity_weight * (1.0 if near < 100 else 0.5 if near < 400 else 0.0)
        return score

    def best(self, name: str) -> _Resolved | None:
        pool = self.candidates.get(name) or self.gaz.lookup_variants(name)[: self.cfg.max_candidates]
        scored = [(s, cand) for cand in pool if (s := self.score(cand, name)) is not None]
        if not scored:
            return None
        _, cand = max(scored, key=lambda pair: pair[0])
        return _from_entry(_seat_of(cand.entry, [c.entry for _, c in scored]), cand.rule)

    def confident(self, name: str) -> _Resolved | None:
        """A resolution needing no context: the one exact candidate by its own name, or a country/continent."""
        cands = [c for c in self.candidates.get(name, []) if c.rule in _EXACT_RULES]
        if not cands:
            return None
        first = cands[0].entry
        if first.kind in ("country", "continent") or (
            len(cands) == 1 and fold(name) in (fold(first.name), fold(first.ascii_name))
        ):
            return _from_entry(first, cands[0].rule)
        return None


def _seat_of(entry: Any, others: Sequence[Any]) -> Any:
    """A district named after its seat means the seat: the same-named settlement near it, when there is one."""
    if entry.kind not in ("region", "admin2", "municipality"):
        return entry
    name = skeleton(fold(entry.name))
    seats = [
        other
        for other in others
        if other.kind in ("city", "town", "village")
        and other.country == entry.country
        and skeleton(fold(other.name)) == name
        and haversine_km(other.lat, other.lon, entry.lat, entry.lon) < _SEAT_MAX_KM
    ]
    return max(seats, key=lambda other: other.population) if seats else entry


def _sentence_after(text: str, end: int) -> str:
    stop = min((pos for mark in (". ", ".\n", "\n") if (pos := text.find(mark, end)) >= 0), default=len(text))
    return text[end:stop]


def _paragraph(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n\n", 0, pos)
    end = text.find("\n\n", pos)
    return (0 if start < 0 else start + 2), (len(text) if end < 0 else end)


def _anchor(resolver: _Resolver, topo: Toponym) -> _Resolved | None:
    after = _sentence_after(resolver.text, topo.end)
    for relation, pattern in _RELATIONS:
        match = pattern.search(after)
        if not match:
            continue
        points = [r for name in (match.group("anchor"), match.groupdict().get("anchor2")) if name and (r := resolver.best(name))]
        points = [r for r in points if r.kind in _SETTLEMENTS or r.precision in (PlacePrecision.TOWN, PlacePrecision.VILLAGE, PlacePrecision.MUNICIPALITY)]
        if not points:
            continue
        lat = sum(p.lat for p in points) / len(points)
        lon = sum(p.lon for p in points) / len(points)
        first = points[0]
        anchors = " and ".join(p.name for p in points)
        return _Resolved(lat, lon, topo.text, first.country, first.admin1, PlacePrecision.MUNICIPALITY, f"anchor:{relation}:{anchors}", None, "anchor")
    return None


def resolve_toponyms(doc: Document, toponyms: Sequence[Toponym], gaz: Any, cfg: GeocodeSettings) -> list[Place | None]:
    """Resolve each toponym (place kind) in the context of its report; None where nothing answers."""
    places = [t for t in toponyms if t.kind == "place"]
    resolver = _Resolver(doc.text, toponyms, gaz, cfg)  # demonyms vote for the focus countries too
    resolved: dict[int, _Resolved | None] = {}
    for index, topo in enumerate(places):
        first = resolver.confident(topo.text)
        if first is not None:
            resolved[index] = first
            if first.kind in _SETTLEMENTS:
                resolver.points.append((first.lat, first.lon))
    for index, topo in enumerate(places):
        if index not in resolved:
            resolved[index] = resolver.best(topo.text)
    main_country = max(resolver.gate, key=resolver.gate.__getitem__) if resolver.gate else None
    for index, topo in enumerate(places):
        if resolved[index] is None:
            resolved[index] = _anchor(resolver, topo) or _paragraph_anchor(doc.text, topo, places, resolved, main_country)
    by_span = {(t.start, t.end): resolved[i] for i, t in enumerate(places)}
    out: list[Place | None] = []
    for topo in toponyms:
        hit = by_span.get((topo.start, topo.end))
        out.append(None if hit is None else _place(topo, hit))
    return out


def _paragraph_anchor(
    text: str, topo: Toponym, places: Sequence[Toponym], resolved: dict[int, _Resolved | None], country: str | None
) -> _Resolved | None:
    start, end = _paragraph(text, topo.start)
    near = [
        (abs(t.start - topo.start), r)
        for i, t in enumerate(places)
        if start <= t.start < end and (r := resolved.get(i)) is not None and r.kind in _SETTLEMENTS and r.country == country
    ]
    if country is None or not near:
        return None
    _, anchor = min(near, key=lambda pair: pair[0])
    return _Resolved(anchor.lat, anchor.lon, topo.text, anchor.country, anchor.admin1, PlacePrecision.MUNICIPALITY, f"anchor:paragraph:{anchor.name}", None, "anchor")


def _place(topo: Toponym, hit: _Resolved) -> Place:
    return Place(
        text=topo.text,
        name=hit.name,
        admin1=hit.admin1,
        country=hit.country,
        lat=round(hit.lat, 5),
        lon=round(hit.lon, 5),
        precision=hit.precision,
        method=hit.method,
        geonames_id=hit.geonames_id,
        start=topo.start,
        end=topo.end,
    )


@stage(
    "geocode.gazetteer.v1",
    slot="geocode",
    requires=("text", "entities"),
    assigns=("places",),
    section="geocode",
)
def geocode_places(doc: Document, cfg: GeocodeSettings) -> Document:
    """Find the report's toponyms and resolve each to a gazetteer place or an anchor; unresolved ones keep no point."""
    gaz = load_gazetteer(cfg.extra_gazetteer)
    if gaz is None:
        return doc
    toponyms = [t for t in spot_toponyms(doc, gaz, cfg) if t.kind == "place"]
    resolved = resolve_toponyms(doc, toponyms, gaz, cfg)
    places = tuple(
        place if place is not None else Place(text=t.text, name=t.text, start=t.start, end=t.end, method="unresolved")
        for t, place in zip(toponyms, resolved)
    )
    return doc.model_copy(update={"places": places})
