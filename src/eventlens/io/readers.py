"""The one door for untrusted bytes: paths in, ``Document`` or ``Failure`` out, never an exception.

Reads .txt, .html/.htm, .jsonl (fields ``text`` or ``html``, ``url``, ``title``, ``published``,
``outlet``, ``language``), RSS/Atom feeds, folders (recursively, sorted) and ``.gz`` of any of them.
Bytes are size-checked, sniffed for binary content, decoded (UTF-8, else a confident
charset-normalizer guess), NFC-normalised, with newlines made ``\\n``. HTML bodies are extracted
by ``htmltext.extract_html`` (trafilatura, comments off, with a cheap first rung).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import charset_normalizer
import feedparser
import trafilatura

from ..errors import InputError
from ..model import Document, Failure, SourceHints
from ..settings import IngestSettings
from .htmltext import clean_str as _clean_str
from .htmltext import extract_html

__all__ = ["PendingFile", "count_inputs", "decode_bytes", "doc_id_for", "extract_html", "read_paths"]

logger = logging.getLogger(__name__)

_BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",  # zip, docx, xlsx
    b"\x7fELF",
    b"BZh",
    b"\xfd7zXZ",
    b"RIFF",
    b"\x00\x00\x01\x00",  # ico
)
_SUFFIX_KIND = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
}


def doc_id_for(data: bytes) -> str:
    """First 16 hex digits of the SHA-256 of the raw bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class PendingFile:
    """A file to be read later, where the work is done (a pipeline worker process): see ``read_paths(defer=True)``."""

    path: str

    def read(self, cfg: IngestSettings) -> list[Document | Failure]:
        return list(read_file(Path(self.path), cfg))


def read_paths(
    paths: Iterable[str | Path], cfg: IngestSettings | None = None, *, defer: bool = False
) -> Iterator[Document | Failure | PendingFile]:
    """Yield a Document or a Failure for every input found under ``paths``, in a stable order.

    With ``defer`` a file that holds one document (or a feed) comes back as a :class:`PendingFile`, so a
    pool of pipeline workers can read it (HTML extraction is the costly part of reading); JSONL files
    are still streamed here line by line, since one may be larger than memory.
    """
    cfg = cfg or IngestSettings()
    for path in paths:
        path = Path(path)
        files = _walk(path, cfg) if path.is_dir() else iter([path])
        for file in files:
            if isinstance(file, InputError):
                yield _failure(file)
            elif defer and not _is_jsonl(file):
                yield PendingFile(str(file))
            else:
                yield from read_file(file, cfg)


def _is_jsonl(path: Path) -> bool:
    return _SUFFIX_KIND.get(Path(path.name.lower().removesuffix(".gz")).suffix) == "jsonl"


def _walk(folder: Path, cfg: IngestSettings) -> Iterator[Path | InputError]:
    """Files under ``folder``, sorted; a folder that cannot be listed comes back as an InputError, not silence."""
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        yield from _listing_errors(errors)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            if any(name.lower().endswith(ext) for ext in cfg.extensions):
                yield Path(root) / name
            else:
                # Named, not silently passed over: a .pdf or .docx the user expected to be read (issue 16).
                suffix = Path(name).suffix.lower() or "no extension"
                yield InputError(str(Path(root) / name), "unsupported", f"unsupported type ({suffix}, not in ingest.extensions)")
    yield from _listing_errors(errors)


def count_inputs(paths: Iterable[str | Path], cfg: IngestSettings | None = None) -> int:
    """How many items (documents or failures) ``read_paths`` will yield, counted cheaply before reading.

    One per file found, one per non-blank line of a JSONL file; a feed counts as one until it is read.
    It gives a progress display its total, so it never raises: what it cannot open counts as one.
    """
    cfg = cfg or IngestSettings()
    total = 0
    for path in paths:
        path = Path(path)
        files = _walk(path, cfg) if path.is_dir() else iter([path])
        for file in files:
            if isinstance(file, Path) and _SUFFIX_KIND.get(Path(file.name.lower().removesuffix(".gz")).suffix) == "jsonl":
                total += _count_lines(file)
            else:
                total += 1
    return total


def _count_lines(path: Path) -> int:
    try:
        with gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb") as fh:
            return max(1, sum(1 for raw in fh if raw.strip()))
    except (OSError, EOFError, zlib.error):
        return 1


def _listing_errors(errors: list[OSError]) -> Iterator[InputError]:
    while errors:
        exc = errors.pop(0)
        yield InputError(str(exc.filename), "unreadable", f"cannot list the folder ({exc.strerror or exc})")


