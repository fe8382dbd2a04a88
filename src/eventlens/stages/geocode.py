"""Toponyms found and resolved to gazetteer places, with a stated precision and the rung that answered.

Spotting (geotagging): spaCy's GPE/LOC/FAC entities (already corrected by the entities stage), plus
capitalised names the gazetteer knows that no entity covers, minus people and organisations.

Resolution, a cascade whose rung is recorded in ``Place.method``:

1. ``gazetteer:<rule>``: candidates from the gazetteer (exact names, codes, then general variant
   rules), scored by population, kind (a name that is a country's is usually the country), the
   report's focus countries and closeness to the places resolved confidently first. Spelling-variant
   rules are only trusted inside the report's focus countries or near its confident places, so a
   variant never lands on a same-named place in another country.
2. ``anchor:<relation>:<anchors>:<area>``: a place the gazetteer lacks is placed by the place the text
   puts it near ("near Zvecan and Mitrovica", "northwest of Mitrovica", "in the municipality of X"):
   it carries the point and precision of the area holding that place (its municipality where the
   gazetteer has one, else its first-level region, else its country), never another town's point,
   and keeps its original name.
3. ``anchor:paragraph:<anchor>:<area>``: otherwise, the same with the nearest confidently resolved
   settlement in the same paragraph, inside the report's focus country.
4. unresolved: the place is kept with no coordinates (unknown stays null).

Only toponyms of kind ``place`` become places; names of places used for a people, an organisation,
a government or a clock's zone are not (see :class:`Toponym`).
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..geo.gazetteer import fold, skeleton
from ..lexicons import english_words, is_english_word
from ..model import Document, Place, PlacePrecision
from ..registry import stage
from ..textspans import Coverage
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
_REGION_CITY_MIN_POPULATION = 1_000_000
_SEAT_MAX_KM = 100.0  # a district's point and its seat's lie this close (Mitrovica district / Mitrovicë: 5 km)
_AREA_MAX_KM = 50.0  # a town lies this close to the point of the second-level area holding it
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
    """A span of the text naming a place.

    ``kind`` says what the name stands for here: ``'place'`` (where something is or happens) is the only
    kind that becomes a :class:`Place`; the others are names of places used for something else, found so
    that geotagging can be scored: ``'demonym'`` (a people, "three Serbs"), ``'organisation'`` (inside an
    organisation's or outlet's name, "the Jerusalem Post"; a union of countries, "EU") and ``'metonym'``
    (a city standing for its government, "Washington invaded").
    """

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
    population: int = 0


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
    """Toponym spans of a report, in text order.

    1. Place entities (GPE/LOC/FAC) the gazetteer knows or the words around call a place, trimmed of a
       possessive and of leading lower-case words; demonyms (NORP, plural ones too); organisations
       named after a major place ("Washington said").
    2. Gazetteer names no place or person entity covers, inside organisation names too ("Jamaica" in
       "Jamaica Cancer Society"), plural demonyms ("Nigerians") and the parts of hyphenated names
       ("Russian-European"), each kept by :func:`_scan_is_place`.
    3. All-caps datelines ("BEIRUT (AP) -").

    Codes ("US", "BC") count only as :func:`_code_is_place` allows, and single general words, people's
    names and acronyms the text spells out as something else are left out.
    """
    ctx = _Context(doc.text, doc.entities, gaz)
    found: dict[tuple[int, int], Toponym] = {}
    covered: list[tuple[int, int]] = []  # spans the scan must not look into
    organisations = [(e.start, e.end) for e in doc.entities if e.label == "ORG"]
    for ent in doc.entities:
        if ent.label in _PLACE_LABELS:
            covered.append((ent.start, ent.end))
            span = _trim(doc.text, ent.start, ent.end)
            if span is not None and (abbreviation := _ABBREVIATION_BEFORE.search(doc.text, max(0, span[0] - 4), span[0])):
                span = (abbreviation.start(), span[1])  # "St. Louis County": the model leaves "St." out
            if span is not None and not is_clock_zone(doc.text, span[1]) and _entity_is_place(ctx, *span):
                found.setdefault(span, Toponym(*span, doc.text[span[0] : span[1]], name_kind(gaz, doc.text, *span)))
        elif ent.label in ("NORP", "LANGUAGE"):
            covered.append((ent.start, ent.end))
            span = _trim(doc.text, ent.start, ent.end)
            if span is not None and _is_demonym(ctx, doc.text[span[0] : span[1]], cfg):
                found.setdefault(span, Toponym(*span, doc.text[span[0] : span[1]], "demonym"))
        elif ent.label == "ORG":
            span = _trim(doc.text, ent.start, ent.end)
            surface = doc.text[span[0] : span[1]] if span else ""
            if span and _plain_name_ok(ctx, surface, *span) and _is_major_place(gaz.lookup(surface), cfg):
                # "Washington said" (a metonym), "EU" (a union); an organisation named only by a major place
                # that is neither is most often that place, mislabelled
                found.setdefault(span, Toponym(*span, surface, name_kind(gaz, doc.text, *span)))
                covered.append((ent.start, ent.end))
        elif ent.label == "PERSON":
            covered.append((ent.start, ent.end))
    if cfg.scan_gazetteer:
        for start, end, kind in _scan(ctx, cfg):
            if (start, end) in found or any(s < end and start < e for s, e in covered) or is_clock_zone(doc.text, end):
                continue
            if kind == "place" and any(s <= start and end <= e for s, e in organisations):
                kind = "organisation"  # "the Jerusalem Post", "Real Madrid": the name of an organisation
            found[(start, end)] = Toponym(start, end, doc.text[start:end], kind)
        for start, end in _datelines(ctx):
            inside = [k for k in found if start <= k[0] and k[1] <= end]
            if not any(s < end and start < e and (s, e) not in inside for s, e in found):
                for key in inside:  # "LAKE CITY" gives way to the dateline "SALT LAKE CITY"
                    del found[key]
                found[(start, end)] = Toponym(start, end, doc.text[start:end], "place")
        people = [(e.start, e.end) for e in doc.entities if e.label == "PERSON"]
        for start, end in _named_facilities(ctx):
            inside = [k for k in found if start <= k[0] and k[1] <= end]
            if any(s < end and start < e for s, e in people) or any(
                s < end and start < e and (s, e) not in inside for s, e in found
            ):
                continue
            for key in inside:  # "Cuyahoga" gives way to "Cuyahoga County"
                del found[key]
            found[(start, end)] = Toponym(start, end, doc.text[start:end], "place")
    for key in [k for k, t in found.items() if t.kind == "place" and _is_code_like(t.text)]:
        longer = _NEXT_NAME.match(doc.text, key[1])
        end = longer.end() if longer else key[1]
        if longer and not any(s < end and key[1] <= s for s, _ in found) and lookup_place(gaz, doc.text[key[0] : end]):
            del found[key]  # "D.I." gives way to "D.I. Khan", the name the gazetteer knows
            found[(key[0], end)] = Toponym(key[0], end, doc.text[key[0] : end], "place")
    for key, topo in list(found.items()):
        if topo.kind == "place" and _OUTLET_BEFORE.search(doc.text, max(0, topo.start - 4), topo.start) and _OUTLET_AFTER.match(doc.text, topo.end):
            found[key] = Toponym(topo.start, topo.end, topo.text, "organisation")  # "told The Denver Post"
    return sorted(found.values(), key=lambda t: (t.start, t.end))


# "3:40 Moscow time", "Beijing Time", "Kyiv summer time": a name of a clock's zone is no place of the report.
_CLOCK_ZONE = re.compile(r"[\s\u00a0]+(?:(?:standard|summer|daylight)[\s\u00a0]+)?time\b", re.IGNORECASE)
# A city that is the subject of one of these verbs stands for its government ("Washington invaded",
# "Beijing has warned"); after a preposition it is the place ("officials in Washington said").
_GOVERNMENT_VERB = re.compile(
    r"[\s\u00a0]+(?:(?:has|have|had|will|would|also|has\s+also|later|then|quickly)[\s\u00a0]+)?"
    r"(?:said|says|announced|announces|denied|denies|accused|accuses|warned|warns|condemned|condemns|urged|urges|"
    r"demanded|demands|threatened|threatens|responded|responds|rejected|rejects|recogni[sz]ed|recogni[sz]es|"
    r"invaded|invades|imposed|imposes|sanctioned|insisted|insists|claimed|claims|vowed|vows|refused|refuses|"
    r"blamed|blames|expelled|expels|protested|protests|retaliated|ordered|orders|confirmed|confirms|agreed|agrees|"
    r"signed|signs|approved|approves|dismissed|dismisses|summoned|summons|welcomed|welcomes|"
    r"critici[sz]ed|critici[sz]es|annexed|annexes|backed|backs|supported|supports|opposed|opposes|retaliates)\b"
)
_PREPOSITION_BEFORE = re.compile(
    r"(?:\b(?:[Ii]n|[Aa]t|[Ff]rom|[Nn]ear|[Tt]o|[Oo]f|[Ii]nto|[Oo]utside|[Aa]cross|[Aa]round|[Oo]ver|[Vv]ia)|[A-Z][\w’'.-]*,?\s+and)[\s\u00a0]+$"
)  # "officials in Washington said", "in London and Washington said"
_GOVERNMENT_SEAT_MIN_POPULATION = 100_000


def is_clock_zone(text: str, end: int) -> bool:
    """Whether the name ending at ``end`` names a clock's zone ("3:40 Moscow time")."""
    return _CLOCK_ZONE.match(text, end) is not None


