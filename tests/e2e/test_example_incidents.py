"""Issue 12, acceptance 1: what happened in each example report, asserted from documents.jsonl.

Every expectation is an outcome of general rules (cue words, victim nouns, reporting verbs); no rule
names a word of the example corpus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import eventlens

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "kosovo-2023"

pytestmark = pytest.mark.issue(12)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    out = tmp_path_factory.mktemp("example-incidents")
    result = eventlens.run([EXAMPLES], out=out)
    assert result.counts["processed"] == 5, result.failures
    records = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    return {Path(record["path"]).name[:3]: record for record in records}


def _main(record: dict[str, Any]) -> dict[str, Any]:
    mains = [incident for incident in record["incidents"] if incident["role"] == "main"]
    assert len(mains) == 1, [i["trigger"] for i in mains]
    return mains[0]


def _background(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [incident for incident in record["incidents"] if incident["role"] == "background"]


def _values(incident: dict[str, Any], figure: str, group: str | None = None) -> set[int | None]:
    return {
        claim["value"] if claim["value"] is not None else claim["low"]
        for claim in incident["claims"]
        if claim["figure"] == figure and (group is None or claim["group"] == group)
    }


@pytest.mark.parametrize("key", ["000", "001", "002", "003"])
def test_main_incident_is_the_banjska_attack(docs: dict[str, dict[str, Any]], key: str) -> None:
    main = _main(docs[key])
    assert main["type"] in ("Violence against civilians", "Battles")
    assert main["place"] is not None and main["place"]["country"] == "XK"
    assert main["place"]["name"] == "Banjske"
    if docs[key]["published"] is not None:
        assert main["date"] in ("2023-09-24", None)
    else:  # 002 has no publication date: "Sunday's clashes" stays a weekday, never an invented day
        assert main["date"] is None and main["weekday"] == 6
    assert _values(main, "killed", "security_forces") == {1}


def test_dated_reports_carry_the_incident_date(docs: dict[str, dict[str, Any]]) -> None:
    assert _main(docs["000"])["date"] == "2023-09-24"
    assert _main(docs["000"])["time_local"] == "02:40"
    assert _main(docs["003"])["date"] == "2023-09-24"


def test_004_is_the_mitrovica_unrest_a_year_earlier(docs: dict[str, dict[str, Any]]) -> None:
    main = _main(docs["004"])
    assert main["date"] == "2022-07-31"
    assert main["place"]["name"] == "Mitrovicë"
    assert main["claims"] == []


def test_figures_per_group(docs: dict[str, dict[str, Any]]) -> None:
    assert 3 in _values(_main(docs["000"]), "killed", "attackers")
    assert 3 in _values(_main(docs["002"]), "killed", "attackers")
    assert 2 in _values(_main(docs["000"]), "injured", "attackers")
    assert 6 in _values(_main(docs["002"]), "arrested")
    assert 30 in _values(_main(docs["001"]), "surrounded")
    # 003 says one officer was injured in one place and three in another: two claims, not one
    assert {1, 3} <= _values(_main(docs["003"]), "injured", "security_forces")


def test_background_is_kept_apart(docs: dict[str, dict[str, Any]]) -> None:
    may = [b for b in _background(docs["000"]) if (b["date"] or "").startswith("2023-05-26")]
    assert may and 51 in _values(may[0], "injured")  # "over 50 people": low 51, May's figure, not the attack's
    assert any((b["date"] or "").startswith("2023-05") for b in _background(docs["001"]))  # "since May"
    background_002 = " ".join(f"{b['date']} {b['background_cue']} {b['trigger']}" for b in _background(docs["002"]))
    assert "1998" in background_002  # the 1998-1999 war
    assert "September 14" in background_002  # the talks in Brussels
    assert "after" in background_002  # "nine years after the end of the war, Kosovo declared its independence"
    assert any((b["date"] or "") == "2008" for b in _background(docs["001"]))
    for key in ("000", "001", "002", "003", "004"):
        assert all(50 not in _values(_main(docs[key]), f) and 51 not in _values(_main(docs[key]), f) for f in ("injured", "killed"))


def test_claims_carry_their_evidence(docs: dict[str, dict[str, Any]]) -> None:
    for record in docs.values():
        for incident in record["incidents"]:
            for claim in incident["claims"]:
                assert record["text"][claim["start"] : claim["end"]].strip()
                assert " ".join(record["text"][claim["start"] : claim["end"]].split()) in claim["sentence"]
                assert claim["attributed_to"]
    vucic = [c for c in _main(docs["000"])["claims"] if c["group"] == "attackers" and c["figure"] == "injured"]
    assert vucic and "Vucic" in vucic[0]["attributed_to"]


def _stances(record: dict[str, Any], surname: str) -> set[str]:
    return {q["stance"] for q in record["quotes"] if q["speaker"] and surname in q["speaker"]}


def test_quotes_and_stances(docs: dict[str, dict[str, Any]]) -> None:
    assert "accusation" in _stances(docs["001"], "Kurti")
    assert "accusation" in _stances(docs["003"], "Kurti")
    assert "denial" in _stances(docs["002"], "Vucic")
    assert "condemnation" in _stances(docs["001"], "Osmani")
    assert "condemnation" in _stances(docs["003"], "Osmani")