def read_file(path: Path, cfg: IngestSettings) -> Iterator[Document | Failure]:
    """Read one file (a .jsonl or feed may give several documents)."""
    label = str(path)
    name = path.name.lower()
    if _SUFFIX_KIND.get(Path(name.removesuffix(".gz")).suffix) == "jsonl":
        # JSONL is streamed line by line: a large file of small records is normal, and memory stays flat.
        yield from _stream_jsonl(path, cfg)
        return
    try:
        data = _read_bytes(path, cfg)
        if name.endswith(".gz"):
            data = _gunzip(label, data, cfg)
            name = name[: -len(".gz")]
        kind = _SUFFIX_KIND.get(Path(name).suffix) or _sniff_kind(data)
        _check_content(label, data)
        if kind == "jsonl":
            yield from _read_jsonl(label, data, cfg)
        elif kind == "feed":
            yield from _read_feed(label, data, cfg)
        else:
            text, encoding = decode_bytes(label, data, cfg)
            yield _make_doc(label, kind, data, text, encoding, SourceHints(), cfg)
    except InputError as exc:
        yield _failure(exc)


def _failure(exc: InputError) -> Failure:
    return Failure(path=exc.path, reason=exc.reason, message=str(exc), stage="ingest")


def _check_path(path: Path) -> None:
    label = str(path)
    if not path.exists() and not path.is_symlink():
        raise InputError(label, "not_found", "no such file or folder")
    if not path.exists():
        raise InputError(label, "not_found", "broken symbolic link")
    if path.is_dir():
        raise InputError(label, "unreadable", "is a directory")


def _read_bytes(path: Path, cfg: IngestSettings) -> bytes:
    label = str(path)
    _check_path(path)
    try:
        size = path.stat().st_size
        if size > cfg.max_bytes:
            raise InputError(label, "too_large", f"{size:,} bytes is more than ingest.max_bytes={cfg.max_bytes:,}")
        with path.open("rb") as fh:
            return fh.read(cfg.max_bytes + 1)
    except PermissionError as exc:
        raise InputError(label, "unreadable", f"permission denied ({exc.strerror})") from exc
    except IsADirectoryError as exc:
        raise InputError(label, "unreadable", "is a directory") from exc
    except OSError as exc:
        raise InputError(label, "unreadable", f"cannot read ({exc.strerror or exc})") from exc


def _gunzip(label: str, data: bytes, cfg: IngestSettings) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(cfg.max_bytes + 1)
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise InputError(label, "bad_gzip", f"truncated or corrupt gzip ({exc})") from exc
    if len(out) > cfg.max_bytes:
        raise InputError(label, "too_large", f"decompresses to more than ingest.max_bytes={cfg.max_bytes:,} bytes")
    return out


def _sniff_kind(data: bytes) -> str:
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<?xml", b"<rss", b"<feed")) and (b"<rss" in head or b"<feed" in head):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    if head.startswith(b"{"):
        return "jsonl"
    return "txt"


def _check_content(label: str, data: bytes) -> None:
    if not data.strip():
        raise InputError(label, "empty", "the file is empty" if not data else "the file holds only whitespace")
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data[:8192]:
        # UTF-16 text has NUL bytes too, but only after a BOM.
        if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(label, "binary", "binary data, not text")


def decode_bytes(label: str, data: bytes, cfg: IngestSettings) -> tuple[str, str]:
    """Decode to NFC text with ``\\n`` newlines; returns (text, encoding). Raises InputError(encoding)."""
    encoding = "utf-8"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data).best()
        # A byte-order mark declares the encoding: trust it whatever the coherence (UTF-16 scores about 0.3).
        if best is None or (best.coherence < cfg.min_encoding_coherence and not best.bom):
            raise InputError(label, "encoding", "not UTF-8 and no confident encoding guess") from None
        text, encoding = str(best), best.encoding
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text, encoding


def _make_doc(
    label: str, kind: str, data: bytes, text: str, encoding: str | None, hints: SourceHints, cfg: IngestSettings
) -> Document:
    raw_html = None
    if kind == "html":
        raw_html = text
        extracted = extract_html(text, favor_precision=cfg.html_favor_precision, rescue_ratio=cfg.html_rescue_ratio)
        text = unicodedata.normalize("NFC", extracted.text)
        hints = _merge_hints(hints, extracted.hints)
        if not text.strip():
            raise InputError(label, "no_content", "no article text found in the HTML")
    return Document(
        doc_id=doc_id_for(data),
        path=label,
        format=kind,
        encoding=encoding,
        raw_html=raw_html,
        raw_text=text,
        hints=hints,
    )


def _merge_hints(first: SourceHints, second: SourceHints) -> SourceHints:
    """Fields of ``first`` win; ``second`` fills the gaps."""
    return SourceHints(**{name: getattr(first, name) or getattr(second, name) for name in SourceHints.model_fields})


