"""Same-incident clustering (the ``cluster`` slot): which reports tell the same real-world incident.

Each document is reduced to a :class:`ClusterItem` (its main incident's date, place and type; the
report's text, entities, countries, and the ages, years and lead numbers it states).
:func:`cluster_incidents` then

1. fits TF-IDF models on the items it is given (word 1-2 grams of the text; its capitalised words and
   numbers; the entities' canonical names), so every corpus statistic comes from the collection being
   clustered;
2. finds candidate pairs by blocking: items sharing a key (an entity, one of the item's
   ``block_terms`` strongest terms, the incident's place) that at most ``max_block`` items hold; each
   item keeps its ``max_candidates`` pairs with the rarest shared keys, so the work grows with the
   number of items, not its square;
3. scores each candidate pair: ``direct_weight`` x the weighted cosines, plus ``shared_weight`` x the
   second-order similarity (the cosine of the two items' rows of nearest neighbours: reports of one
   incident share their neighbours, two instances of one kind of event fewer), plus what the facts say
   (incident days within ``date_window_days`` or not, weekdays, places, countries in common, ages and
   years shared or conflicting); incident dates more than ``date_cannot_days`` apart are a cannot-link;
4. agglomerates by average link over that sparse graph (a missing pair counts 0), starting from the
   incidents already stored (``fixed``), which never merge with one another; two groups of two or more
   merge only if their link is at least ``cohesion_ratio`` of the tighter one's own average, and
   merging stops below ``threshold``.

Ties break by canonical order (incident or publication date, then doc_id), so the result does not
depend on the order items arrive in. Known limit: in a very small collection (a handful of reports) the
second-order similarity has no neighbourhood to read and amplifies the pair's own score.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from typing import TYPE_CHECKING

import numpy as np

from ..geo.gazetteer import fold
from ..model import Document, IncidentMention, PlacePrecision
from ..registry import stage
from ..settings import ClusterSettings

if TYPE_CHECKING:  # scipy and sklearn are imported where used: ``eventlens stages`` and ``--help`` load neither
    from scipy import sparse

__all__ = ["ClusterItem", "cluster_incidents"]

# Precisions at which two places far apart are two places (a region or country contains many towns).
_POINT_PRECISIONS = frozenset({PlacePrecision.EXACT, PlacePrecision.VILLAGE, PlacePrecision.TOWN})
# Capitalised words and numbers: the instance-specific part of a report (names, ages, tolls, scores).
_NAME_OR_NUMBER = re.compile(r"\b(?:[A-Z][\w'’-]*\w|\d+(?:[.,:/-]\d+)*)")
# Ages of the people a report names ("a 6-year-old", "aged 33", "Jane Doe, 26,"): two reports that
# give ages and share none tell of other people. Same-city pairs of the incidents set: 158 of 190
# same-incident pairs share an age and 3 conflict; of the other pairs 53 share one and 271 conflict.
_AGE = re.compile(r"\b(\d{1,3})[- ](?:year|yr)s?[- ]old\b|\baged? (\d{1,3})\b|\b[A-Z][a-z]+, (\d{1,2}),", re.IGNORECASE)
# A shared age anywhere adds, but only the openings' ages conflict: the victims' ages come first, a long
# report's later ones are of witnesses and relatives ("his 10-year-old sister" deep in a mass-shooting
# story had joined it to the next day's shooting of a 10-year-old). With 2,000 characters: incidents set
# B-cubed 0.9725 -> 0.9768 and no same-city hard-negative pair merged (1 before); ECB+ dev 0.9299 ->
# 0.9308 (flat from 1,500 to 2,500), test 0.9250 unchanged (0.917 at 1,500, 0.909 at 3,000).
_AGE_LEAD_CHARS = 2000
# Years a report states. ECB+ pairs of one topic: same event 2,521 share a year, 350 conflict;
# another instance 374 share, 1,456 conflict.
_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)\b")
# A report's countries are those of at least this share of its located place mentions; two reports
# whose countries are disjoint are about different places. The main place's own country is not used:
# a report from abroad ("the Security Council met in New York") often has a wrong main place. Pairs
# with no country in common: ECB+ one topic, same event 237 of 4,057, another instance 950 of 3,915;
# multisource 0 of 42 and 443 of 486 (the main place's country: 303 of 2,211 and 870 of 1,917 on ECB+).
_COUNTRY_SHARE = 0.1
# Numbers of a report's lead (its title and first line: a toll, a magnitude, a sum, a score), years
# left out. ECB+ pairs of one topic that both state some: same event 528 share one, 251 none;
# another instance 11 share one, 524 none.
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w]|\.\d)")


@dataclass(frozen=True, slots=True)
class ClusterItem:
    """Compact features of one document's main incident (or of the document, when it has none)."""

    doc_id: str
    text: str
    published: str | None = None
    date: str | None = None
    date_precision: str | None = None
    weekday: int | None = None
    lat: float | None = None
    lon: float | None = None
    place: str | None = None
    place_precision: str | None = None
    country: str | None = None
    admin1: str | None = None
    category: str | None = None
    actors: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    figures: tuple[tuple[str, int], ...] = ()
    ages: tuple[int, ...] = ()
    lead_ages: tuple[int, ...] = ()  # the ages stated in the first _AGE_LEAD_CHARS characters
    years: tuple[int, ...] = ()
    numbers: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()

    @classmethod
    def from_document(cls, doc: Document) -> ClusterItem:
        """The item of ``doc``: its first main incident's facts, its title and text, its entities."""
        main = next((incident for incident in doc.incidents if incident.role == "main"), None)
        text = "\n".join(part for part in (doc.title, doc.text) if part)
        published = doc.published.iso if doc.published is not None else None
        entities = tuple(entity.canonical for entity in doc.entities)
        ages, lead_ages = _ages(text), _ages(text[:_AGE_LEAD_CHARS])
        years = tuple(sorted({int(year) for year in _YEAR.findall(text)}))
        lead = "\n".join(text.split("\n")[:2])
        numbers = tuple(sorted({n for n in _NUMBER.findall(lead) if not _YEAR.fullmatch(n)}))
        facts = {"ages": ages, "lead_ages": lead_ages, "years": years, "numbers": numbers, "countries": _countries(doc)}
        if main is None:
            return cls(doc_id=doc.doc_id, text=text, published=published, entities=entities, **facts)
        return cls(
            doc_id=doc.doc_id,
            text=text,
            published=published,
            **facts,
            date=main.date,
            date_precision=str(main.date_precision) if main.date_precision is not None else None,
            weekday=main.weekday,
            **_place_fields(main),
            category=main.category,
            actors=tuple(actor.name for actor in main.actors),
            entities=entities,
            figures=tuple(
                (claim.figure, claim.value) for claim in main.claims if claim.value is not None and not claim.self_claim
            ),
        )


