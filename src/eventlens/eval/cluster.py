"""Same-event document clustering on ECB+ (shared/eval/clustering), with B-cubed and pairwise scores.

Every document runs through the per-document pipeline ``eventlens run`` uses (clean through
casualties; the ``url`` field stays out, since its slug often names the event), becomes a
:class:`~eventlens.stages.cluster.ClusterItem`, and all documents of a split go to the registered
cluster stage together (no topic, no number of clusters). Topics 36-45 are the test split, the rest
dev. Scores: B-cubed and pairwise precision / recall / F1 against the gold ``cluster``, and the share
of hard-negative pairs merged (same topic, other subtopic: the same kind of event, another instance).
Within-topic scores cluster each topic's documents apart, which leaves only the ecb-vs-ecbplus call.

Baselines in the same run: one event per document; TF-IDF cosine (word 1-2 grams, sublinear tf)
average link; that cosine mixed with the cosine of the documents' entities. Their thresholds (and
the mix weight) are tuned on dev in the same run, by B-cubed F1, and applied to test.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

from ..io.readers import read_paths
from ..model import Document
from ..pipeline import Pipeline
from ..registry import get_stage
from ..settings import Settings
from ..stages.cluster import ClusterItem
from .casualties import pipeline_settings

__all__ = [
    "bcubed",
    "cluster_documents",
    "evaluate_cluster",
    "hard_negatives_merged",
    "pairwise",
    "process_records",
    "score_documents",
    "tfidf_average_link",
    "tfidf_entities_average_link",
]

TEST_TOPICS = frozenset(range(36, 46))
_THRESHOLDS = tuple(round(0.04 + 0.01 * step, 2) for step in range(27))  # 0.04 .. 0.30
_ENTITY_WEIGHTS = (0.1, 0.2, 0.3, 0.4, 0.5)
SYSTEMS = ("eventlens", "one per document", "tfidf average link", "tfidf + entities average link")


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _score(precision: float, recall: float) -> dict[str, float]:
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


def _groups(labels: Mapping[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for item, label in labels.items():
        out[label].add(item)
    return out


def bcubed(gold: Mapping[str, str], pred: Mapping[str, str]) -> dict[str, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998) over the items of ``gold``."""
    if not gold:
        return _score(0.0, 0.0)
    gold_groups, pred_groups = _groups(gold), _groups({item: pred[item] for item in gold})
    precision = recall = 0.0
    for item, label in gold.items():
        mine, truth = pred_groups[pred[item]], gold_groups[label]
        common = len(mine & truth)
        precision += common / len(mine)
        recall += common / len(truth)
    return _score(precision / len(gold), recall / len(gold))