def name_kind(gaz: Any, text: str, start: int, end: int) -> str:
    """What a place name stands for at ``text[start:end]``: ``'place'``, or (see :class:`Toponym`)
    ``'demonym'`` (the gazetteer knows it only as a people's name), ``'organisation'`` (a union of
    countries, "EU") or ``'metonym'`` (a city, not a country, as the subject of a government verb)."""
    surface = text[start:end]
    candidates = gaz.lookup_variants(surface)
    named = [c for c in candidates if c.rule not in _DEMONYM_RULES and c.rule not in _LOOSE_RULES]
    if not named and any(c.rule in _DEMONYM_RULES for c in candidates):
        return "demonym"  # "three Serbs were killed"
    exact = [c.entry for c in named if c.rule in _EXACT_RULES]
    if exact and exact[0].kind == "macroregion" and fold(exact[0].name).endswith("union"):
        return "organisation"  # the EU is a union of states, not a point of the continent
    if (
        exact
        and exact[0].kind not in _NATION_KINDS
        and any(e.kind == "city" and e.population >= _GOVERNMENT_SEAT_MIN_POPULATION for e in exact)
        and _GOVERNMENT_VERB.match(text, end)
        and not _PREPOSITION_BEFORE.search(text, max(0, start - 40), start)
    ):
        return "metonym"
    return "place"


# Single capitalised words that are ordinary English words first (compass points and general nouns and
# adjectives of institutions and buildings): alone they are not taken for a place without a cue, though
# the gazetteer has a "Centre" region and a "Park County".
_GENERAL_WORDS = frozenset(
    """
    north south east west northern southern eastern western central middle upper lower greater inner outer
    northeast northwest southeast southwest mid midwest
    centre center park hall house union police congress summit mission state states city county capital
    federal national royal human free independence enterprise commonwealth republic kingdom district
    valley village university college bank court council ministry department office parliament senate
    assembly government army navy academy institute school church cathedral hospital station airport port
    bridge street road avenue square market tower castle palace stadium arena museum theatre theater club
    hotel metro mall story luck drama bishop king prince queen marine marines christian orange green
    independent democratic united liberty victory unity progress justice freedom trust service services
    """.split()
)
_PERSON_TOKEN = re.compile(r"[\w’'-]+")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z&]{1,7})\s*\)")
_DATELINE = re.compile(
    r"(?<![\w.-])([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3})(?=,\s|\s*\(|\s+[—–-]+\s|:\s|\s*\n)"
)
_SENTENCE_START = (". ", "\n", '" ', "“", "? ", "! ", ": ")


