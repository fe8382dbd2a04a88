"""The clustering metrics (hand-computed on tiny examples), the baselines, and the ECB+ harness end to end."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from eventlens.eval.cluster import (
    SYSTEMS,
    bcubed,
    hard_negatives_merged,
    pairwise,
    score_documents,
    tfidf_average_link,
    tfidf_entities_average_link,
)
from eventlens.eval.common import default_eval_dir
from eventlens.model import Document
from eventlens.settings import Settings


def test_bcubed_of_a_three_item_example() -> None:
    # a: P 1/1 R 1/2; b: P 1/2 R 1/2; c: P 1/2 R 1/1 -> P = R = 2/3.
    scores = bcubed({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "y", "c": "y"})
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(2 / 3)


def test_bcubed_of_a_four_item_example() -> None:
    # a, b: P 1 R 2/3; c: P 1/2 R 1/3; d: P 1/2 R 1 -> P 3/4, R 2/3, F1 12/17.
    scores = bcubed({"a": "1", "b": "1", "c": "1", "d": "2"}, {"a": "x", "b": "x", "c": "y", "d": "y"})
    assert scores["precision"] == pytest.approx(0.75)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(12 / 17)


def test_pairwise_of_a_four_item_example() -> None:
    # gold pairs ab ac bc, predicted pairs ab cd, one in common: P 1/2, R 1/3, F1 2/5.
    scores = pairwise({"a": "1", "b": "1", "c": "1", "d": "2"}, {"a": "x", "b": "x", "c": "y", "d": "y"})
    assert scores["precision"] == pytest.approx(0.5)
    assert scores["recall"] == pytest.approx(1 / 3)
    assert scores["f1"] == pytest.approx(0.4)


def test_pairwise_with_no_common_pair_is_zero() -> None:
    scores = pairwise({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "y", "c": "y"})
    assert scores == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_perfect_clustering_scores_one_whatever_the_labels() -> None:
    gold = {"a": "1", "b": "1", "c": "2"}
    pred = {"a": "q", "b": "q", "c": "r"}
    assert bcubed(gold, pred)["f1"] == pytest.approx(1.0)
    assert pairwise(gold, pred)["f1"] == pytest.approx(1.0)


def test_hard_negatives_merged_counts_pairs_in_one_predicted_cluster() -> None:
    assert hard_negatives_merged({"a": "x", "b": "x", "c": "y"}, [("a", "b"), ("a", "c")]) == (1, 0.5)


TEXTS = [
    "A ferry caught fire in the harbour of Portvale on Monday; the crew of the Marisol was rescued.",
    "Fire on the ferry Marisol in Portvale harbour: all crew rescued on Monday, the coast guard said.",
    "The city council of Dunmore approved a new budget for schools and roads after a long debate.",
    "Dunmore council passes budget for roads and schools after a long debate on Tuesday.",
]


def test_tfidf_average_link_groups_the_two_stories() -> None:
    labels = tfidf_average_link(TEXTS, 0.15)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]


def test_tfidf_entities_average_link_uses_the_entity_cosine() -> None:
    entities = [["Marisol", "Portvale"], ["Marisol", "Portvale"], ["Dunmore"], ["Dunmore"]]
    labels = tfidf_entities_average_link(TEXTS, entities, 0.5, 0.3)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]


def _corpus() -> tuple[list[dict[str, str]], dict[str, Document]]:
    """Two topics (one dev, one test), each with two subtopics of two reports."""
    records: list[dict[str, str]] = []
    docs: dict[str, Document] = {}
    for topic in ("1", "40"):
        for subtopic, texts in (("ecb", TEXTS[:2]), ("ecbplus", TEXTS[2:])):
            for n, text in enumerate(texts):
                doc_id = f"{topic}_{n}{subtopic}"
                text = f"{text} Report {doc_id}."
                records.append({"doc_id": doc_id, "topic": topic, "subtopic": subtopic, "cluster": f"{topic}_{subtopic}", "text": text})
                docs[doc_id] = Document(doc_id=f"sha-{doc_id}", path=doc_id, format="jsonl", raw_text=text, text=text)
    return records, docs


def test_score_documents_scores_every_system_on_both_splits() -> None:
    records, docs = _corpus()
    results = score_documents(records, docs, Settings())
    assert set(results["splits"]) == {"dev", "test"}
    for split in results["splits"].values():
        assert split["documents"] == 4 and split["hard_negative_pairs"] == 4
        assert set(split["global"]) == set(SYSTEMS) == set(split["within_topic"])
        assert split["global"]["one per document"]["bcubed"]["precision"] == pytest.approx(1.0)
        assert split["global"]["tfidf average link"]["bcubed"]["f1"] == pytest.approx(1.0)


@pytest.mark.skipif(not (default_eval_dir() / "clustering" / "ecbplus.jsonl.gz").is_file(), reason="no ECB+ gold")
def test_the_ecbplus_file_has_the_documented_shape() -> None:
    with gzip.open(default_eval_dir() / "clustering" / "ecbplus.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    assert len(rows) == 982
    assert len({row["cluster"] for row in rows}) == 86
