"""The event-date evaluation runs end to end: on a tiny invented set, and on shared/eval/incidents when present."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from eventlens.eval.common import default_eval_dir
from eventlens.eval.times import dateparser_days, evaluate_times

# 2021-06-10 is a Thursday.
DOCS = [
    {
        "doc_id": "a",
        "incident_id": "1",
        "published": "2021-06-10",
        "text": "A grain silo exploded on Monday in the river port, officials said.\nTwo workers were hurt.",
    },
    {
        "doc_id": "b",
        "incident_id": "1",
        "published": "2021-06-08",
        "text": "Two workers were hurt when a grain silo exploded in the river port yesterday, officials said.",
    },
    {
        "doc_id": "c",
        "incident_id": "2",
        "published": "2021-06-10",
        "text": "A ferry ran aground near the northern island, the coast guard said.\nNo one was hurt.",
    },
    {
        "doc_id": "d",
        "incident_id": "2",
        "published": "2021-06-12",
        "text": "The ferry that ran aground on Thursday was refloated. Its owner will face an inquiry next Monday.",
    },
]
INCIDENTS = [{"incident_id": "1", "date": "2021-06-07"}, {"incident_id": "2", "date": "2021-06-10"}]


def write_set(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(folder / "docs.jsonl.gz", "wt", encoding="utf-8") as fh:
        for doc in DOCS:
            fh.write(json.dumps(doc) + "\n")
    (folder / "incidents.jsonl").write_text("".join(json.dumps(i) + "\n" for i in INCIDENTS), encoding="utf-8")
    return folder


def test_scores_on_a_tiny_invented_set(tmp_path: Path) -> None:
    results = evaluate_times(write_set(tmp_path / "incidents"))
    counts, scores = results["counts"], results["scores"]
    assert counts["documents"] == 4
    assert counts["failed"] == 0
    # a: Monday -> 06-07; b: yesterday -> 06-07; c: no time; d: Thursday -> 06-10.
    assert scores["includes"] == pytest.approx(3 / 4)
    assert scores["first"] == pytest.approx(3 / 4)
    assert scores["baseline_publication_day"] == pytest.approx(1 / 4)
    # "next Monday" is after publication, and the text says it is in the future.
    assert counts["after_publication_future"] == 1
    assert counts["after_publication_other"] == 0
    assert results["docs_per_second"] > 0


def test_beats_the_publication_day_baseline_on_shared_incidents() -> None:
    folder = default_eval_dir() / "incidents"
    if not (folder / "docs.jsonl.gz").is_file():
        reason = f"{folder}: no shared incidents gold data here"
        print(reason)
        pytest.skip(reason)
    results = evaluate_times(folder)
    scores = results["scores"]
    print(json.dumps(scores))
    assert scores["includes"] > scores["baseline_publication_day"]


def test_dateparser_baseline_reads_days_relative_to_publication() -> None:
    # 2021-06-10 is a Thursday: "on Monday" in the past is 06-07, "yesterday" from 06-08 is 06-07.
    assert date(2021, 6, 7) in dateparser_days("A grain silo exploded on Monday in the port.", date(2021, 6, 10))
    assert dateparser_days("Two workers were hurt yesterday.", date(2021, 6, 8)) == [date(2021, 6, 7)]
    assert dateparser_days("No one was hurt.", date(2021, 6, 8)) == []


def test_dateparser_baseline_is_scored_in_the_same_run(tmp_path: Path) -> None:
    results = evaluate_times(write_set(tmp_path / "incidents"))
    # a: Monday -> 06-07; b: yesterday -> 06-07; c: no date; d: Thursday -> 06-10.
    assert results["scores"]["baseline_dateparser"] == pytest.approx(3 / 4)
    assert results["splits"]["all"]["baseline_dateparser"] == pytest.approx(3 / 4)
    assert results["counts"]["dateparser_hits"] == 3