class _Context:
    """What the whole report says, shared by the spotting rules: people's names, the words it uses in lower
    case, the acronyms it spells out and the places it names (which admit their codes)."""

    def __init__(self, text: str, entities: Sequence[Any], gaz: Any) -> None:
        self.text, self.gaz = text, gaz
        self.lowered = {w for w in re.findall(r"[^\W\d_]+", text) if w.islower()}
        self.folded_text = fold(text)
        self.person_tokens: set[str] = set()
        for ent in entities:
            if ent.label == "PERSON":
                tokens = _PERSON_TOKEN.findall(ent.text)
                if len(tokens) > 1:
                    self.person_tokens.update({_POSSESSIVE.sub("", tokens[0]), _POSSESSIVE.sub("", tokens[-1])})
        self.spelled_out = _spelled_out_acronyms(text)
        self.name_tokens = self._name_tokens()

    def _name_tokens(self) -> set[str]:
        """Words the report uses as a first name or surname: beside a capitalised word that is neither an
        English word nor a place ("Dewly Nelson", "Martin Roscoe")."""
        out: set[str] = set()
        for m in _WORD_PAIR.finditer(self.text):
            first, second = m.group(1), m.group(2)
            if _is_name_word(self.gaz, second):
                out.add(first)
            if _is_name_word(self.gaz, first) and not _sentence_start(self.text, m.start(1)):
                out.add(second)
        return out

    def mentions(self, entry: Any) -> bool:
        """Whether the report names the place (or, for a region, its country) in full."""
        names = {entry.name, entry.ascii_name, *entry.demonyms}
        if entry.kind == "region" and entry.country:
            names.update(
                e.name for e in self.gaz.lookup(entry.country) if e.kind == "country" and entry.country in e.codes
            )
        return any(len(n) > 3 and re.search(r"\b" + re.escape(fold(n)) + r"\b", self.folded_text) for n in names if n)


def _spelled_out_acronyms(text: str) -> set[str]:
    """Acronyms the text defines in brackets after the capitalised words they abbreviate ("British
    Airways (BA)", "Ministry of Defence (MoD)")."""
    out: set[str] = set()
    for m in _ACRONYM.finditer(text):
        acronym = m.group(1)
        letters = [c for c in acronym if c.isupper()]
        words = [w for w in re.findall(r"[A-Z][\w’'-]*", text[max(0, m.start() - 120) : m.start()])]
        if len(letters) >= 2 and len(words) >= len(letters) and [w[0] for w in words[-len(letters) :]] == letters:
            out.add(acronym)
    return out


# "The Denver Post", "the Miami Herald": a newspaper named after its city, when NER does not say so.
_OUTLET_BEFORE = re.compile(r"\b[Tt]he\s+$")
_OUTLET_AFTER = re.compile(
    r"\s+(?:Post|Times|Tribune|Herald|Journal|Gazette|Chronicle|Star|Sun|Daily|Register|Observer|Inquirer|"
    r"Courier|Dispatch|Examiner|Enquirer|Telegraph|Globe|Bee|Free\s+Press|Sentinel|Courant|Advocate|Leader)\b"
)
_ABBREVIATION_BEFORE = re.compile(r"(?<![\w.])(?:St|ST|Ft|FT|Mt|MT)\. $")


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """An entity's span without a possessive ending or leading lower-case words ("north west London")."""
    surface = text[start:end]
    m = _POSSESSIVE.search(surface)
    if m and len(surface) > 3:
        end -= len(m.group(0)) - (1 if m.group(0)[0] == "s" else 0)
    while start < end and not text[start].isupper():
        space = text.find(" ", start, end)
        if space < 0:
            return None
        start = space + 1
    return (start, end) if start < end else None


def _is_code_like(surface: str) -> bool:
    letters = surface.replace(".", "").replace("&", "")
    return surface.isupper() and len(letters) <= 4 or (len(surface) <= 6 and surface.count(".") >= 2)


def _code_is_place(ctx: _Context, surface: str) -> bool:
    """Whether a code stands for a place here: a continent's or union's, an abbreviation a populous place
    also writes with dots ("US" / "U.S.", "NJ" / "N.J."), or that of a place the report names in full
    ("BC" in a report on Canada). Two-letter country codes alone ("BA", "TV") are mostly other things."""
    if surface in ctx.spelled_out:
        return False
    dotted = surface if "." in surface else ".".join(surface) + "."
    for entry in ctx.gaz.lookup(surface):
        if surface not in entry.codes or entry.kind not in _TRUSTED_KINDS:
            continue
        if entry.kind in ("continent", "macroregion"):
            return True
        if dotted in entry.codes and entry.population >= _CODE_MIN_POPULATION:
            return True
        if ctx.mentions(entry):
            return True
    return False


_CODE_MIN_POPULATION = 1_000_000


def _plain_name_ok(ctx: _Context, surface: str, start: int, end: int, *, joined: bool = False) -> bool:
    """The checks every spotted name passes: codes as :func:`_code_is_place` says, no acronym the text
    spells out, no single general word or person's name, no "the White House"."""
    if _is_code_like(surface):
        return _code_is_place(ctx, surface)
    if surface in ctx.spelled_out or (surface.isupper() and " " not in surface):
        return False
    if " " not in surface:
        word = surface.rstrip(".")
        if word.lower() in _GENERAL_WORDS or word in ctx.person_tokens:
            return False
        named = word in ctx.name_tokens or (not joined and _before_a_surname(ctx, end))
        if named and not any(e.kind in _NATION_KINDS for e in ctx.gaz.lookup(surface)[:3]):
            return False
    return True