def _ages(text: str) -> tuple[int, ...]:
    return tuple(sorted({int(next(group for group in match if group)) for match in _AGE.findall(text)}))


def _countries(doc: Document) -> tuple[str, ...]:
    """Countries holding at least ``_COUNTRY_SHARE`` of the report's located place mentions."""
    counts = Counter(place.country for place in doc.places if place.country)
    total = sum(counts.values())
    return tuple(sorted(country for country, n in counts.items() if n >= _COUNTRY_SHARE * total))


def _place_fields(main: IncidentMention) -> dict[str, object]:
    place = main.place
    if place is None:
        return {}
    return {
        "lat": place.lat,
        "lon": place.lon,
        "place": fold(place.name) or None,
        "place_precision": str(place.precision) if place.precision is not None else None,
        "country": place.country,
        "admin1": place.admin1,
    }


def _interval(value: str | None) -> tuple[date, date] | None:
    """The days an ISO date of any precision covers (``2023`` is the whole year)."""
    if not value:
        return None
    parts = value[:10].split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return date(year, 1, 1), date(year, 12, 31)
        month = int(parts[1])
        if len(parts) == 2:
            following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
            return date(year, month, 1), following - timedelta(days=1)
        day = date(year, month, int(parts[2]))
    except ValueError:
        return None
    return day, day


def _day(value: str | None) -> date | None:
    span = _interval(value)
    return span[0] if span is not None and span[0] == span[1] else None


