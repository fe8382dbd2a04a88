"""Geoparsing evaluation on GeoWebNews (shared/eval/geoparsing), with the metrics of Gritta et al.

Geotagging: exact-span precision/recall/F1 of toponym spans. Geocoding: Accuracy@161km, AUC of the
log error distance (lower is better), mean and median error in km, and GeoNames-id accuracy, both
with the gold spans (resolution alone) and end to end (our own spans; a gold toponym we did not
find counts as the largest error). Baselines scored in the same run on the same gazetteer: spaCy's
GPE/LOC/FAC spans (geotagging) and the largest-population exact name match (resolution).
"""

from __future__ import annotations

import gzip
import json
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..model import Document, Place
from ..settings import Settings
from ..stages.entities import recognise_entities
from ..stages.geocode import Toponym, haversine_km, load_gazetteer, resolve_toponyms, spot_toponyms
from .common import split_of

__all__ = ["GeocodingScore", "TaggingScore", "evaluate_geoparse", "geocoding_score", "tagging_score"]

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
        end_to_end = dict(zip(((t.start, t.end) for t in ours), resolve_toponyms(doc, ours, gaz, cfg)))
        for topo, place in zip(gold_toponyms, with_gold_spans):
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
                    "e2e_err": _error(end_to_end.get((topo["start"], topo["end"])), topo),
                    "e2e_id": (p.geonames_id if (p := end_to_end.get((topo["start"], topo["end"]))) is not None else None),
                    "base_err": MAX_ERROR_KM
                    if largest_place is None
                    else haversine_km(largest_place.lat, largest_place.lon, topo["lat"], topo["lon"]),
                    "base_id": largest_place.geonames_id if largest_place is not None else None,
                }
            )

    results: dict[str, Any] = {"geotagging": {}, "geocoding": {}}
    for split in ("dev", "test", "all"):
        buckets = [tags[s] for s in tags if split in ("all", s)]
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
                    ("eventlens (end to end)", "e2e"),
                    ("largest population (gold spans)", "base"),
                )
            }
    return results
