"""Event-type evaluation of :mod:`eventlens.eventtypes` on the PLOVER gold-standard records (shared/eval/events).

Each record is one sentence with one hand-coded PLOVER 0.5b1 event type. Scores, per split (``dev``,
``test``, ``all`` by ``common.split_of`` on the record id), as the events README defines them:

- ``accuracy``; ``macro_f1`` over the 18 PLOVER types (a type nothing is predicted as has P = 0, and
  F1 = 0 when P and R are both 0); ``micro_f1`` (equal to accuracy when every record gets a label; a
  sentence with no trigger is a record with no prediction); ``per_type`` F1; and ``accuracy_fight_as_assault``,
  the accuracy with FIGHT folded into ASSAULT in both gold and prediction (newer PLOVER has no FIGHT).
- Systems, in the same run: ``eventlens`` (:func:`eventlens.eventtypes.classify_sentence`, the classifier
  the events stage uses), ``majority`` (the most frequent dev type for every record) and
  ``tfidf_logreg`` (scikit-learn TF-IDF + logistic regression trained on the dev records; scikit-learn is
  imported only here, and only for this baseline).
- Actors (secondary, ``eventlens`` only): country names, demonyms and codes in the sentence resolved to
  ISO-3166 alpha-3 through the shipped gazetteer's country entries, plus the names of international
  organisations (CAMEO ``IGO``); those before the trigger are the source, those after it the target
  (but not those in a trailing attribution clause, ", a U.S. official said").
  Micro precision, recall and F1 of the predicted code sets against the gold code sets, summed over
  records, separately for source and target.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..eventtypes import PLOVER_TYPES, classify_sentence
from .common import split_of

__all__ = ["actor_codes", "evaluate_events", "score_types"]

_SPLITS = ("dev", "test", "all")
_GOLD_FILE = "plover_gsr.jsonl"

# International organisations, coded IGO in CAMEO and the PLOVER gold.
_IGO = re.compile(
    r"\b(?:United\s+Nations|U\.N\.|UN|NATO|European\s+(?:Union|Community|Commission)|EU|EC|Arab\s+League|"
    r"African\s+Union|Organi[sz]ation\s+of\s+\w+(?:\s+\w+)?\s+States|IAEA|International\s+Atomic\s+Energy\s+Agency|"
    r"World\s+Bank|IMF|International\s+Monetary\s+Fund|OSCE|ASEAN|APEC|Security\s+Council|WHO|UNHCR|"
    r"World\s+Food\s+Program(?:me)?|WFP|ECOWAS|International\s+Labou?r\s+Office|ILO|Interpol)\b"
)
_TRAILING_ATTRIBUTION = re.compile(
    r",[^,]*\b(?:said|says|reported|reports|told|announced|stated|quoted|according\s+to)\b[^,]*$"
)
_CAPITALISED = re.compile(r"[A-Z][\w.'’-]*")
# Rules of Gazetteer.lookup_variants that identify a country name reliably (no fuzzy spelling).
_COUNTRY_RULES = frozenset({"code", "exact", "demonym", "article", "possessive", "plural-demonym", "demonym-stem"})
_MAX_NAME_WORDS = 4
_CONNECTORS = frozenset({"of", "and", "the"})


def _records(data_dir: Path) -> list[dict[str, Any]]:
    with (data_dir / _GOLD_FILE).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score_types(gold: list[str], predicted: list[str | None]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the 18 PLOVER types, micro-F1 and per-type F1 (None: no prediction)."""
    n = len(gold)
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    per_type = {}
    for label in PLOVER_TYPES:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        n_pred = sum(p == label for p in predicted)
        n_gold = sum(g == label for g in gold)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        per_type[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    n_predicted = sum(p is not None for p in predicted)
    micro_p = correct / n_predicted if n_predicted else 0.0
    micro_r = correct / n if n else 0.0

    def fold(label: str | None) -> str | None:
        return "ASSAULT" if label == "FIGHT" else label

    folded = sum(fold(g) == fold(p) for g, p in zip(gold, predicted, strict=True))
    return {
        "records": n,
        "accuracy": correct / n if n else 0.0,
        "macro_f1": sum(per_type.values()) / len(PLOVER_TYPES),
        "micro_f1": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
        "accuracy_fight_as_assault": folded / n if n else 0.0,
        "unlabelled": n - n_predicted,
        "per_type": per_type,
    }


class _CountryCodes:
    """Country names, demonyms and codes -> ISO-3166 alpha-3, from the gazetteer's country entries."""

    def __init__(self) -> None:
        from ..geo.gazetteer import Gazetteer

        self._gazetteer = Gazetteer.load()
        self._cache: dict[str, str | None] = {}

    def code(self, name: str) -> str | None:
        if name not in self._cache:
            found = None
            for cand in self._gazetteer.lookup_variants(name):
                if cand.entry.kind == "country" and cand.rule in _COUNTRY_RULES:
                    found = next((c for c in cand.entry.codes if len(c) == 3 and c.isalpha() and c.isupper()), None)
                    if found:
                        break
            self._cache[name] = found
        return self._cache[name]


def actor_codes(sentence: str, codes: Callable[[str], str | None]) -> list[tuple[int, int, str]]:
    """Actor codes in ``sentence`` as (start, end, code): international organisations (IGO) and countries.

    ``codes`` maps a capitalised name ("Israeli", "United States", "Serbs") to its alpha-3 code or None.
    The longest name (up to four words, "of"/"and"/"the" allowed inside) wins at each position.
    """
    found = [(m.start(), m.end(), "IGO") for m in _IGO.finditer(sentence)]
    taken = [(s, e) for s, e, _ in found]
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[\w.'’-]+", sentence)]
    i = 0
    while i < len(tokens):
        start, _, word = tokens[i]
        if not _CAPITALISED.fullmatch(word) or any(s <= start < e for s, e in taken):
            i += 1
            continue
        hit = None
        for length in range(min(_MAX_NAME_WORDS, len(tokens) - i), 0, -1):
            last = tokens[i + length - 1]
            if length > 1 and (last[2] in _CONNECTORS or not _CAPITALISED.fullmatch(last[2])):
                continue
            name = sentence[start : last[1]].rstrip(".")
            if name.endswith(("'s", "’s")) or len(name) > 1:
                code = codes(name) if len(name) > 1 else None
                if code:
                    hit = (start, last[1], code, length)
                    break
        if hit is None:
            i += 1
            continue
        found.append(hit[:3])
        i += hit[3]
    return sorted(found)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def _actor_scores(pairs: Iterable[tuple[set[str], set[str]]]) -> dict[str, float]:
    tp = fp = fn = 0
    for gold, predicted in pairs:
        tp += len(gold & predicted)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
    return _prf(tp, fp, fn)


def _tfidf_logreg(train_texts: list[str], train_labels: list[str]) -> Callable[[list[str]], list[str]]:
    """TF-IDF (words, English stop words removed) + logistic regression (scikit-learn defaults), trained on
    the given records."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(stop_words="english"),
        LogisticRegression(max_iter=1000),
    )
    model.fit(train_texts, train_labels)
    return lambda texts: [str(label) for label in model.predict(texts)]


def evaluate_events(data_dir: Path, *, actors: bool = True) -> dict[str, Any]:
    """Score event typing on ``data_dir`` (plover_gsr.jsonl) for eventlens and both baselines, per split."""
    data_dir = Path(data_dir)
    records = _records(data_dir)
    splits = [split_of(str(r["id"])) for r in records]
    texts = [str(r["text"]) for r in records]
    gold = [str(r["event_type"]) for r in records]
    dev = [i for i, s in enumerate(splits) if s == "dev"]
    if not dev:
        raise ValueError(f"{data_dir / _GOLD_FILE}: no dev records to train the baselines on")

    started = time.perf_counter()
    typings = [classify_sentence(text) for text in texts]
    seconds = time.perf_counter() - started
    predictions: dict[str, list[str | None]] = {"eventlens": [t.plover_type if t else None for t in typings]}
    majority = Counter(gold[i] for i in dev).most_common(1)[0][0]
    predictions["majority"] = [majority] * len(records)
    predictions["tfidf_logreg"] = list(_tfidf_logreg([texts[i] for i in dev], [gold[i] for i in dev])(texts))

    def chosen(split: str) -> list[int]:
        return [i for i, s in enumerate(splits) if split in ("all", s)]

    results: dict[str, Any] = {
        "data": str(data_dir),
        "records": len(records),
        "majority_type": majority,
        "splits": {
            split: {
                system: score_types([gold[i] for i in chosen(split)], [pred[i] for i in chosen(split)])
                for system, pred in predictions.items()
            }
            for split in _SPLITS
        },
        "sentences_per_second": len(records) / seconds if seconds else 0.0,
    }
    if actors:
        countries = _CountryCodes()
        pairs = []
        for text, typing, record in zip(texts, typings, records, strict=True):
            pivot_start, pivot_end = (typing.start, typing.end) if typing else (len(text) // 2, len(text) // 2)
            found = actor_codes(text, countries.code)
            source = {code for s, _, code in found if s < pivot_start}
            # an attribution after the last comma (", a U.S. official said") names a speaker, not the target
            tail = _TRAILING_ATTRIBUTION.search(text)
            cut = tail.start() if tail and tail.start() >= pivot_end else len(text)
            target = {code for s, _, code in found if pivot_end <= s < cut}
            pairs.append(
                (
                    ({a["code"] for a in record["source"]}, source),
                    ({a["code"] for a in record["target"]}, target),
                )
            )
        results["actors"] = {
            split: {
                "source": _actor_scores(pairs[i][0] for i in chosen(split)),
                "target": _actor_scores(pairs[i][1] for i in chosen(split)),
            }
            for split in _SPLITS
        }
    return results
