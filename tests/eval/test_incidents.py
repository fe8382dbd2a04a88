"""Scoring of `eventlens eval incidents` on a tiny invented events.json and gold (no pipeline run)."""

from __future__ import annotations

import json

import pytest

from eventlens.eval.incidents import (
    check_floors,
    clustering_scores,
    hard_negative_pairs,
    incident_scores,
    input_lines,
    line_incidents,
)

GOLD = {
    "1": {"incident_id": "1", "date": "2015-03-02", "city": "Riverton", "state": "Ohio", "lat": 40.0, "lon": -83.0,
          "killed": 1, "injured": 0, "subset": "gvc"},
    "2": {"incident_id": "2", "date": "2015-03-06", "city": "Riverton", "state": "Ohio", "lat": 40.01, "lon": -83.01,
          "killed": 0, "injured": 2, "subset": "semeval_extra"},
    "3": {"incident_id": "3", "date": "2015-05-01", "city": "Lakeside (county)", "state": "Iowa", "lat": None, "lon": None,
          "killed": 2, "injured": 1, "subset": "gvc"},
}  # fmt: skip
RECORDS = [
    {"doc_id": "a", "incident_id": "1", "title": "Man shot", "published": "2015-03-02", "text": "One man was killed."},
    {"doc_id": "b", "incident_id": "1", "title": "Man shot", "published": "2015-03-03", "text": "A man died."},
    {"doc_id": "c", "incident_id": "2", "title": "Two hurt", "published": "2015-03-06", "text": "Two people were injured."},
    {"doc_id": "d", "incident_id": "2", "title": "Two hurt", "published": "2015-03-06", "text": "Two people were injured."},
    {"doc_id": "e", "incident_id": "3", "title": "Crash", "published": "2015-05-02", "text": "Two dead, one hurt."},
]


def _incident(id_: str, date: str | None, name: str, lat: float, lon: float, **best: int | None) -> dict:
    figures = {figure: {"low": value, "best": value, "high": value} for figure, value in best.items()}
    location = {"name": name, "variants": [], "lat": lat, "lon": lon}
    return {"id": id_, "date": date, "location": location, "figures": figures}


# Reports a and b and c land in one incident (c is a hard negative of a and b); d is a copy of c (same line).
EVENTS = {
    "incidents": [
        _incident("inc-x", "2015-03-02", "Riverton", 40.0, -83.0, killed=1, injured=None),
        _incident("inc-y", "2015-05-01", "Lakeside", 41.0, -93.0, killed=2, injured=3),
    ],
    "documents": [
        {"doc_id": "a", "path": "/tmp/r.jsonl:1", "main_incident": "inc-x"},
        {"doc_id": "b", "path": "/tmp/r.jsonl:2", "main_incident": "inc-x"},
        {"doc_id": "c", "path": "/tmp/r.jsonl:3", "main_incident": "inc-x"},
        {"doc_id": "e", "path": "/tmp/r.jsonl:5", "main_incident": "inc-y"},
    ],
}
LABELS = [r["incident_id"] for r in RECORDS]


def test_input_lines_carry_no_gold() -> None:
    for line in input_lines(RECORDS):
        assert set(json.loads(line)) == {"text", "title", "published"}


def test_lines_map_back_by_path_and_identical_lines_share_their_incident() -> None:
    lines = input_lines(RECORDS)
    assert lines[2] == lines[3]
    assert line_incidents(EVENTS, lines) == ["inc-x", "inc-x", "inc-x", "inc-x", "inc-y"]


def test_a_report_without_main_incident_maps_to_none() -> None:
    events = {"incidents": [], "documents": [{"doc_id": "a", "path": "x.jsonl:1", "main_incident": None}]}
    assert line_incidents(events, ["{}", "{\"x\": 1}"]) == [None, None]


def test_hard_negatives_are_same_city_within_a_week() -> None:
    pairs = hard_negative_pairs(LABELS, GOLD)
    assert pairs == [(0, 2), (0, 3), (1, 2), (1, 3)]
    assert hard_negative_pairs(LABELS, GOLD, days=3) == []


