"""Geoparsing evaluation on GeoWebNews (shared/eval/geoparsing), with the metrics of Gritta et al.

Geotagging: exact-span precision/recall/F1 of toponym spans. Geocoding: Accuracy@161km, AUC of the
log error distance (lower is better), mean and median error in km, and GeoNames-id accuracy, both
with the gold spans (resolution alone) and end to end (our own spans: spotting, then resolution).

End to end, each gold toponym with coordinates is scored by the place we give the toponym we spotted
at the same span ("exact") or, in the headline figure, at a span overlapping it ("overlap": the exact
one if there is one, else the one overlapping most); a gold toponym we did not spot counts as the
largest error. Every toponym we spot is resolved here, whatever it stands for (a demonym, a name inside
an organisation's, a metonym), since the gold gives those coordinates too. The precision-like figure
is the share of our resolved toponyms that overlap a gold toponym with coordinates and lie within
161 km of it (those overlapping only a gold toponym without coordinates are left out).

Baselines scored in the same run on the same gazetteer: spaCy's GPE/LOC/FAC spans (geotagging) and
the largest-population exact name match (resolution).
"""

from __future__ import annotations

import gzip
import json
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from ..model import Document, Place
from ..settings import Settings
from ..stages.entities import recognise_entities
from ..stages.geocode import Toponym, haversine_km, load_gazetteer, resolve_toponyms, spot_toponyms
from .common import split_of

__all__ = ["GeocodingScore", "TaggingScore", "evaluate_geoparse", "geocoding_score", "match_predictions", "tagging_score"]

MAX_ERROR_KM = 20039.0
_NO_COORDS_TYPES = frozenset({"Demonym", "Language", "Homonym"})


@dataclass(frozen=True, slots=True)
class TaggingScore:
    precision: float
    recall: float
    f1: float
    gold: int
    predicted: int


@dataclass(frozen=True, slots=True)
class GeocodingScore:
    acc161: float
    auc: float
    mean_km: float
    median_km: float
    geonames_acc: float | None
    n: int
    n_geonames: int


def tagging_score(gold: set[tuple[str, int, int]], predicted: set[tuple[str, int, int]], ignore: set[tuple[str, int, int]] = frozenset()) -> TaggingScore:  # type: ignore[assignment]
    """Exact-span P/R/F1; predictions in ``ignore`` (gold of another group) count neither way."""
    counted = predicted - ignore
    tp = len(gold & counted)
    precision = tp / len(counted) if counted else 0.0
    recall = tp / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TaggingScore(precision, recall, f1, len(gold), len(counted))


def geocoding_score(errors: Sequence[float], id_hits: Sequence[bool]) -> GeocodingScore:
    """Acc@161, AUC of log error, mean/median error and GeoNames-id accuracy."""
    ordered = sorted(errors)
    n = len(ordered)
    if n == 0:
        return GeocodingScore(0.0, 1.0, MAX_ERROR_KM, MAX_ERROR_KM, None, 0, 0)
    logs = [math.log(e + 1) for e in ordered]
    area = sum((logs[i] + logs[i + 1]) / 2 for i in range(n - 1)) if n > 1 else logs[0]
    auc = area / ((max(n - 1, 1)) * math.log(MAX_ERROR_KM))
    return GeocodingScore(
        acc161=sum(e < 161 for e in ordered) / n,
        auc=auc,
        mean_km=statistics.fmean(ordered),
        median_km=statistics.median(ordered),
        geonames_acc=(sum(id_hits) / len(id_hits)) if id_hits else None,
        n=n,
        n_geonames=len(id_hits),
    )


