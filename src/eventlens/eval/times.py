"""Event-date evaluation of the time stage on real reports grouped by incident (shared/eval/incidents).

Each document is read as the JSONL reader reads it (only ``text``, ``published``, ``title``, ``url``),
cleaned, given its publication date by the metadata stage and passed to ``temporal.rules.v1``.
Figures, per document, against the incident's gold date:

- ``includes``: the share of documents whose day-level times (precision day, or hour with a date)
  include the gold date. Baselines in the same run: the incident happened on the publication day
  (``baseline_publication_day``), and the days that dateparser's ``search_dates`` finds in the same
  cleaned text, English, relative to the same publication day and preferring the past, include the
  gold date (``baseline_dateparser``; dateparser gives every match a day, filling a missing day of
  month from the publication date as it does by default).
- ``first``: the share whose first day-level time in text order that is not after the publication
  date equals the gold date (stricter: the opening sentence of a news report usually dates the news).
- ``lead``: the same with the earlier of the first two such times: a lead often gives the newest
  development first and the event right after ("was charged Tuesday in Saturday's shooting").
- ``after_publication``: resolved times later than their document's publication date, split into
  those that state their own year (the text says so), those the text marks as future (a future cue
  before them, or ``next``) and the rest (which should be none).

The same five scores are also given per split (``splits``: ``dev``, ``test`` and ``all``, by
``common.split_of`` on the document id): tune rules on ``dev`` and report both parts.
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..io.readers import read_paths
from ..model import DatePrecision, Document, Failure, TimeRef
from ..pipeline import Pipeline
from ..registry import get_stage
from ..settings import Settings
from ..stages.temporal import future_cue_before
from .common import split_of

__all__ = ["dateparser_days", "day_of", "evaluate_times"]

_SCORES = ("includes", "first", "lead", "baseline_publication_day", "baseline_dateparser")

_STATED_YEAR = re.compile(r"\d{4}|\d/\d{2}$")
_FIELDS = ("text", "published", "title", "url")
_STAGES = {"clean": "clean.rules.v1", "metadata": "metadata.rules.v1"}
_TEMPORAL = "temporal.rules.v1"


def day_of(ref: TimeRef) -> date | None:
    """The calendar day of a day- or hour-precision time, or None."""
    if ref.value is None or ref.precision not in (DatePrecision.DAY, DatePrecision.HOUR):
        return None
    return date.fromisoformat(ref.value[:10])


def dateparser_days(text: str, published: date | None) -> list[date]:
    """The days dateparser's ``search_dates`` finds in ``text``, relative to ``published`` (English, past first)."""
    from dateparser.search import search_dates  # imported here: only this eval needs it, and it loads slowly

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past"}
    if published is not None:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
    found = search_dates(text, languages=["en"], settings=settings) or []
    return [moment.date() for _, moment in found]


def _start_of(ref: TimeRef) -> date | None:
    """The first day a resolved time covers (a month's first day, a year's January 1)."""
    if ref.value is None:
        return None
    parts = ref.value[:10].split("-")
    return date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)