_NEXT_WORD = re.compile(r" ([A-Z][^\W\d_]+)\b(?!\.)")
_WORD_PAIR = re.compile(r"(?=\b([A-Z][^\W\d_]+) ([A-Z][^\W\d_]+)\b(?!\.))")
_NATION_KINDS = frozenset({"country", "continent", "macroregion"})


def _is_name_word(gaz: Any, word: str) -> bool:
    """A capitalised word that is no English word, stop word or place: a person's name, most often."""
    lower = word.lower()
    return not (lower in _stop_words() or _is_english_word(lower) or gaz.has_name(fold(word)))


def _before_a_surname(ctx: _Context, end: int) -> bool:
    """Whether the word ending at ``end`` is followed by a capitalised word that is neither an English word
    nor a place, which makes it a first name ("Martin Roscoe", "Vladimir Putin", "La Niña")."""
    m = _NEXT_WORD.match(ctx.text, end)
    if not m:
        return False
    word = m.group(1)
    lower = word.lower()
    if lower in _stop_words() or _is_english_word(lower) or ctx.gaz.has_name(fold(word)):
        return False
    return True


def _is_english_word(word: str) -> bool:
    # without the model's word list the rules that use this stay off
    return not english_words() or is_english_word(word)


def _entity_is_place(ctx: _Context, start: int, end: int) -> bool:
    """A GPE/LOC/FAC entity: kept when the gazetteer knows it by a reliable rule or the words around call
    it a place; a name matched only by spelling skeleton needs the cue."""
    surface = ctx.text[start:end]
    cue = _has_place_cue(ctx.text, start, end)
    if _is_code_like(surface):
        return _code_is_place(ctx, surface)
    if surface in ctx.person_tokens:
        return False  # "into Jaden's chest": a name the report gives a person, whatever the cue
    if not _plain_name_ok(ctx, surface, start, end) and not (cue and " " not in surface and not surface.isupper()):
        return False
    candidates = ctx.gaz.lookup_variants(surface)
    if any(c.rule not in _LOOSE_RULES for c in candidates):
        return True
    if " " not in surface and _is_english_word(surface.lower()):
        return False  # "exclaimed in Creole": a word spelled like a place ("Creola") is the word
    return cue or (bool(candidates) and " " in surface)


_LOOSE_RULES = frozenset({"skeleton", "qualifier+skeleton"})


def _is_demonym(ctx: _Context, surface: str, cfg: GeocodeSettings) -> bool:
    """A people or adjective of a country, region, continent or large city ("Nigerians", "Canadian")."""
    if _is_code_like(surface):
        return _code_is_place(ctx, surface)
    if not _plain_name_ok(ctx, surface, 0, 0):
        return False
    for cand in ctx.gaz.lookup_variants(surface):
        if cand.rule in _DEMONYM_RULES or cand.rule in ("exact", "possessive"):
            entry = cand.entry
            populous = cand.rule in _DEMONYM_RULES and entry.population >= cfg.scan_min_population
            if entry.kind in _TRUSTED_KINDS or populous:
                return True
    return False


_CAPITALISED = re.compile(r"\b[A-Z][\w’']*")
_DEMONYM_PAIR = re.compile(r"([A-Z][\w’']*) $")


def _scan(ctx: _Context, cfg: GeocodeSettings) -> list[tuple[int, int, str]]:
    """Gazetteer names in the running text, and what the gazetteer scan cannot see as one token: the stem
    of a possessive ("Russia’s"), the parts of joined names ("Armenia-Italy", "anti-Russian",
    "Chartres/Franklin") and plural demonyms ("Nigerians", "South Koreans")."""
    text = ctx.text
    out: list[tuple[int, int, str]] = []
    taken = Coverage(len(text))
    for match in ctx.gaz.scan(text):
        if _scan_is_place(match, ctx.gaz, cfg, text, ctx.lowered, ctx):
            out.append((match.start, match.end, "place"))
        taken.add(match.start, match.end)
    for m in _CAPITALISED.finditer(text):
        start, end = m.span()
        if taken.overlaps(start, end):
            continue
        word = m.group(0)
        possessive = _POSSESSIVE.search(word)
        if possessive and len(word) > 4 and possessive.group(0)[0] != "s":
            stem_end = end - len(possessive.group(0))
            if _single_word_is_place(ctx, text[start:stem_end], start, stem_end, cfg):
                out.append((start, stem_end, "place"))
            continue
        joined = (start > 0 and text[start - 1] in "-/" and text[start - 2 : start - 1].isalnum()) or (
            text[end : end + 1] in ("-", "/") and text[end + 1 : end + 2].isalnum()
        )
        if joined and _single_word_is_place(ctx, word, start, end, cfg, joined=True):
            out.append((start, end, "place" if ctx.gaz.lookup(word) and not _is_demonym(ctx, word, cfg) else "demonym"))
        elif word.endswith("s") and not _sentence_start(text, start):
            pair = _DEMONYM_PAIR.search(text, max(0, start - 30), start)
            if pair and _is_demonym(ctx, text[pair.start(1) : end], cfg):
                out.append((pair.start(1), end, "demonym"))  # "South Koreans"
            elif _is_demonym(ctx, word, cfg):
                out.append((start, end, "demonym"))
    return out


def _single_word_is_place(
    ctx: _Context, word: str, start: int, end: int, cfg: GeocodeSettings, *, joined: bool = False
) -> bool:
    """A name the gazetteer scan could not see by itself: a notable place or a demonym, not an ordinary
    word; at the start of a sentence only a country-level place or a large city."""
    if not word[:1].isupper() or not _plain_name_ok(ctx, word, start, end, joined=joined):
        return False
    lower = word.lower()
    if lower in _stop_words() or lower in ctx.lowered:
        return False
    entries = ctx.gaz.lookup(word)
    if _sentence_start(ctx.text, start) and not _is_notable(entries):
        return False
    return _is_major_place(entries, cfg) or _is_demonym(ctx, word, cfg)