def load_articles(data_dir: Path) -> list[dict[str, Any]]:
    """The GeoWebNews articles, in file order."""
    with gzip.open(data_dir / "gwn.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _documents(articles: Iterable[dict[str, Any]], settings: Settings) -> list[Document]:
    docs = [
        Document(doc_id=str(a["doc_id"]), path=f"gwn:{a['doc_id']}", format="txt", raw_text=a["text"], text=a["text"])
        for a in articles
    ]
    out: list[Document] = []
    for start in range(0, len(docs), 32):
        out.extend(recognise_entities(docs[start : start + 32], settings.entities))
    return out


def _spacy_spans(texts: Sequence[str], model: str) -> list[list[tuple[int, int]]]:
    import spacy

    nlp = spacy.load(model, exclude=["lemmatizer", "parser"])
    return [
        [(ent.start_char, ent.end_char) for ent in sdoc.ents if ent.label_ in ("GPE", "LOC", "FAC")]
        for sdoc in nlp.pipe(texts, batch_size=32)
    ]


def _error(place: Place | None, gold: dict[str, Any]) -> float:
    if place is None or place.lat is None or place.lon is None:
        return MAX_ERROR_KM
    return haversine_km(place.lat, place.lon, gold["lat"], gold["lon"])


def match_predictions(
    gold: Sequence[dict[str, Any]], predicted: Sequence[tuple[Toponym, Place | None]]
) -> tuple[list[tuple[Place | None, Place | None]], list[bool | None]]:
    """End-to-end matching of one article.

    Returns, per gold toponym, (the place at its exact span, the place at the exact or most overlapping
    span), None where no toponym was spotted there; and, per predicted toponym with a point, whether it
    overlaps a gold toponym with coordinates within 161 km (None: it overlaps only gold without
    coordinates, so it is not counted).
    """
    matched: list[tuple[Place | None, Place | None]] = []
    for topo in gold:
        exact = next((p for t, p in predicted if (t.start, t.end) == (topo["start"], topo["end"])), None)
        spotted_exact = any((t.start, t.end) == (topo["start"], topo["end"]) for t, _ in predicted)
        overlapping = [
            (min(t.end, topo["end"]) - max(t.start, topo["start"]), p)
            for t, p in predicted
            if t.start < topo["end"] and topo["start"] < t.end
        ]
        best = exact if spotted_exact else (max(overlapping, key=lambda pair: pair[0])[1] if overlapping else None)
        matched.append((exact, best))
    hits: list[bool | None] = []
    for t, p in predicted:
        if p is None or p.lat is None or p.lon is None:
            continue
        over = [g for g in gold if t.start < g["end"] and g["start"] < t.end]
        with_point = [g for g in over if g.get("lat") is not None and g.get("lon") is not None]
        if over and not with_point:
            hits.append(None)
            continue
        hits.append(any(_error(p, g) < 161 for g in with_point))
    return matched, hits


def evaluate_geoparse(data_dir: Path, settings: Settings | None = None) -> dict[str, Any]:
    """Score geotagging and geocoding, ours and the baselines, per split (dev/test/all) and group (all/literal)."""
    settings = settings or Settings()
    cfg = settings.geocode
    gaz = load_gazetteer(cfg.extra_gazetteer)
    articles = load_articles(data_dir)
    docs = _documents(articles, settings)
    baseline_spans = _spacy_spans([a["text"] for a in articles], settings.entities.model)

    rows: list[dict[str, Any]] = []  # one per gold toponym with coordinates
    tags: dict[str, dict[str, set[tuple[str, int, int]]]] = {}
    precision_counts: dict[str, list[int]] = {}  # split -> [within 161 km, counted]
    for article, doc, base_spans in zip(articles, docs, baseline_spans):
        doc_id = doc.doc_id
        split = split_of(doc_id)
        ours = spot_toponyms(doc, gaz, cfg)
        gold_toponyms = article["toponyms"]
        bucket = tags.setdefault(split, {key: set() for key in ("gold_all", "gold_literal", "gold_assoc", "ours", "spacy")})
        for topo in gold_toponyms:
            key = (doc_id, topo["start"], topo["end"])
            bucket["gold_all"].add(key)
            bucket["gold_literal" if topo["group"] == "literal" else "gold_assoc"].add(key)
        bucket["ours"].update((doc_id, t.start, t.end) for t in ours)
        bucket["spacy"].update((doc_id, s, e) for s, e in base_spans)

        gold_as_toponyms = [
            Toponym(t["start"], t["end"], t["name"], "demonym" if t["type"] in _NO_COORDS_TYPES else "place")
            for t in gold_toponyms
        ]
        with_gold_spans = resolve_toponyms(doc, gold_as_toponyms, gaz, cfg)
        as_places = [replace(t, kind="place") if t.kind == "demonym" else t for t in ours]
        matched, hits = match_predictions(gold_toponyms, list(zip(ours, resolve_toponyms(doc, as_places, gaz, cfg))))
        counted = [h for h in hits if h is not None]
        counts = precision_counts.setdefault(split, [0, 0])
        counts[0] += sum(counted)
        counts[1] += len(counted)
        for topo, place, (exact, overlap) in zip(gold_toponyms, with_gold_spans, matched):
            if topo.get("lat") is None or topo.get("lon") is None:
                continue
            largest = gaz.lookup(topo["name"])
            largest_place = largest[0] if largest else None
            rows.append(
                {
                    "split": split,
                    "group": topo["group"],
                    "gold_id": topo.get("geonames_id"),
                    "ours_err": _error(place, topo),
                    "ours_id": place.geonames_id if place is not None else None,
                    "e2e_err": _error(overlap, topo),
                    "e2e_id": overlap.geonames_id if overlap is not None else None,
                    "e2ex_err": _error(exact, topo),
                    "e2ex_id": exact.geonames_id if exact is not None else None,
                    "base_err": MAX_ERROR_KM
                    if largest_place is None
                    else haversine_km(largest_place.lat, largest_place.lon, topo["lat"], topo["lon"]),
                    "base_id": largest_place.geonames_id if largest_place is not None else None,
                }
            )

    results: dict[str, Any] = {"geotagging": {}, "geocoding": {}, "end_to_end_precision": {}}
    for split in ("dev", "test", "all"):
        buckets = [tags[s] for s in tags if split in ("all", s)]
        correct = sum(c for s, (c, _) in precision_counts.items() if split in ("all", s))
        predicted = sum(n for s, (_, n) in precision_counts.items() if split in ("all", s))
        results["end_to_end_precision"][split] = {
            "precision": correct / predicted if predicted else 0.0,
            "correct": correct,
            "predicted": predicted,
        }
        merged = {key: set().union(*(b[key] for b in buckets)) for key in buckets[0]} if buckets else {}
        for group in ("all", "literal"):
            gold = merged["gold_all"] if group == "all" else merged["gold_literal"]
            ignore = set() if group == "all" else merged["gold_assoc"]
            results["geotagging"][f"{split}/{group}"] = {
                "eventlens": asdict(tagging_score(gold, merged["ours"], ignore)),
                "spacy GPE/LOC/FAC": asdict(tagging_score(gold, merged["spacy"], ignore)),
            }
            subset = [r for r in rows if split in ("all", r["split"]) and (group == "all" or r["group"] == "literal")]
            results["geocoding"][f"{split}/{group}"] = {
                name: asdict(
                    geocoding_score(
                        [r[f"{prefix}_err"] for r in subset],
                        [r[f"{prefix}_id"] == r["gold_id"] for r in subset if r["gold_id"] is not None],
                    )
                )
                for name, prefix in (
                    ("eventlens (gold spans)", "ours"),
                    ("eventlens (end to end, overlap)", "e2e"),
                    ("eventlens (end to end, exact)", "e2ex"),
                    ("largest population (gold spans)", "base"),
                )
            }
    return results