def _records(data_dir: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(data_dir / "docs.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _gold_dates(data_dir: Path) -> dict[str, date]:
    gold = {}
    with (data_dir / "incidents.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                gold[str(record["incident_id"])] = date.fromisoformat(record["date"])
    return gold


def _read_documents(records: list[dict[str, Any]], settings: Settings) -> list[Document | Failure]:
    """Read the records through the JSONL reader, from a temporary file holding only the allowed fields."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "docs.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps({k: record.get(k) for k in _FIELDS}, ensure_ascii=False) + "\n")
        return list(read_paths([path], settings.ingest))


def evaluate_times(data_dir: Path) -> dict[str, Any]:
    """Score the time stage's event dates on ``data_dir`` (docs.jsonl.gz + incidents.jsonl), with the baseline."""
    data_dir = Path(data_dir)
    gold = _gold_dates(data_dir)
    records = list(_records(data_dir))
    # Clean and metadata run through the Pipeline (failures recorded, not raised); the time stage is
    # called directly so that its own run time can be measured.
    settings = Settings().merged({"pipeline": {"stages": dict(_STAGES)}})
    pipeline = Pipeline(settings)
    items = _read_documents(records, settings)
    if len(items) != len(records):
        raise ValueError(f"{data_dir}: read {len(items)} items from {len(records)} records")

    temporal = get_stage(_TEMPORAL)
    stage_seconds = dateparser_seconds = 0.0
    counts = {
        "documents": len(records),
        "failed": 0,
        "no_published_day": 0,
        "baseline_hits": 0,
        "dateparser_hits": 0,
        "includes_hits": 0,
        "first_hits": 0,
        "lead_hits": 0,
        "with_day_time": 0,
        "times": 0,
        "resolved": 0,
        "after_publication_stated": 0,
        "after_publication_future": 0,
        "after_publication_other": 0,
    }
    # Per document: its split and which of the scores it hits (a failed document hits none).
    hits: list[tuple[str, dict[str, bool]]] = []
    for record, item in zip(records, items, strict=True):
        wanted = gold[str(record["incident_id"])]
        published = date.fromisoformat(record["published"]) if record.get("published") else None
        doc_hits = dict.fromkeys(_SCORES, False)
        hits.append((split_of(str(record["doc_id"])), doc_hits))
        if published == wanted:
            counts["baseline_hits"] += 1
            doc_hits["baseline_publication_day"] = True
        before_temporal = item if isinstance(item, Failure) else pipeline.process(item)
        if isinstance(before_temporal, Failure):
            counts["failed"] += 1
            continue
        started = time.perf_counter()
        doc = temporal.func(before_temporal, settings.temporal)
        stage_seconds += time.perf_counter() - started
        if doc.published is None or doc.published.day is None:
            counts["no_published_day"] += 1
        pub_day = (
            published if doc.published is None or doc.published.day is None else date.fromisoformat(doc.published.iso)
        )
        started = time.perf_counter()
        if wanted in dateparser_days(doc.text, pub_day):
            counts["dateparser_hits"] += 1
            doc_hits["baseline_dateparser"] = True
        dateparser_seconds += time.perf_counter() - started
        counts["times"] += len(doc.times)
        counts["resolved"] += sum(ref.value is not None for ref in doc.times)
        days = [(ref, day) for ref in doc.times if (day := day_of(ref)) is not None]
        if days:
            counts["with_day_time"] += 1
        if any(day == wanted for _, day in days):
            counts["includes_hits"] += 1
            doc_hits["includes"] = True
        past = [day for _, day in days if pub_day is None or day <= pub_day]
        if past and past[0] == wanted:
            counts["first_hits"] += 1
            doc_hits["first"] = True
        if past and min(past[:2]) == wanted:
            counts["lead_hits"] += 1
            doc_hits["lead"] = True
        for ref in doc.times:
            start = _start_of(ref)
            if start is None or pub_day is None or start <= pub_day:
                continue
            if _STATED_YEAR.search(ref.text):
                counts["after_publication_stated"] += 1
            elif future_cue_before(doc.text, ref.start, settings.temporal) or ref.text.lower().startswith(
                ("next", "coming", "this coming")
            ):
                counts["after_publication_future"] += 1
            else:
                counts["after_publication_other"] += 1

    total = counts["documents"]
    return {
        "data": str(data_dir),
        "counts": counts,
        "scores": {
            "includes": counts["includes_hits"] / total if total else 0.0,
            "first": counts["first_hits"] / total if total else 0.0,
            "lead": counts["lead_hits"] / total if total else 0.0,
            "baseline_publication_day": counts["baseline_hits"] / total if total else 0.0,
            "baseline_dateparser": counts["dateparser_hits"] / total if total else 0.0,
        },
        "splits": {split: _split_scores(hits, split) for split in ("dev", "test", "all")},
        "stage_seconds": stage_seconds,
        "docs_per_second": (total - counts["failed"]) / stage_seconds if stage_seconds else 0.0,
        "dateparser_docs_per_second": (total - counts["failed"]) / dateparser_seconds if dateparser_seconds else 0.0,
    }


def _split_scores(hits: list[tuple[str, dict[str, bool]]], split: str) -> dict[str, float | int]:
    """The scores over the documents of one split (``all``: every document)."""
    chosen = [doc_hits for doc_split, doc_hits in hits if split in ("all", doc_split)]
    total = len(chosen)
    scores: dict[str, float | int] = {"documents": total}
    for name in _SCORES:
        scores[name] = sum(doc_hits[name] for doc_hits in chosen) / total if total else 0.0
    return scores