class _Facts:
    """What the pair rules read of the items, one array per fact (NaN or -1 where unknown)."""

    def __init__(self, items: Sequence[ClusterItem]) -> None:
        size = len(items)
        self.start = np.full(size, np.nan)  # incident date interval, as day ordinals
        self.end = np.full(size, np.nan)
        self.reference = np.full(size, np.nan)  # incident day, else publication day
        self.weekday = np.full(size, -1)
        self.lat = np.full(size, np.nan)  # a point only at town precision or finer
        self.lon = np.full(size, np.nan)
        codes: dict[tuple[str, str], int] = {}
        self.place = np.full(size, -1)
        self.category = np.full(size, -1)
        for index, item in enumerate(items):
            span = _interval(item.date)
            if span is not None:
                self.start[index], self.end[index] = span[0].toordinal(), span[1].toordinal()
            reference = _day(item.date) or _day(item.published)
            if reference is not None:
                self.reference[index] = reference.toordinal()
            day = _day(item.date)
            weekday = day.weekday() if day is not None else item.weekday
            if weekday is not None:
                self.weekday[index] = weekday
            if item.lat is not None and item.lon is not None and item.place_precision in _POINT_PRECISIONS:
                self.lat[index], self.lon[index] = item.lat, item.lon
            for field, value in (("place", item.place), ("category", item.category)):
                if value:
                    getattr(self, field)[index] = codes.setdefault((field, value), len(codes))
        self.countries = _indicator([item.countries for item in items])
        self.ages = _indicator([item.ages for item in items])
        self.lead_ages = _indicator([item.lead_ages for item in items])
        self.years = _indicator([item.years for item in items])
        self.numbers = _indicator([item.numbers for item in items])


def _indicator(values: Sequence[Sequence[object]]) -> sparse.csr_matrix:
    """Items x values, 1 where the item states the value."""
    from scipy import sparse
    codes: dict[object, int] = {}
    rows = [row for row, row_values in enumerate(values) for _ in row_values]
    cols = [codes.setdefault(value, len(codes)) for row_values in values for value in row_values]
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(values), max(len(codes), 1)))


def _agreement(matrix: sparse.csr_matrix, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs where both items state values and share one, and where both state values and share none."""
    stated = np.asarray(matrix.sum(axis=1)).ravel() > 0
    both = stated[pairs[:, 0]] & stated[pairs[:, 1]]
    shared = _row_dots(matrix, pairs) > 0
    return both & shared, both & ~shared


def _canonical_key(item: ClusterItem) -> tuple[str, str]:
    """Incident date, else publication date, then doc_id: the order that names new groups."""
    return (item.date or item.published or "9999", item.doc_id)


def _tfidf(docs: Sequence[str], **options: object) -> tuple[sparse.csr_matrix, np.ndarray]:
    """L2-normalised TF-IDF rows (sublinear tf) fitted on ``docs``, and the terms of its columns."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    vectorizer = TfidfVectorizer(sublinear_tf=True, dtype=np.float64, **options)  # type: ignore[arg-type]
    try:
        matrix = vectorizer.fit_transform(docs)
    except ValueError:  # an empty vocabulary (no document has a token)
        return sparse.csr_matrix((len(docs), 1)), np.array([""])
    return sparse.csr_matrix(matrix), vectorizer.get_feature_names_out()


def _names_text(text: str) -> str:
    return " ".join(_NAME_OR_NUMBER.findall(text))


def _entity_key(name: str) -> str:
    return "_".join(fold(name).split())


def _best_per_row(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """Mask of each row's ``count`` highest values (ties: the lower column); rows need not be sorted."""
    order = np.lexsort((cols, -values, rows))
    ranked_rows = rows[order]
    first = np.searchsorted(ranked_rows, ranked_rows, side="left")
    keep = np.zeros(len(rows), dtype=bool)
    keep[order[(np.arange(len(rows)) - first) < count]] = True
    return keep


def _top_terms(matrix: sparse.csr_matrix, count: int, vocabulary: np.ndarray) -> list[list[str]]:
    """The ``count`` highest-weighted terms of each row (ties: the earlier term)."""
    out: list[list[str]] = []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        cols, weights = matrix.indices[start:end], matrix.data[start:end]
        best = np.lexsort((cols, -weights))[:count]
        out.append([f"t:{vocabulary[cols[i]]}" for i in best])
    return out


def _blocking_matrix(keys: Sequence[Iterable[str]], max_block: int) -> sparse.csr_matrix:
    """Items x keys, weighted by the key's rarity; keys held by one item or by more than ``max_block`` are dropped."""
    from scipy import sparse
    index: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for row, item_keys in enumerate(keys):
        for key in sorted(set(item_keys)):
            rows.append(row)
            cols.append(index.setdefault(key, len(index)))
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(keys), max(len(index), 1)))
    held = np.asarray(matrix.sum(axis=0)).ravel()
    weights = np.where((held >= 2) & (held <= max_block), np.log((len(keys) + 1) / np.maximum(held, 1)), 0.0)
    return sparse.csr_matrix(matrix @ sparse.diags(weights))