def _is_notable(entries: Sequence[Any]) -> bool:
    """A country, continent or union, or a city of a million: names that rarely mean anything else."""
    return bool(entries) and (entries[0].kind in _NATION_KINDS or entries[0].population >= _NOTABLE_POPULATION)


_NOTABLE_POPULATION = 1_000_000


def _sentence_start(text: str, start: int) -> bool:
    return start == 0 or text[max(0, start - 2) : start].endswith(_SENTENCE_START)


def _datelines(ctx: _Context) -> list[tuple[int, int]]:
    """All-caps place names before a comma, bracket, dash, colon or line end ("BEIRUT (AP) -", "MANILA,
    Philippines")."""
    out = []
    for m in _DATELINE.finditer(ctx.text):
        name = m.group(1).rstrip(".")
        if len(name) < 4 or _is_code_like(name):
            continue
        entries = ctx.gaz.lookup(name) or [c.entry for c in lookup_place(ctx.gaz, name) if c.rule in _EXACT_RULES]
        if entries and (entries[0].kind in _TRUSTED_KINDS or entries[0].population >= _DATELINE_MIN_POPULATION):
            out.append((m.start(1), m.start(1) + len(name)))
    return out


_DATELINE_MIN_POPULATION = 1_000

# Nouns that end the name of a place, building or district ("Desire Street", "Altnagelvin Hospital",
# "Walker County"); nouns that more often end an organisation's name ("Court", "Club", "School") are not here.
_PLACE_NOUNS = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Boulevard|Blvd|Drive|Highway|Square|Place|Bridge|Hospital|Church|"
    "Cathedral|Chapel|Mosque|Temple|Theatre|Theater|Stadium|Arena|Airport|Hall|Centre|Center|University|"
    "Castle|Palace|Library|Hotel|Prison|Estate|Farm|Farms|Village|Township|County|City|Lake|River|"
    "Mountain|Mountains|Island|Islands|Valley|Bay|Beach|Coast|Sea|Ocean|Gulf|Canal|Harbour|Harbor|Point|Forest|Desert"
)
_FACILITY = re.compile(r"(?<![\w’'-])((?:(?:St|Ft|Mt)\.\s+)?(?:[A-Z][\w’'-]*\s+){1,4}(?:" + _PLACE_NOUNS + r"))\b(?![’'-]| [A-Z]| of )")


_PREVIOUS_CAPITALISED = re.compile(r"[A-Z][\w’'-]* $")


def _named_facilities(ctx: _Context) -> list[tuple[int, int]]:
    """Capitalised names that end in a noun of places ("Desire Street", "Jamsil Stadium", "Cavan County"),
    after any possessive owner ("Derry’s Altnagelvin Hospital") and leading "The"."""
    out = []
    for m in _FACILITY.finditer(ctx.text):
        start, end = m.span(1)
        name = m.group(1)
        if _PREVIOUS_CAPITALISED.search(ctx.text, max(0, start - 40), start):
            continue  # the tail of a longer name
        owner = max(name.rfind("’s "), name.rfind("'s "))
        if owner >= 0:
            start += owner + 3
        elif name.startswith("The "):
            start += 4
        first = re.match(r"[\w’']+-[a-z]\S* ", ctx.text[start:end])
        if first:  # "Vatican-owned Bambino Gesu Hospital"
            start += first.end()
        words = ctx.text[start:end].split()
        if len(words) < 2 or all(w.lower() in _GENERAL_WORDS or w.lower() in _stop_words() for w in words[:-1]):
            continue
        if _is_denomination(ctx, words):
            continue
        out.append((start, end))
    return out


def _is_denomination(ctx: _Context, words: Sequence[str]) -> bool:
    """"Serbian Orthodox Church", "Greek Catholic Church": a church named by a people and ordinary words is
    the denomination (an organisation), not a building."""
    if words[-1] != "Church":
        return False
    qualifiers = words[:-1]
    demonyms = [w for w in qualifiers if any(c.rule in _DEMONYM_RULES for c in ctx.gaz.lookup_variants(w))]
    return bool(demonyms) and all(w in demonyms or _is_english_word(w.lower()) for w in qualifiers)


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


def _scan_is_place(match: Any, gaz: Any, cfg: GeocodeSettings, text: str, lowered: set[str], ctx: _Context) -> bool:
    """A gazetteer hit no entity covers: kept when it is a notable place and not an ordinary word.

    A single word counts as ordinary when it is a stop word or a general word, when the text also uses
    it in lower case, or when it only starts a sentence. Codes are kept as :func:`_code_is_place` says.
    """
    surface = match.text
    if match.start > 0 and text[match.start - 1] in "@#/":
        return False
    if not _plain_name_ok(ctx, surface, match.start, match.end):
        return False
    if _is_code_like(surface):
        return True
    if " " not in surface:
        word = surface.lower().rstrip(".")
        if word in _stop_words() or word in lowered:
            return False
        if _sentence_start(text, match.start) and not _is_notable(gaz.lookup(surface)):
            return False
    return _is_major_place(gaz.lookup(surface), cfg)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# -- resolution --------------------------------------------------------------------------------


# "St. Johns County", "Ft. Myers", "the Town of Wallkill": the gazetteer writes "Saint", "Fort", "Mount" and
# has no administrative prefix; tried only when the name as written finds nothing.
_ABBREVIATIONS = tuple(
    (re.compile(rf"^{short}\.\s+", re.IGNORECASE), full) for short, full in (("St", "Saint "), ("Ft", "Fort "), ("Mt", "Mount "))
)
_INITIALS = re.compile(r"\b([A-Z]\.)(?=[A-Z]\.)")
_NEXT_NAME = re.compile(r" [A-Z][\w’'-]+")
_ADMIN_PREFIX = re.compile(r"^(?:the\s+)?(?:Town|Village|City|Township|Borough)\s+of\s+", re.IGNORECASE)


def spelled_out(name: str) -> str:
    """The name with a leading "St."/"Ft."/"Mt." spelled out and its initials spaced; else as written."""
    for pattern, full in _ABBREVIATIONS:
        if pattern.match(name):
            return pattern.sub(full, name, count=1)
    return _INITIALS.sub(r"\1 ", name)