_JSONL_HINT_FIELDS = ("title", "url", "published", "outlet", "language")


def _stream_jsonl(path: Path, cfg: IngestSettings) -> Iterator[Document | Failure]:
    """Documents of a .jsonl (or .jsonl.gz) file, one line at a time; ingest.max_bytes applies per line."""
    label = str(path)
    try:
        _check_path(path)
        fh = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")
    except InputError as exc:
        yield _failure(exc)
        return
    except OSError as exc:
        yield _failure(InputError(label, "unreadable", f"cannot read ({exc.strerror or exc})"))
        return
    records = 0
    with fh:
        try:
            for number, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                records += 1
                where = f"{label}:{number}"
                try:
                    yield _jsonl_record(where, _decode_line(where, raw, cfg, first=number == 1), cfg)
                except InputError as exc:
                    yield _failure(exc)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            yield _failure(InputError(label, "bad_gzip", f"truncated or corrupt gzip ({exc})"))
        except OSError as exc:
            yield _failure(InputError(label, "unreadable", f"cannot read ({exc.strerror or exc})"))
    if records == 0:
        yield _failure(InputError(label, "empty", "the file holds no JSON lines"))


def _decode_line(where: str, raw: bytes, cfg: IngestSettings, *, first: bool) -> str:
    if len(raw) > cfg.max_bytes:
        raise InputError(where, "too_large", f"a {len(raw):,}-byte line is more than ingest.max_bytes={cfg.max_bytes:,}")
    if b"\x00" in raw:
        raise InputError(where, "binary", "binary data, not text")
    try:
        return raw.decode("utf-8-sig" if first else "utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise InputError(where, "encoding", f"not UTF-8 ({exc.reason} at byte {exc.start})") from None


def _read_jsonl(label: str, data: bytes, cfg: IngestSettings) -> Iterator[Document | Failure]:
    text, _ = decode_bytes(label, data, cfg)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{label}:{number}"
        try:
            yield _jsonl_record(where, line, cfg)
        except InputError as exc:
            yield _failure(exc)


def _jsonl_record(where: str, line: str, cfg: IngestSettings) -> Document:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(where, "bad_json", f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise InputError(where, "bad_json", f"a JSON {type(record).__name__}, not an object")
    hints = SourceHints(**{key: _clean_str(record.get(key)) for key in _JSONL_HINT_FIELDS})
    body_html, body_text = record.get("html"), record.get("text")
    if isinstance(body_html, str) and body_html.strip():
        kind, body = "html", body_html
    elif isinstance(body_text, str) and body_text.strip():
        kind, body = "txt", body_text
    else:
        raise InputError(where, "no_content", "no non-empty 'text' or 'html' field")
    body = unicodedata.normalize("NFC", body.replace("\r\n", "\n").replace("\r", "\n"))
    return _make_doc(where, kind, line.encode("utf-8"), body, "utf-8", hints, cfg)


def _read_feed(label: str, data: bytes, cfg: IngestSettings) -> Iterator[Document | Failure]:
    feed = feedparser.parse(data)
    if not feed.entries:
        detail = f"no entries ({feed.get('bozo_exception', 'not RSS or Atom')})"
        raise InputError(label, "bad_feed", detail)
    outlet = _clean_str(feed.feed.get("title"))
    for number, entry in enumerate(feed.entries, start=1):
        where = f"{label}#{number}"
        try:
            yield _feed_entry(where, entry, outlet)
        except InputError as exc:
            yield _failure(exc)


def _feed_entry(where: str, entry: Any, outlet: str | None) -> Document:
    contents = entry.get("content") or []
    body = (contents[0].get("value") if contents else None) or entry.get("summary") or ""
    if "<" in body and "<body" not in body.lower():
        # html2txt returns "" for a fragment without <body>, and feed entries are fragments.
        body_page = f"<html><body>{body}</body></html>"
    else:
        body_page = body
    text = trafilatura.html2txt(body_page) if "<" in body else body
    text = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n"))
    if not text.strip():
        raise InputError(where, "no_content", "the entry has no content or summary")
    hints = SourceHints(
        title=_clean_str(entry.get("title")),
        url=_clean_str(entry.get("link")),
        published=_clean_str(entry.get("published") or entry.get("updated")),
        outlet=outlet,
    )
    identity = json.dumps([entry.get("id") or entry.get("link"), body], ensure_ascii=False).encode("utf-8")
    return Document(
        doc_id=doc_id_for(identity),
        path=where,
        format="rss",
        encoding="utf-8",
        raw_text=text,
        hints=hints,
    )