def _candidate_pairs(blocking: sparse.csr_matrix, max_candidates: int, chunk: int = 2048) -> np.ndarray:
    """Pairs (i < j) sharing a blocking key, each item keeping its ``max_candidates`` strongest (summed key weights)."""
    from scipy import sparse
    found: list[np.ndarray] = []
    transposed = sparse.csr_matrix(blocking.T)
    for begin in range(0, blocking.shape[0], chunk):
        shared = sparse.coo_matrix(blocking[begin : begin + chunk] @ transposed)
        rows, cols, values = shared.row + begin, shared.col, shared.data
        other = (rows != cols) & (values > 0)
        rows, cols, values = rows[other], cols[other], values[other]
        keep = _best_per_row(rows, cols, values, max_candidates)
        found.append(np.stack([np.minimum(rows, cols), np.maximum(rows, cols)], axis=1)[keep])
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found).astype(np.int64), axis=0)


def _row_dots(matrix: sparse.csr_matrix, pairs: np.ndarray, chunk: int = 20_000) -> np.ndarray:
    """Dot product of each pair's rows (the cosine, for L2-normalised rows), in chunks of pairs."""
    out = np.zeros(len(pairs))
    for begin in range(0, len(pairs), chunk):
        part = pairs[begin : begin + chunk]
        out[begin : begin + chunk] = np.asarray(matrix[part[:, 0]].multiply(matrix[part[:, 1]]).sum(axis=1)).ravel()
    return out


def _shared_neighbours(size: int, pairs: np.ndarray, scores: np.ndarray, cfg: ClusterSettings) -> np.ndarray:
    """Second-order similarity of each pair: the cosine of the two items' rows of nearest neighbours.

    A row holds an item's ``neighbours`` best-scoring candidates (scores to the power ``shared_power``)
    and the item itself (``shared_self``, so that two items close to each other score high with no
    neighbour in common). Reports of one incident share their neighbours; two instances of one kind of
    event share fewer.
    """
    from scipy import sparse
    if len(pairs) == 0:
        return np.zeros(0)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    values = np.clip(np.concatenate([scores, scores]), 0.0, None) ** cfg.shared_power
    keep = _best_per_row(rows, cols, values, cfg.neighbours) & (values > 0)
    diagonal = np.arange(size)
    matrix = sparse.csr_matrix(
        (
            np.concatenate([values[keep], np.full(size, cfg.shared_self)]),
            (np.concatenate([rows[keep], diagonal]), np.concatenate([cols[keep], diagonal])),
        ),
        shape=(size, size),
    )
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return _row_dots(sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix), pairs)


