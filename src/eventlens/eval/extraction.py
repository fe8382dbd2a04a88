"""Body-extraction evaluation on the Article Extraction Benchmark (shared/eval/extraction).

The metric is the benchmark's own: 4-token shingles of ``\\w+`` tokens, per-page TP/FP/FN
normalised, corpus precision and recall as means over pages, F1 from those means, plus exact
token-sequence accuracy. Our extractor (trafilatura + the eventlens cleaner) and trafilatura with
default settings are scored in the same run.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from ..io.htmltext import extract_html
from ..settings import CleanSettings, IngestSettings
from ..stages.clean import clean_text
from .common import split_of

__all__ = ["ExtractionScore", "evaluate_extraction", "score_pages", "shingles"]

_TOKEN = re.compile(r"\w+")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of 4-token shingles of ``text`` (one shingle of all tokens when there are 1-3)."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


@dataclass(frozen=True, slots=True)
class ExtractionScore:
    """Corpus precision, recall, F1 and exact accuracy over ``pages`` pages."""

    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int


def score_pages(gold: dict[str, str], predicted: dict[str, str]) -> ExtractionScore:
    """Score predictions against gold bodies with the benchmark's metric."""
    precisions, recalls, exact = [], [], 0
    for page_id, gold_text in gold.items():
        pred_text = predicted.get(page_id, "")
        if _TOKEN.findall(pred_text) == _TOKEN.findall(gold_text):
            exact += 1
        gold_sh, pred_sh = shingles(gold_text), shingles(pred_text)
        tp = sum((gold_sh & pred_sh).values())
        fp = sum((pred_sh - gold_sh).values())
        fn = sum((gold_sh - pred_sh).values())
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        # Normalising TP/FP/FN by their sum leaves the ratios unchanged, so the ratios are taken directly.
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ExtractionScore(precision, recall, f1, exact / len(gold) if gold else 0.0, len(gold))


def eventlens_extract(html: str) -> str:
    """Our body extraction: trafilatura (precision-leaning, no comments), then the eventlens cleaner."""
    cfg = IngestSettings()
    extracted = extract_html(html, favor_precision=cfg.html_favor_precision, rescue_ratio=cfg.html_rescue_ratio)
    return clean_text(extracted.text, CleanSettings()).text


def trafilatura_default(html: str) -> str:
    """The baseline a user would otherwise use: trafilatura.extract with default settings."""
    return trafilatura.extract(html) or ""


SYSTEMS: dict[str, Callable[[str], str]] = {
    "eventlens": eventlens_extract,
    "trafilatura (default)": trafilatura_default,
}


def load_pages(data_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Gold bodies and raw HTML by page id."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    gold = {page_id: item["articleBody"] for page_id, item in sorted(truth.items())}
    html = {}
    for page_id in gold:
        with gzip.open(data_dir / "html" / f"{page_id}.html.gz", "rb") as fh:
            html[page_id] = fh.read().decode("utf-8", errors="replace")
    return gold, html


def evaluate_extraction(data_dir: Path) -> dict[str, dict[str, ExtractionScore]]:
    """Score every system on the dev, test and whole sets: ``{system: {split: score}}``."""
    gold, html = load_pages(data_dir)
    results: dict[str, dict[str, ExtractionScore]] = {}
    for name, system in SYSTEMS.items():
        predicted = {page_id: system(page) for page_id, page in html.items()}
        results[name] = {
            split: score_pages({k: v for k, v in gold.items() if split in ("all", split_of(k))}, predicted)
            for split in ("dev", "test", "all")
        }
    return results