def lookup_place(gaz: Any, name: str) -> list[Any]:
    """Gazetteer candidates for a toponym: as written, else with "St."/"Ft."/"Mt." spelled out (the dot
    marks the abbreviation: "St Patrick's" is more often a church than a Saint Patrick), else with its
    initials spaced ("D.I. Khan"), else
    without a "Town of" / "Village of" prefix."""
    found = gaz.lookup_variants(name)
    if found:
        return found
    full = spelled_out(name)
    if full != name and (found := gaz.lookup_variants(full)):
        return found
    stripped = _ADMIN_PREFIX.sub("", name, count=1)
    return gaz.lookup_variants(stripped) if stripped != name else []


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
        population=entry.population,
    )


_DOMINANT_RATIO = 10
# "the region of Ménaka", "Ménaka region": the name is the region, not its same-named capital.
_REGION_CUE_BEFORE = re.compile(r"\b(?:region|province|governorate|prefecture|oblast)\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_REGION_CUE_AFTER = re.compile(r"\s+(?:region|province|governorate|prefecture|oblast)\b(?!\s+of\b)", re.IGNORECASE)
_REGION_CUE_BONUS = 3.0
_STRAY_MAX_POPULATION = 100_000  # a city this large named in a report on another region is most often that city
_NAMESAKE_KM = 300.0  # farther than this from all of a report's sure cities, a small town of a shared name is a namesake


class _Resolver:
    """Scores a report's gazetteer candidates in the context of the report."""

    def __init__(self, text: str, toponyms: Sequence[Toponym], gaz: Any, cfg: GeocodeSettings) -> None:
        self.text, self.gaz, self.cfg = text, gaz, cfg
        self.candidates = {t.text: lookup_place(gaz, t.text)[: cfg.max_candidates] for t in toponyms}
        self.focus = self._focus_countries(toponyms, trusted_only=False)
        self.gate = self._focus_countries(toponyms, trusted_only=True)
        self.regions = self._regions(toponyms)
        self.region_cued = {t.text for t in toponyms if _REGION_CUE_BEFORE.search(text, 0, t.start) or _REGION_CUE_AFTER.match(text, t.end)}
        self.containers = self._containers(toponyms)
        self.resolved_regions: dict[str, tuple[str, str]] = {}
        self.points: list[tuple[float, float]] = []
        self.cities: list[_Resolved] = []  # the cities (100,000 or more) resolved with no need of context

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

    def cohere(self, resolved: dict[str, _Resolved]) -> None:
        """Let the first-level regions of the names resolved so far (``name -> place``) vote: a report on one
        town names its neighbours, its county and its state, and an ambiguous name ("Kensington",
        "Franklin County") most likely lies in the region the report's other names lie in."""
        # A region named outright already counts through ``region_weight``; its towns and counties vote here.
        self.resolved_regions = {
            name: key for name, place in resolved.items() if place.kind != "region" and (key := _region_key(place))
        }

    def _names_a_nation(self, name: str) -> bool:
        """Whether a name can be a country or a people ("Canadian"): then no town of that name is lifted."""
        return any(c.entry.kind in _NATION_KINDS or c.rule in _DEMONYM_RULES for c in self.candidates.get(name, ()))

    def _coherence(self, entry: Any, query: str) -> float:
        """The share of the report's other resolved names that lie in ``entry``'s first-level region."""
        others = [key for name, key in self.resolved_regions.items() if name != query]
        if not others or not entry.admin1:
            return 0.0
        return others.count((entry.country, fold(entry.admin1))) / len(others)

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
        primary = bool(query) and bool({fold(query), fold(spelled_out(query))} & {fold(entry.name), fold(entry.ascii_name)})
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
        if entry.kind == "region" and query in self.region_cued:
            score += _REGION_CUE_BONUS
        score += self.cfg.focus_weight * in_focus
        admin1 = fold(entry.admin1) if entry.admin1 else ""
        if admin1 and (entry.country, admin1) in self.regions:
            score += self.cfg.region_weight
        if primary and entry.kind not in _TRUSTED_KINDS and not self._names_a_nation(query):
            score += self.cfg.coherence_weight * self._coherence(entry, query)
        for outer in self.containers.get(query, ()):
            if entry.country == outer.country and (outer.kind == "country" or admin1 == fold(outer.name)):
                score += self.cfg.container_weight
                break
        if near is not None:
            score += self.cfg.proximity_weight * (1.0 if near < 100 else 0.5 if near < 400 else 0.0)
        return score

    def dominant(self, name: str, hit: _Resolved) -> bool:
        """Whether ``hit`` is a city at least ``_DOMINANT_RATIO`` times as populous as every other settlement
        bearing the name as its own."""
        if hit.kind != "city":
            return False
        rivals = [
            c.entry.population
            for c in self.candidates.get(name, ())
            if c.rule in _EXACT_RULES and c.entry.kind in ("city", "town", "village") and c.entry.geonames_id != hit.geonames_id
            and fold(name) in (fold(c.entry.name), fold(c.entry.ascii_name))
        ]
        return all(hit.population >= _DOMINANT_RATIO * population for population in rivals)

    def margin(self, name: str) -> float:
        """How far the best candidate of ``name`` scores above the next one (infinite with one candidate)."""
        pool = self.candidates.get(name) or lookup_place(self.gaz, name)[: self.cfg.max_candidates]
        scores = sorted((s for cand in pool if (s := self.score(cand, name)) is not None), reverse=True)
        return scores[0] - scores[1] if len(scores) > 1 else math.inf

    def best(self, name: str) -> _Resolved | None:
        pool = self.candidates.get(name) or lookup_place(self.gaz, name)[: self.cfg.max_candidates]
        scored = [(s, cand) for cand in pool if (s := self.score(cand, name)) is not None]
        if not scored:
            return None
        _, cand = max(scored, key=lambda pair: pair[0])
        if cand.entry.kind == "region" and name in self.region_cued:
            return _from_entry(cand.entry, cand.rule)  # "the region of X" is not X's seat
        exact = [c.entry for _, c in scored if c.rule in _EXACT_RULES]
        others = [c.entry for _, c in scored]
        if cand.entry.kind in ("admin2", "municipality") and cand.entry.name != name:
            others += self.gaz.lookup(cand.entry.name)  # "D. I. Khan" names the district; its seat bears its full name
        return _from_entry(_seat_of(cand.entry, others, exact), cand.rule)

    def namesake(self, name: str, hit: _Resolved) -> _Resolved | None:
        """The report's surely resolved city nearest to ``hit`` when ``hit`` is a town or village far from every
        one of them, in their country, with no region or container naming it: the name is more likely a
        neighbourhood or a street the gazetteer lacks near them ("Madisonville" in a Cincinnati report is
        not the Kentucky town 340 km away)."""
        if hit.kind not in ("town", "village") or not hit.method.startswith("gazetteer:") or not self.cities:
            return None
        if any(c.country != hit.country for c in self.cities) or self.containers.get(name):
            return None
        if sum(c.rule in _EXACT_RULES for c in self.candidates.get(name, ())) < 2:
            return None  # a name only one place bears is that place
        if hit.admin1 and (hit.country, fold(hit.admin1)) in self.regions:
            return None
        nearest = min(self.cities, key=lambda c: haversine_km(hit.lat, hit.lon, c.lat, c.lon))
        distance = haversine_km(hit.lat, hit.lon, nearest.lat, nearest.lon)
        return nearest if distance > _NAMESAKE_KM else None

    def stray(
        self, topo: Toponym, hit: _Resolved, places: Sequence[Toponym], resolved: Mapping[int, _Resolved | None]
    ) -> _Resolved | None:
        """The report's place nearest in the text to ``topo`` inside the region the report names (else that
        region), when ``hit`` is a city or town of another region of that country, far from all of the
        report's places in the named one and with no container naming it: the gazetteer lacks the local place
        of that name ("White Plains" in a report on Hopkins County, Kentucky is not the New York city 1,200 km
        away)."""
        if hit.kind not in ("city", "town", "village") or not hit.method.startswith("gazetteer:") or not hit.admin1:
            return None
        if self.containers.get(topo.text) or hit.population >= _STRAY_MAX_POPULATION:
            return None
        named = {region for country, region in self.regions if country == hit.country}
        if len(named) != 1 or fold(hit.admin1) in named:
            return None
        home = [
            (abs(other.start - topo.start), place)
            for index, other in enumerate(places)
            if other.text != topo.text and (place := resolved.get(index)) is not None and place.kind in _SETTLEMENTS
            and place.country == hit.country and place.admin1 and fold(place.admin1) in named
        ]
        if not home:  # no place of the report lies in the named region: the region itself is the home
            (region,) = named
            home = [(0, _from_entry(e, "area")) for e in self.gaz.lookup(region)[:5] if e.kind == "region" and e.country == hit.country][:1]
        if not home or min(haversine_km(hit.lat, hit.lon, p.lat, p.lon) for _, p in home) <= _NAMESAKE_KM:
            return None
        return min(home, key=lambda pair: pair[0])[1]

    def seat(self, name: str) -> _Resolved | None:
        """The most populous city an exact name gives, in the report's main country if one is there."""
        cities = [c for c in self.candidates.get(name, []) if c.rule in _EXACT_RULES and c.entry.kind == "city"]
        if not cities:
            return None
        best = max(cities, key=lambda c: (self.focus.get(c.entry.country, 0.0) > 0, c.entry.population))
        return _from_entry(best.entry, best.rule)

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


def _region_key(place: _Resolved) -> tuple[str, str] | None:
    """(country, folded first-level region) a resolved place lies in or is; None for a country or continent."""
    if not place.country or place.kind in ("country", "continent", "macroregion", "sea"):
        return None
    if place.kind == "region":
        return (place.country, fold(place.name))
    return (place.country, fold(place.admin1)) if place.admin1 else None


def _seat_of(entry: Any, others: Sequence[Any], exact: Sequence[Any] = ()) -> Any:
    """A district named after its seat means the seat: the same-named settlement near it, when there is one.

    A first-level region also gives way to a city of a million or more in it that the same name reaches
    exactly (``exact``): in news "New York" is the city more often than the state.
    """
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
    if not seats and entry.kind == "region":
        seats = [
            other
            for other in exact
            if other.kind == "city"
            and other.country == entry.country
            and other.population >= _REGION_CITY_MIN_POPULATION
            and other.admin1 == entry.name
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
        return _anchored(resolver.gaz, topo, points, f"anchor:{relation}:" + " and ".join(p.name for p in points))
    return None


def _anchored(gaz: Any, topo: Toponym, anchors: Sequence[_Resolved], method: str) -> _Resolved:
    """An unknown place near ``anchors`` carries the point and precision of the area that holds them
    (:func:`_area_of`), never a town's own point; two anchors in different areas share their region."""
    areas = [_area_of(gaz, a) for a in anchors]
    area = areas[0]
    if any((a.lat, a.lon) != (area.lat, area.lon) for a in areas[1:]):
        first = anchors[0]
        same_region = all(a.country == first.country and a.admin1 == first.admin1 for a in anchors)
        region = _region_of(gaz, first) if same_region else None
        area = region or area
    return _Resolved(area.lat, area.lon, topo.text, area.country, area.admin1, area.precision, f"{method}:{area.name}", None, "anchor")


def _area_of(gaz: Any, anchor: _Resolved) -> _Resolved:
    """The area a settlement lies in: its municipality where the gazetteer has one (a second-level area
    named after it, in its region, within ``_SEAT_MAX_KM``; else the nearest second-level area of its
    region within ``_AREA_MAX_KM`` at least as populous as the settlement, since a town of 100,000 is not
    inside a municipality of 17,000), else its first-level region, else its country. An area is its own
    area."""
    if anchor.kind not in ("city", "town", "village"):
        return anchor
    municipalities = [
        c.entry
        for c in gaz.lookup_variants(anchor.name)
        if c.entry.kind == "admin2"
        and c.entry.country == anchor.country
        and (c.entry.admin1 or None) == anchor.admin1
        and haversine_km(c.entry.lat, c.entry.lon, anchor.lat, anchor.lon) < _SEAT_MAX_KM
    ]
    if municipalities:
        return _from_entry(min(municipalities, key=lambda e: e.population), "area")
    nearest = gaz.nearest_area(
        anchor.lat, anchor.lon, country=anchor.country or "", admin1=anchor.admin1 or "", max_km=_AREA_MAX_KM, min_population=anchor.population
    )
    if nearest is not None:  # a county not named after its towns: the nearest one of the region that can hold it
        return _from_entry(nearest, "area")
    return _region_of(gaz, anchor) or anchor


def _region_of(gaz: Any, anchor: _Resolved) -> _Resolved | None:
    """The first-level region of a place, else its country, as gazetteer entries."""
    if anchor.admin1:
        regions = [e for e in gaz.lookup(anchor.admin1) if e.kind == "region" and e.country == anchor.country]
        if regions:
            return _from_entry(regions[0], "area")
    if anchor.country:
        countries = [e for e in gaz.lookup(anchor.country) if e.kind == "country" and anchor.country in e.codes]
        if countries:
            return _from_entry(countries[0], "area")
    return None


def resolve_toponyms(
    doc: Document, toponyms: Sequence[Toponym], gaz: Any, cfg: GeocodeSettings, context: Sequence[Toponym] = ()
) -> list[Place | None]:
    """Resolve each toponym in the context of its report; None where nothing answers and for demonyms.

    A metonym ("Washington said") resolves to the city that is the seat of the government, not to a
    same-named region. ``context`` toponyms (place names inside organisations' names: "Georgia Bureau of
    Investigation", "Kentucky State Police") are not resolved but say which countries and regions the
    report is about."""
    places = [t for t in toponyms if t.kind != "demonym"]
    resolver = _Resolver(doc.text, [*toponyms, *context], gaz, cfg)  # demonyms vote for the focus countries too
    resolved: dict[int, _Resolved | None] = {}
    for index, topo in enumerate(places):
        first = resolver.seat(topo.text) if topo.kind == "metonym" else resolver.confident(topo.text)
        if first is not None:
            resolved[index] = first
            if first.kind in _SETTLEMENTS:
                resolver.points.append((first.lat, first.lon))
            if first.kind == "city":
                resolver.cities.append(first)
    confident = set(resolved)
    for index, topo in enumerate(places):
        if index not in resolved:
            resolved[index] = resolver.best(topo.text)
    # Second pass: the ambiguous names again, now that the regions of the others are known, the surest
    # first, each answer voting for the next ("Boston" settles "Brighton", not the other way round).
    settled = {topo.text: hit for index, topo in enumerate(places) if (hit := resolved[index]) is not None}
    # A city ten times larger than any namesake is kept: a neighbour's namesake abroad must not move
    # Boston to England.
    pending = sorted(
        {places[i].text for i, hit in resolved.items() if i not in confident and hit is not None and not resolver.dominant(places[i].text, hit)},
        key=lambda name: -resolver.margin(name),
    )
    for name in pending:
        resolver.cohere(settled)
        if (hit := resolver.best(name)) is not None:
            settled[name] = hit
    for index, topo in enumerate(places):
        if index not in confident and resolved[index] is not None:
            resolved[index] = settled.get(topo.text)
    for index, topo in enumerate(places):
        if (hit := resolved[index]) is not None and (near := resolver.namesake(topo.text, hit)):
            resolved[index] = _anchored(gaz, topo, [near], f"anchor:namesake:{near.name}")
    for index, topo in enumerate(places):
        if (hit := resolved[index]) is not None and (home := resolver.stray(topo, hit, places, resolved)):
            resolved[index] = _anchored(gaz, topo, [home], f"anchor:region:{home.name}")
    main_country = max(resolver.gate, key=resolver.gate.__getitem__) if resolver.gate else None
    for index, topo in enumerate(places):
        if resolved[index] is None:
            resolved[index] = _anchor(resolver, topo) or _paragraph_anchor(gaz, doc.text, topo, places, resolved, main_country)
    anchored = {topo.text: r for index, topo in enumerate(places) if (r := resolved[index]) is not None and r.kind == "anchor"}
    for index, topo in enumerate(places):
        if resolved[index] is None and topo.text in anchored:
            resolved[index] = anchored[topo.text]  # a name placed once in the report is placed at every mention
    by_span = {(t.start, t.end): resolved[i] for i, t in enumerate(places)}
    out: list[Place | None] = []
    for topo in toponyms:
        hit = by_span.get((topo.start, topo.end))
        out.append(None if hit is None else _place(topo, hit))
    return out


def _paragraph_anchor(
    gaz: Any, text: str, topo: Toponym, places: Sequence[Toponym], resolved: dict[int, _Resolved | None], country: str | None
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
    return _anchored(gaz, topo, [anchor], f"anchor:paragraph:{anchor.name}")


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
    if doc.analysis is not None:  # not English (langid): the spotting rules are English (issue 16)
        return doc
    gaz = load_gazetteer(cfg.extra_gazetteer)
    if gaz is None:
        return doc
    spotted = spot_toponyms(doc, gaz, cfg)
    toponyms = [t for t in spotted if t.kind == "place"]
    resolved = resolve_toponyms(doc, toponyms, gaz, cfg, context=[t for t in spotted if t.kind == "organisation"])
    places = tuple(
        place if place is not None else Place(text=t.text, name=t.text, start=t.start, end=t.end, method="unresolved")
        for t, place in zip(toponyms, resolved)
    )
    return doc.model_copy(update={"places": places})