def _haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _both(codes: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return (codes[i] >= 0) & (codes[j] >= 0)


def _compatibility(facts: _Facts, pairs: np.ndarray, cfg: ClusterSettings) -> tuple[np.ndarray, np.ndarray]:
    """What the facts add to each pair's score, and which pairs can never be one incident."""
    i, j = pairs[:, 0], pairs[:, 1]
    score = np.zeros(len(pairs))
    with np.errstate(invalid="ignore"):
        interval_gap = np.maximum(0.0, np.maximum(facts.start[i], facts.start[j]) - np.minimum(facts.end[i], facts.end[j]))
        cannot = interval_gap > cfg.date_cannot_days
        gap = np.where(np.isnan(interval_gap), np.abs(facts.reference[i] - facts.reference[j]), interval_gap)
        known = ~np.isnan(gap)
        near = known & (gap <= cfg.date_window_days)
        score[near] += cfg.date_weight * (1.0 - gap[near] / (cfg.date_window_days + 1))
        score[known & ~near] -= cfg.date_gap_weight
        score[_both(facts.weekday, i, j) & (facts.weekday[i] != facts.weekday[j])] -= cfg.weekday_weight
        km = _haversine_km(facts.lat[i], facts.lon[i], facts.lat[j], facts.lon[j])
        located = ~np.isnan(km)
        if cfg.place_cannot_km is not None:
            cannot |= located & (km > cfg.place_cannot_km)
        same_place = np.where(located, km <= cfg.near_km, _both(facts.place, i, j) & (facts.place[i] == facts.place[j]))
        score[same_place] += cfg.place_weight
        score[located & (km > cfg.place_km)] -= cfg.place_gap_weight
    _, other_countries = _agreement(facts.countries, pairs)
    score[other_countries] -= cfg.country_weight
    score[_both(facts.category, i, j) & (facts.category[i] != facts.category[j])] -= cfg.category_weight
    shared, _ = _agreement(facts.ages, pairs)
    _, conflicting = _agreement(facts.lead_ages, pairs)
    score[shared] += cfg.age_weight
    score[conflicting] -= cfg.age_weight
    for matrix, weight in ((facts.years, cfg.year_weight), (facts.numbers, cfg.number_weight)):
        shared, conflicting = _agreement(matrix, pairs)
        score[shared] += weight
        score[conflicting] -= weight
    return score, cannot


class _Agglomeration:
    """Average link over a sparse graph with cannot-links; clusters are named by their lowest rank."""

    def __init__(self, size: int, groups: Sequence[Sequence[int]], cohesion_ratio: float = 0.0) -> None:
        self.cohesion_ratio = cohesion_ratio
        self.inner: dict[int, float] = defaultdict(float)  # sum of the scores of a cluster's own pairs
        self.cluster = list(range(size))
        self.members: dict[int, list[int]] = {i: [i] for i in range(size)}
        self.sums: dict[int, dict[int, float]] = defaultdict(dict)
        self.cannot: dict[int, set[int]] = defaultdict(set)
        self.version: dict[int, int] = defaultdict(int)
        self.fixed: set[int] = set()  # clusters holding a stored incident: two of them never merge
        self.threshold = 0.0
        for group in groups:
            head = min(group)
            self.fixed.add(head)
            for member in group:
                if member != head:
                    self._absorb(head, member)

    def _absorb(self, head: int, other: int) -> None:
        for member in self.members.pop(other):
            self.cluster[member] = head
            self.members[head].append(member)

    def add(self, i: int, j: int, score: float | None) -> None:
        a, b = self.cluster[i], self.cluster[j]
        if a == b:
            self.inner[a] += score or 0.0
            return
        if score is None:
            self.cannot[a].add(b)
            self.cannot[b].add(a)
            return
        self.sums[a][b] = self.sums[a].get(b, 0.0) + score
        self.sums[b][a] = self.sums[a][b]

    def _link(self, a: int, b: int) -> float:
        return self.sums[a][b] / (len(self.members[a]) * len(self.members[b]))

    def _cohesion(self, a: int) -> float | None:
        size = len(self.members[a])
        return self.inner[a] / (size * (size - 1) / 2) if size > 1 else None

    def _coherent(self, a: int, b: int, link: float) -> bool:
        """Two groups merge only if their link is near the tighter one's own cohesion (two instances of one kind of event are each tighter than together)."""
        if not self.cohesion_ratio:
            return True
        cohesions = [c for c in (self._cohesion(a), self._cohesion(b)) if c is not None]
        return len(cohesions) < 2 or link >= self.cohesion_ratio * min(cohesions)

    def run(self, threshold: float) -> dict[int, list[int]]:
        # Only links at or above the threshold enter the heap: a link changes only when one of its two
        # groups does, and it is pushed again then.
        self.threshold = threshold
        heap = [(-link, a, b, 0, 0) for a in self.sums for b in self.sums[a] if a < b and (link := self._link(a, b)) >= threshold]
        heapq.heapify(heap)
        while heap:
            neg, a, b, va, vb = heapq.heappop(heap)
            if -neg < threshold:
                break
            if a not in self.members or b not in self.members or va != self.version[a] or vb != self.version[b]:
                continue
            if b in self.cannot[a] or (a in self.fixed and b in self.fixed) or not self._coherent(a, b, -neg):
                continue
            self._merge(a, b, heap)
        return self.members

    def _merge(self, a: int, b: int, heap: list[tuple[float, int, int, int, int]]) -> None:
        head, other = min(a, b), max(a, b)
        self.inner[head] += self.inner.pop(other, 0.0) + self.sums[head][other]
        self._absorb(head, other)
        if other in self.fixed:
            self.fixed.discard(other)
            self.fixed.add(head)
        for c, value in self.sums.pop(other).items():
            self.sums[c].pop(other, None)
            if c != head:
                self.sums[head][c] = self.sums[head].get(c, 0.0) + value
                self.sums[c][head] = self.sums[head][c]
        self.sums[head].pop(head, None)
        for c in self.cannot.pop(other, set()):
            self.cannot[c].discard(other)
            if c != head:
                self.cannot[c].add(head)
                self.cannot[head].add(c)
        self.version[head] += 1
        for c in self.sums[head]:
            if c in self.cannot[head] or (head in self.fixed and c in self.fixed):
                continue
            link = self._link(head, c)
            if link >= self.threshold:
                low, high = min(head, c), max(head, c)
                heapq.heappush(heap, (-link, low, high, self.version[low], self.version[high]))


@stage("cluster.incidents.v1", slot="cluster", kind="fusion", section="cluster")
def cluster_incidents(items: Sequence[ClusterItem], fixed: Mapping[str, str], cfg: ClusterSettings) -> dict[str, str]:
    """doc_id -> incident key for every item."""
    from scipy import sparse
    ordered = sorted({item.doc_id: item for item in items}.values(), key=_canonical_key)
    if not ordered:
        return {}
    texts = [item.text for item in ordered]
    words, vocabulary = _tfidf(texts, ngram_range=(1, 2))
    names, _ = _tfidf([_names_text(text) for text in texts], token_pattern=r"\S+", lowercase=False)
    entity_docs = [" ".join(_entity_key(name) for name in item.entities) for item in ordered]
    entities, _ = _tfidf(entity_docs, token_pattern=r"\S+", lowercase=False)

    keys = [[f"e:{key}" for key in doc.split()] for doc in entity_docs]
    for index, terms in enumerate(_top_terms(words, cfg.block_terms, vocabulary)):
        keys[index].extend(terms)
    for index, item in enumerate(ordered):
        if item.place:
            keys[index].append(f"p:{item.place}")
    pairs = _candidate_pairs(_blocking_matrix(keys, cfg.max_block), cfg.max_candidates)

    # One product of the weighted blocks side by side is the weighted sum of the three cosines.
    blocks = [(words, cfg.text_weight), (names, cfg.names_weight), (entities, cfg.entity_weight)]
    weighted = [matrix * np.sqrt(weight) for matrix, weight in blocks if weight]
    scores = _row_dots(sparse.hstack(weighted, format="csr"), pairs) if weighted else np.zeros(len(pairs))
    compatibility, cannot = _compatibility(_Facts(ordered), pairs, cfg)
    allowed = ~cannot
    if cfg.shared_weight and allowed.any():
        second = _shared_neighbours(len(ordered), pairs[allowed], scores[allowed] + cfg.shared_facts * compatibility[allowed], cfg)
        scores[allowed] = cfg.direct_weight * scores[allowed] + cfg.shared_weight * second
    scores += compatibility
    index_of = {item.doc_id: index for index, item in enumerate(ordered)}
    by_key: dict[str, list[int]] = defaultdict(list)
    for doc_id, key in fixed.items():
        if doc_id in index_of:
            by_key[key].append(index_of[doc_id])
    graph = _Agglomeration(len(ordered), [sorted(group) for _, group in sorted(by_key.items())], cfg.cohesion_ratio)
    for (i, j), ok, value in zip(pairs.tolist(), allowed.tolist(), scores.tolist()):
        graph.add(i, j, value if ok else None)
    result: dict[str, str] = {}
    for head, members in graph.run(cfg.threshold).items():
        stored = sorted({fixed[ordered[m].doc_id] for m in members if ordered[m].doc_id in fixed})
        key = stored[0] if stored else ordered[min(members)].doc_id
        for member in members:
            result[ordered[member].doc_id] = key
    return result
