"""Killed and injured per incident on real reports grouped by incident (shared/eval/incidents, GVA gold).

Every document runs through the pipeline ``eventlens run`` uses (clean through casualties). A
document's figure is read from its main incident's claims (:func:`document_figure`); an incident's
figure is the largest of its documents' (the gold grouping is given, so this measures extraction, not
clustering). Scores per gold incident: exact match with GVA's killed and injured, and within +-1;
also per document (a ceiling below 1: early reports know less). GVA records an unreported figure as 0,
so a null figure is read as 0; the strict score counts a null as wrong.

Baseline in the same run: the first number next to killed/dead/died (injured/wounded/hurt) in each
document, fused by the maximum.
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..io.readers import read_paths
from ..model import CasualtyClaim, Document
from ..numbers import number_value
from ..pipeline import Pipeline
from ..settings import Settings
from .common import split_of

__all__ = ["baseline_figure", "document_figure", "evaluate_casualties"]

_FIELDS = ("text", "published", "title", "url")
_SLOTS_UP_TO = ("clean", "metadata", "langid", "entities", "temporal", "geocode", "events", "casualties")


def _group_total(claims: Sequence[CasualtyClaim]) -> int | None:
    """One figure from one report's claims for one figure kind.

    Per victim group, a superseding toll ("rose to 5") replaces what came before it, else the largest
    claim counts; the total is the sum over the disjoint groups, or the largest group-less claim when
    that is larger (a conflated "four dead, including three attackers").
    """
    per_group: dict[str, int] = {}
    for claim in claims:
        value = claim.value if claim.value is not None else claim.low
        if value is None:
            continue
        if claim.supersedes:
            per_group[claim.group] = value
        else:
            per_group[claim.group] = max(per_group.get(claim.group, 0), value)
    if not per_group:
        return None
    specific = sum(v for g, v in per_group.items() if g != "unknown")
    return max(specific, per_group.get("unknown", 0))


def document_figure(doc: Document, figure: str) -> int | None:
    """The report's figure (``killed``, ``injured``) for its main incident(s), or None when it states none."""
    claims = [
        c for incident in doc.incidents if incident.role == "main" for c in incident.claims
        if c.figure == figure and not c.self_claim
    ]
    return _group_total(claims)


_NUMBER = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty)"


def baseline_figure(text: str, figure: str) -> int | None:
    """The first number next to a word of the figure (the regex a user would write), or None."""
    words = r"(?:killed|dead|died)" if figure == "killed" else r"(?:injured|wounded|hurt)"
    pattern = re.compile(
        rf"\b{_NUMBER}\W+(?:\w+\W+){{0,3}}?{words}\b|\b{words}\W+(?:\w+\W+){{0,2}}?{_NUMBER}\b", re.IGNORECASE
    )
    match = pattern.search(text)
    if match is None:
        return None
    return number_value(match.group(1) or match.group(2))


def _records(data_dir: Path) -> list[dict[str, Any]]:
    with gzip.open(data_dir / "docs.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _gold(data_dir: Path) -> dict[str, dict[str, Any]]:
    with (data_dir / "incidents.jsonl").open(encoding="utf-8") as fh:
        return {str(r["incident_id"]): r for r in (json.loads(line) for line in fh if line.strip())}


def _processed(records: list[dict[str, Any]], settings: Settings) -> Iterator[Document | Any]:
    pipeline = Pipeline(settings)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "docs.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps({k: record.get(k) for k in _FIELDS}, ensure_ascii=False) + "\n")
        for batch in pipeline.pipe(read_paths([path], settings.ingest)):
            yield from batch


def pipeline_settings(base: Settings | None = None) -> Settings:
    """The run's own settings, keeping the stages up to casualties (no corpus stages)."""
    base = base or Settings()
    stages = {slot: name for slot, name in base.pipeline.stages.items() if slot in _SLOTS_UP_TO}
    return base.merged({"pipeline": {"stages": stages}})


def _score(pairs: Iterable[tuple[int | None, int]]) -> dict[str, float]:
    pairs = list(pairs)
    if not pairs:
        return {"exact": 0.0, "within1": 0.0, "strict": 0.0, "n": 0}
    exact = sum((p or 0) == g for p, g in pairs) / len(pairs)
    within = sum(abs((p or 0) - g) <= 1 for p, g in pairs) / len(pairs)
    strict = sum(p is not None and p == g for p, g in pairs) / len(pairs)
    return {"exact": round(exact, 4), "within1": round(within, 4), "strict": round(strict, 4), "n": len(pairs)}


def evaluate_casualties(data_dir: Path, settings: Settings | None = None) -> dict[str, Any]:
    """Score killed/injured per incident and per document on ``data_dir``, beside the regex baseline."""
    data_dir = Path(data_dir)
    gold = _gold(data_dir)
    records = _records(data_dir)
    started = time.perf_counter()
    items = list(_processed(records, pipeline_settings(settings)))
    seconds = time.perf_counter() - started
    if len(items) != len(records):
        raise ValueError(f"{data_dir}: processed {len(items)} items from {len(records)} records")
    per_doc: list[dict[str, Any]] = []
    for record, item in zip(records, items):
        doc = item if isinstance(item, Document) else None
        text = doc.text if doc is not None else record.get("text") or ""
        per_doc.append(
            {
                "doc_id": record["doc_id"],
                "incident_id": str(record["incident_id"]),
                "ours": {f: document_figure(doc, f) if doc is not None else None for f in ("killed", "injured")},
                "baseline": {f: baseline_figure(text, f) for f in ("killed", "injured")},
                "failed": doc is None,
            }
        )
    results: dict[str, Any] = {"documents": len(records), "failed": sum(d["failed"] for d in per_doc)}
    results["docs_per_second"] = round(len(records) / seconds, 1) if seconds else None
    for system in ("ours", "baseline"):
        results[system] = {}
        for figure in ("killed", "injured"):
            incident_pairs: dict[str, list[tuple[int | None, int]]] = {"all": [], "dev": [], "test": []}
            for incident_id, record in gold.items():
                values = [d[system][figure] for d in per_doc if d["incident_id"] == incident_id]
                stated = [v for v in values if v is not None]
                fused = max(stated) if stated else None
                pair = (fused, int(record[figure]))
                incident_pairs["all"].append(pair)
                incident_pairs[split_of(incident_id)].append(pair)
            doc_pairs = [(d[system][figure], int(gold[d["incident_id"]][figure])) for d in per_doc]
            results[system][figure] = {
                "incidents": {split: _score(pairs) for split, pairs in incident_pairs.items()},
                "documents": _score(doc_pairs),
            }
    results["per_document"] = per_doc
    return results