def test_clustering_scores_count_merged_hard_negatives_and_small_incidents() -> None:
    predicted = ["x", "x", "x", "x", "y"]
    scores = clustering_scores(LABELS, predicted, hard_negative_pairs(LABELS, GOLD))
    assert scores["hard_negatives"]["candidate_pairs"] == 4
    assert scores["hard_negatives"]["merged_pairs"] == 4
    assert scores["hard_negatives"]["merged_incident_pairs"] == [("1", "2")]
    assert scores["small"] == {"incidents": 2, "whole": 2, "whole_share": 1.0, "bcubed_recall": 1.0}
    assert scores["bcubed"]["recall"] == 1.0
    assert scores["bcubed"]["precision"] == pytest.approx((4 * 0.5 + 1) / 5, abs=1e-4)


def test_clustering_scores_of_singletons() -> None:
    scores = clustering_scores(LABELS, ["0", "1", "2", "3", "4"], hard_negative_pairs(LABELS, GOLD))
    assert scores["hard_negatives"]["merged_pairs"] == 0
    assert scores["small"]["whole"] == 0
    assert scores["small"]["bcubed_recall"] == 0.5
    assert scores["bcubed"]["precision"] == 1.0


def test_incident_scores_per_gold_incident() -> None:
    assigned = line_incidents(EVENTS, input_lines(RECORDS))
    found = incident_scores(EVENTS, assigned, RECORDS, GOLD)
    rows = {row["incident_id"]: row for row in found["per_incident"]}
    assert rows["1"]["predicted"] == "inc-x" and rows["2"]["predicted"] == "inc-x"
    scores = found["scores"]
    # killed: 1 right, 2 wrong (1 for 0), 3 right; injured: 1 right only when null reads as 0.
    assert scores["killed"] == {"exact": round(2 / 3, 4), "within1": 1.0, "strict": round(2 / 3, 4), "n": 3}
    assert scores["injured"] == {"exact": round(1 / 3, 4), "within1": round(1 / 3, 4), "strict": 0.0, "n": 3}
    assert scores["date"]["share"] == round(2 / 3, 4)
    assert scores["date_within1"]["share"] == round(2 / 3, 4)
    assert scores["location"] == {"share": 1.0, "n": 2, "median_km": rows["2"]["km"], "without_point": 0}
    assert scores["city"]["share"] == 1.0  # "Lakeside (county)" is Lakeside


def test_a_gold_incident_with_no_predicted_incident_is_wrong() -> None:
    found = incident_scores({"incidents": [], "documents": []}, [None] * len(RECORDS), RECORDS, GOLD)
    scores = found["scores"]
    assert scores["no_predicted_incident"] == 3
    assert scores["killed"]["exact"] == 0.0 and scores["injured"]["within1"] == 0.0
    assert scores["location"]["share"] == 0.0 and scores["location"]["without_point"] == 2


def test_baselines_use_the_gold_grouping() -> None:
    found = incident_scores({"incidents": [], "documents": []}, [None] * len(RECORDS), RECORDS, GOLD)
    rows = {row["incident_id"]: row for row in found["per_incident"]}
    assert rows["1"]["baseline"] == {"killed": 1, "injured": None, "date": "2015-03-02"}
    assert rows["2"]["baseline"]["injured"] == 2
    assert found["baseline"]["date"]["share"] == round(2 / 3, 4)


@pytest.mark.parametrize(
    "city,name,expected",
    [
        ("Saint Louis", "St. Louis", True),
        ("Henry (county)", "Henry County", True),
        ("Miami (Goulds)", "Goulds", True),
        ("Miami (Goulds)", "Miami", True),
        ("Springfield", "Main Street", False),
    ],
)
def test_city_match(city: str, name: str, expected: bool) -> None:
    gold = {"9": {**GOLD["3"], "incident_id": "9", "city": city}}
    events = {"incidents": [_incident("z", None, name, 0.0, 0.0)], "documents": []}
    found = incident_scores(events, ["z"], [RECORDS[0] | {"incident_id": "9"}], gold)
    assert found["per_incident"][0]["city_match"] is expected


def test_floors_pass_and_fail() -> None:
    results = {
        "clustering": {"eventlens": {"bcubed": {"f1": 0.96}, "hard_negatives": {"merged_pairs": 2}}},
        "incidents": {"scores": {"killed": {"exact": 0.9}, "injured": {"exact": 0.7}, "date": {"share": 0.95},
                                 "location": {"share": 0.85}}},
    }  # fmt: skip
    verdict = {row["figure"]: (row["passes"], row["meets_goal"]) for row in check_floors(results)}
    assert verdict == {
        "bcubed_f1": (True, False),
        "hard_negative_pairs_merged": (False, False),
        "killed": (True, True),
        "injured": (False, False),
        "date": (True, True),
        "location": (True, False),
    }