def _pair_count(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pairwise(gold: Mapping[str, str], pred: Mapping[str, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1: a pair is positive when both items share a cluster."""
    joint = Counter((gold[item], pred[item]) for item in gold)
    true_pairs = _pair_count(joint.values())
    gold_pairs = _pair_count(Counter(gold.values()).values())
    pred_pairs = _pair_count(Counter(pred[item] for item in gold).values())
    precision = true_pairs / pred_pairs if pred_pairs else 1.0
    recall = true_pairs / gold_pairs if gold_pairs else 1.0
    return _score(precision, recall)


def hard_negatives_merged(pred: Mapping[str, str], negatives: Sequence[tuple[str, str]]) -> tuple[int, float]:
    """How many of the hard-negative pairs share a predicted cluster, and their share."""
    merged = sum(pred[a] == pred[b] for a, b in negatives)
    return merged, merged / len(negatives) if negatives else 0.0


def _average_link(similarity: np.ndarray, threshold: float) -> list[int]:
    """Average-link clusters of a dense similarity matrix, merged while the link is >= ``threshold``."""
    size = similarity.shape[0]
    if size < 2:
        return [0] * size
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - threshold
    )
    return [int(label) for label in model.fit(distance).labels_]


def _text_similarity(texts: Sequence[str]) -> np.ndarray:
    matrix = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts)
    return np.asarray((matrix @ matrix.T).toarray())


def _entity_similarity(entity_sets: Sequence[Sequence[str]]) -> np.ndarray:
    if not any(entity_sets):
        return np.zeros((len(entity_sets), len(entity_sets)))
    counts = DictVectorizer().fit_transform([Counter(names) for names in entity_sets])
    matrix = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    return np.asarray((matrix @ matrix.T).toarray())


def tfidf_average_link(texts: Sequence[str], threshold: float) -> list[int]:
    """Baseline: TF-IDF cosine (word 1-2 grams, sublinear tf, fitted on ``texts``) average link at ``threshold``."""
    return _average_link(_text_similarity(texts), threshold)


def tfidf_entities_average_link(
    texts: Sequence[str], entity_sets: Sequence[Sequence[str]], weight: float, threshold: float
) -> list[int]:
    """Baseline: ``(1 - weight)`` x the TF-IDF text cosine + ``weight`` x the TF-IDF cosine of the entity names.

    ``entity_sets`` holds each document's entity names (a name given twice counts twice, sublinearly).
    """
    similarity = (1.0 - weight) * _text_similarity(texts) + weight * _entity_similarity(entity_sets)
    return _average_link(similarity, threshold)


def cluster_documents(docs: Mapping[str, Document], settings: Settings) -> dict[str, str]:
    """Each key of ``docs`` -> its incident key, from the cluster stage the settings choose, over all ``docs`` at once."""
    name = settings.pipeline.stages.get("cluster", "cluster.incidents.v1")
    func: Callable[..., dict[str, str]] = get_stage(name).func
    keys = func([ClusterItem.from_document(doc) for doc in docs.values()], {}, settings.cluster)
    return {key: keys[doc.doc_id] for key, doc in docs.items()}


def _records(data_dir: Path) -> list[dict[str, Any]]:
    with gzip.open(data_dir / "ecbplus.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _processed(records: Sequence[Mapping[str, Any]], settings: Settings) -> Iterator[Document | Any]:
    pipeline = Pipeline(settings)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "docs.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for record in records:  # text only: the url slug often names the event
                fh.write(json.dumps({"text": record["text"]}, ensure_ascii=False) + "\n")
        for batch in pipeline.pipe(read_paths([path], settings.ingest)):
            yield from batch


def process_records(records: Sequence[Mapping[str, Any]], settings: Settings | None = None) -> dict[str, Document]:
    """ECB+ doc_id -> its processed Document (clean through casualties)."""
    items = list(_processed(records, pipeline_settings(settings)))
    if len(items) != len(records):
        raise ValueError(f"processed {len(items)} items from {len(records)} records")
    failed = [record["doc_id"] for record, item in zip(records, items) if not isinstance(item, Document)]
    if failed:
        raise ValueError(f"{len(failed)} ECB+ documents failed in the pipeline, first {failed[0]}")
    return {record["doc_id"]: item for record, item in zip(records, items)}


def _labels(ids: Sequence[str], labels: Sequence[int]) -> dict[str, str]:
    return {doc_id: str(label) for doc_id, label in zip(ids, labels)}


def _scores(gold: Mapping[str, str], pred: Mapping[str, str], negatives: Sequence[tuple[str, str]]) -> dict[str, Any]:
    merged, share = hard_negatives_merged(pred, negatives)
    return {
        "bcubed": bcubed(gold, pred),
        "pairwise": pairwise(gold, pred),
        "hard_negatives_merged": merged,
        "hard_negative_share": share,
        "clusters": len(set(pred.values())),
    }


def _by_topic(
    ids: Sequence[str], topics: Mapping[str, str], run: Callable[[list[str]], Mapping[str, str]]
) -> dict[str, str]:
    """Run ``run`` on each topic's documents apart; labels prefixed by topic."""
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id in ids:
        members[topics[doc_id]].append(doc_id)
    out: dict[str, str] = {}
    for topic, topic_ids in members.items():
        out.update({doc_id: f"{topic}:{label}" for doc_id, label in run(topic_ids).items()})
    return out


def evaluate_cluster(data_dir: Path, settings: Settings | None = None) -> dict[str, Any]:
    """Score the cluster stage on ECB+ dev and test, global and within topic, beside three baselines."""
    settings = settings or Settings()
    records = _records(Path(data_dir))
    docs = process_records(records, settings)
    return score_documents(records, docs, settings)


def score_documents(
    records: Sequence[Mapping[str, Any]], docs: Mapping[str, Document], settings: Settings
) -> dict[str, Any]:
    """The scores of :func:`evaluate_cluster` for already processed documents (``doc_id -> Document``)."""
    gold = {r["doc_id"]: r["cluster"] for r in records}
    topics = {r["doc_id"]: r["topic"] for r in records}
    texts = {doc_id: doc.text for doc_id, doc in docs.items()}
    entities = {doc_id: [e.canonical for e in doc.entities] for doc_id, doc in docs.items()}
    splits = {
        split: [r["doc_id"] for r in records if (int(r["topic"]) in TEST_TOPICS) == (split == "test")]
        for split in ("dev", "test")
    }

    def tfidf(threshold: float) -> Callable[[list[str]], dict[str, str]]:
        return lambda ids: _labels(ids, tfidf_average_link([texts[i] for i in ids], threshold))

    def mixed(weight: float, threshold: float) -> Callable[[list[str]], dict[str, str]]:
        return lambda ids: _labels(
            ids, tfidf_entities_average_link([texts[i] for i in ids], [entities[i] for i in ids], weight, threshold)
        )

    def f1_on(ids: list[str], run: Callable[[list[str]], Mapping[str, str]]) -> float:
        return bcubed({i: gold[i] for i in ids}, run(ids))["f1"]

    dev = splits["dev"]
    tfidf_threshold = max(_THRESHOLDS, key=lambda t: f1_on(dev, tfidf(t)))
    mix_weight, mix_threshold = max(
        ((w, t) for w in _ENTITY_WEIGHTS for t in _THRESHOLDS), key=lambda wt: f1_on(dev, mixed(*wt))
    )
    systems: dict[str, Callable[[list[str]], Mapping[str, str]]] = {
        "eventlens": lambda ids: cluster_documents({i: docs[i] for i in ids}, settings),
        "one per document": lambda ids: {i: i for i in ids},
        "tfidf average link": tfidf(tfidf_threshold),
        "tfidf + entities average link": mixed(mix_weight, mix_threshold),
    }
    results: dict[str, Any] = {
        "documents": len(records),
        "tuned": {"tfidf_threshold": tfidf_threshold, "entity_weight": mix_weight, "mixed_threshold": mix_threshold},
        "splits": {},
    }
    for split, ids in splits.items():
        split_gold = {i: gold[i] for i in ids}
        negatives = [
            (a, b) for a, b in combinations(ids, 2) if topics[a] == topics[b] and gold[a] != gold[b]
        ]
        results["splits"][split] = {
            "documents": len(ids),
            "clusters": len(set(split_gold.values())),
            "hard_negative_pairs": len(negatives),
            "global": {name: _scores(split_gold, run(ids), negatives) for name, run in systems.items()},
            "within_topic": {
                name: _scores(split_gold, _by_topic(ids, topics, run), negatives) for name, run in systems.items()
            },
        }
    return results
