"""The bad-input matrix and the formats the reader accepts: every case is built in tmp_path, gives
exactly one Failure with its reason and a one-line message naming the file, and the batch goes on."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import pickle
import shutil
import tempfile
from pathlib import Path

import pytest

from eventlens.errors import REASONS
from eventlens.io.readers import read_paths
from eventlens.model import Document, Failure
from eventlens.settings import IngestSettings

GOOD_TEXT = "A flood closed the main road between two valley towns on Tuesday evening, the council said.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
RUSSIAN = (
    "Вооружённые люди напали на полицейский патруль у моста на севере страны. "
    "Один полицейский погиб, ещё двое получили ранения."
)
# Bytes that are invalid UTF-8 (lone continuation and never-valid bytes) and that no code page reads as text.
NOT_TEXT = bytes([0x80, 0x81, 0xFE, 0xFF, 0xC0, 0xC1, 0xF5, 0x9D, 0x8F, 0x90, 0x81]) * 40


def _bad_inputs(folder: Path) -> dict[str, tuple[Path, str]]:
    """Write one file per bad-input case; returns name -> (path, expected reason)."""
    cases: dict[str, tuple[Path, str]] = {}

    def write(name: str, data: bytes, reason: str) -> None:
        path = folder / name
        path.write_bytes(data)
        cases[name] = (path, reason)

    write("empty.txt", b"", "empty")
    write("blank.txt", b"  \n\t\n", "empty")
    write("image.txt", PNG + bytes(range(256)), "binary")
    write("nul.txt", b"some text\x00\x00\x00 and NUL bytes", "binary")
    write("garbage.txt", NOT_TEXT, "encoding")
    write("huge.txt", b"lorem ipsum dolor sit amet " * (50_000_000 // 27 + 1), "too_large")  # 50 MB > 20 MB default
    write("truncated.txt.gz", gzip.compress(GOOD_TEXT.encode() * 200)[:-40], "bad_gzip")
    write("notgzip.txt.gz", b"this is not gzip data at all", "bad_gzip")
    write(
        "only-script.html",
        b"<html><head><style>.a{color:red}</style></head><body><script>var onlyScript = 1;</script>"
        b"<style>.b{margin:0}</style></body></html>",
        "no_content",
    )
    return cases


def _read(paths: list[Path], **settings: object) -> list[Document | Failure]:
    return list(read_paths(paths, IngestSettings(**settings)))


def _one_line_naming(failure: Failure, name: str) -> None:
    assert "\n" not in failure.message
    assert name in failure.message
    assert f"(reason: {failure.reason})" in failure.message


def test_bad_input_matrix_one_failure_each_and_the_batch_goes_on(tmp_path: Path) -> None:
    cases = _bad_inputs(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    missing = tmp_path / "missing.txt"
    items = _read([*[path for path, _ in cases.values()], good, missing])

    failures = [item for item in items if isinstance(item, Failure)]
    docs = [item for item in items if isinstance(item, Document)]
    assert [doc.path for doc in docs] == [str(good)]
    assert docs[0].raw_text == GOOD_TEXT
    by_path = {failure.path: failure for failure in failures}
    assert len(by_path) == len(failures), "one failure per input"
    expected = {str(path): reason for path, reason in cases.values()} | {str(missing): "not_found"}
    assert {path: failure.reason for path, failure in by_path.items()} == expected
    for failure in failures:
        assert failure.reason in REASONS
        assert failure.stage == "ingest"
        _one_line_naming(failure, Path(failure.path).name)


@pytest.mark.parametrize(
    "name,reason",
    [
        ("empty.txt", "empty"),
        ("image.txt", "binary"),
        ("garbage.txt", "encoding"),
        ("huge.txt", "too_large"),
        ("truncated.txt.gz", "bad_gzip"),
        ("only-script.html", "no_content"),
    ],
)
def test_each_bad_input_alone_gives_exactly_one_failure(tmp_path: Path, name: str, reason: str) -> None:
    path, expected = _bad_inputs(tmp_path)[name]
    items = _read([path])
    assert len(items) == 1
    (failure,) = items
    assert isinstance(failure, Failure)
    assert expected == reason
    assert (failure.reason, failure.path) == (reason, str(path))
    _one_line_naming(failure, name)


def test_missing_path_is_not_found(tmp_path: Path) -> None:
    (failure,) = _read([tmp_path / "nowhere" / "report.txt"])
    assert isinstance(failure, Failure)
    assert failure.reason == "not_found"
    _one_line_naming(failure, "report.txt")


def test_broken_symlink_is_not_found(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "gone.txt")
    (failure,) = _read([link])
    assert isinstance(failure, Failure) and failure.reason == "not_found"


def test_cp1251_russian_is_decoded_not_failed(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(RUSSIAN.encode("cp1251"))
    (doc,) = _read([path])
    assert isinstance(doc, Document), doc
    assert doc.raw_text == RUSSIAN
    assert "полицейский" in doc.raw_text
    assert doc.encoding is not None and doc.encoding.replace("-", "_").lower() in {"cp1251", "windows_1251"}


def test_utf8_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + "First line.\r\nSecond line with café.\rThird.".encode())
    (doc,) = _read([path])
    assert isinstance(doc, Document)
    assert doc.raw_text == "First line.\nSecond line with café.\nThird."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_bom_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "wide.txt"
    text = "Les habitants ont entendu des coups de feu près du pont, lundi soir, selon la police."
    path.write_bytes(text.encode(encoding))  # Python writes the byte-order mark first
    (doc,) = _read([path])
    assert isinstance(doc, Document), doc
    assert doc.raw_text == text


def test_nfc_normalisation(tmp_path: Path) -> None:
    path = tmp_path / "nfd.txt"
    path.write_text(
        "Cafe\u0301 owners in Zu\u0308rich protested on Monday against the new rent rules.", encoding="utf-8"
    )
    (doc,) = _read([path])
    assert isinstance(doc, Document)
    assert "Café" in doc.raw_text and "Zürich" in doc.raw_text


def test_too_large_respects_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(GOOD_TEXT * 10, encoding="utf-8")
    (failure,) = _read([path], max_bytes=100)
    assert isinstance(failure, Failure) and failure.reason == "too_large"
    assert "ingest.max_bytes" in failure.message


def test_gzip_bomb_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a" * 10_000))
    (failure,) = _read([path], max_bytes=1_000)
    assert isinstance(failure, Failure) and failure.reason == "too_large"


HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Council approves bridge</title>
<style>{style}</style>
<script>var trackingPixel = "SCRIPT-SECRET"; document.write("SCRIPT-WRITE");</script>
</head><body>
<nav><a href="/">Home</a></nav>
<article><h1>Council approves bridge</h1>
<p>The town council approved the new bridge over the river on Monday after a debate that lasted four hours.</p>
<script>alert("INLINE-SCRIPT")</script>
<p>Work is due to start in the spring and the crossing should open to traffic within two years, the mayor said.</p>
<style>.inline-style-rule {{ color: red }}</style>
</article></body></html>"""


def test_html_script_and_style_never_reach_the_text(tmp_path: Path) -> None:
    style = ".huge-style-rule { color: red; margin: 0 auto; }\n" * 20_000  # about 1 MB of inline CSS
    path = tmp_path / "page.html"
    path.write_text(HTML_PAGE.format(style=style), encoding="utf-8")
    (doc,) = _read([path])
    assert isinstance(doc, Document)
    assert doc.format == "html"
    assert "approved the new bridge" in doc.raw_text
    assert "open to traffic" in doc.raw_text
    for needle in ("SCRIPT-SECRET", "SCRIPT-WRITE", "INLINE-SCRIPT", "huge-style-rule", "inline-style-rule", "color:"):
        assert needle not in doc.raw_text
    assert doc.raw_html is not None and "huge-style-rule" in doc.raw_html  # kept for audit only


@pytest.mark.parametrize("name", ["report.txt.gz", "page.html.gz", "lines.jsonl.gz"])
def test_gzip_of_each_format_reads(tmp_path: Path, name: str) -> None:
    body = "The harbour authority closed the port for two days after a storm damaged the main pier."
    data = {
        "report.txt.gz": body.encode(),
        "page.html.gz": f"<html><body><article><h1>Port closed</h1><p>{body}</p><p>{body}</p></article></body></html>".encode(),
        "lines.jsonl.gz": (f'{{"text": "{body}", "title": "Port closed"}}\n').encode(),
    }[name]
    path = tmp_path / name
    path.write_bytes(gzip.compress(data))
    (doc,) = _read([path])
    assert isinstance(doc, Document), doc
    assert body in doc.raw_text
    assert doc.format == {"report.txt.gz": "txt", "page.html.gz": "html", "lines.jsonl.gz": "txt"}[name]


def test_jsonl_bad_line_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "file.jsonl"
    path.write_text(
        '{"text": "A fire destroyed a warehouse near the port early on Sunday.", "url": "https://port.example/a",'
        ' "title": "Warehouse fire", "published": "2022-05-01", "outlet": "Port News", "language": "en"}\n'
        "{this is not json\n",
        encoding="utf-8",
    )
    items = _read([path])
    assert len(items) == 2
    doc, failure = items
    assert isinstance(doc, Document)
    assert doc.path == f"{path}:1"
    assert doc.hints.title == "Warehouse fire"
    assert doc.hints.url == "https://port.example/a"
    assert doc.hints.published == "2022-05-01"
    assert doc.hints.outlet == "Port News"
    assert doc.hints.language == "en"
    assert isinstance(failure, Failure)
    assert failure.reason == "bad_json"
    assert failure.path == f"{path}:2"
    assert failure.path.endswith("file.jsonl:2")
    _one_line_naming(failure, "file.jsonl:2")


@pytest.mark.parametrize(
    "line,reason",
    [("[1, 2, 3]", "bad_json"), ('"just a string"', "bad_json"), ('{"title": "no body"}', "no_content")],
)
def test_jsonl_lines_that_are_not_documents(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    (failure,) = _read([path])
    assert isinstance(failure, Failure) and failure.reason == reason and failure.path == f"{path}:1"


def test_jsonl_html_field_is_extracted(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    body = "<p>The river burst its banks and flooded the lower town overnight, officials said.</p>"
    path.write_text(json.dumps({"html": f"<html><body><article>{body}{body}</article></body></html>"}) + "\n")
    (doc,) = _read([path])
    assert isinstance(doc, Document) and doc.format == "html"
    assert "<p>" not in doc.raw_text and "flooded the lower town" in doc.raw_text


def test_folder_walk_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for rel in [
        "b.txt",
        "a.txt",
        "sub/z.txt",
        "sub/deeper/c.txt",
        "a_sub/y.txt",
        ".hidden.txt",
        ".git/x.txt",
        "notes.pdf",
    ]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{rel}: {GOOD_TEXT}", encoding="utf-8")
    items = _read([tmp_path])
    docs = [item for item in items if isinstance(item, Document)]
    rels = [Path(item.path).relative_to(tmp_path).as_posix() for item in docs]
    # Top-down: each folder's files in name order, then its sub-folders in name order.
    assert rels == ["a.txt", "b.txt", "a_sub/y.txt", "sub/z.txt", "sub/deeper/c.txt"]
    # A file of another type is named, not passed over in silence (issue 16); hidden ones are left alone.
    assert [(Path(f.path).name, f.reason) for f in items if isinstance(f, Failure)] == [("notes.pdf", "unsupported")]
    assert _read([tmp_path]) == items  # the same order every time


def test_doc_id_is_stable_and_content_derived(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "two.txt").write_text(GOOD_TEXT, encoding="utf-8")
    first, second = _read([tmp_path])
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.doc_id == second.doc_id
    assert len(first.doc_id) == 16 and int(first.doc_id, 16) >= 0


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Valley Gazette</title><link>https://valley.example/</link><description>Local news</description>
<item><title>Storm damages houses</title><link>https://valley.example/storm</link>
<pubDate>Tue, 07 Mar 2023 10:00:00 GMT</pubDate><guid>storm-1</guid>
<description>&lt;p&gt;A storm damaged &lt;b&gt;forty&lt;/b&gt; houses in the valley on Monday night.&lt;/p&gt;&lt;script&gt;alert("x")&lt;/script&gt;</description></item>
<item><title>Bridge reopens</title><link>https://valley.example/bridge</link>
<pubDate>Wed, 08 Mar 2023 09:30:00 GMT</pubDate>
<description>The old bridge reopened to traffic after three months of repairs.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Herald</title><id>urn:hh</id>
<updated>2023-03-09T12:00:00Z</updated>
<entry><title>Ferry strike ends</title><link href="https://harbour.example/ferry"/><id>urn:hh:1</id>
<updated>2023-03-08T12:00:00Z</updated><published>2023-03-08T11:00:00Z</published>
<content type="html">&lt;p&gt;The ferry workers ended their strike after a pay deal was agreed.&lt;/p&gt;</content></entry>
<entry><title>New pier</title><link href="https://harbour.example/pier"/><id>urn:hh:2</id>
<updated>2023-03-09T12:00:00Z</updated>
<summary>Work on the new pier starts next month, the port authority said.</summary></entry>
</feed>"""


@pytest.mark.parametrize(
    "name,content,expected",
    [
        (
            "news.rss",
            RSS,
            [
                (
                    "Storm damages houses",
                    "https://valley.example/storm",
                    "Tue, 07 Mar 2023",
                    "A storm damaged forty houses",
                ),
                ("Bridge reopens", "https://valley.example/bridge", "Wed, 08 Mar 2023", "The old bridge reopened"),
            ],
        ),
        (
            "news.atom",
            ATOM,
            [
                (
                    "Ferry strike ends",
                    "https://harbour.example/ferry",
                    "2023-03-08T11:00:00",
                    "The ferry workers ended",
                ),
                ("New pier", "https://harbour.example/pier", "2023-03-09T12:00:00", "Work on the new pier"),
            ],
        ),
        ("feed.xml", RSS, None),  # .xml is read as a feed too
    ],
)
def test_feeds_give_one_document_per_entry(tmp_path: Path, name: str, content: str, expected: list | None) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    docs = _read([path])
    assert all(isinstance(doc, Document) for doc in docs), docs
    assert [doc.path for doc in docs] == [f"{path}#1", f"{path}#2"]
    assert all(doc.format == "rss" for doc in docs)
    assert len({doc.doc_id for doc in docs}) == 2
    if expected is None:
        return
    outlet = "Valley Gazette" if "Valley" in content else "Harbour Herald"
    for doc, (title, url, published, lead) in zip(docs, expected, strict=True):
        assert doc.hints.title == title
        assert doc.hints.url == url
        assert doc.hints.published is not None and doc.hints.published.startswith(published)
        assert doc.hints.outlet == outlet
        assert doc.raw_text.startswith(lead)
        assert "<" not in doc.raw_text and "alert" not in doc.raw_text


def test_not_a_feed_is_bad_feed(tmp_path: Path) -> None:
    path = tmp_path / "broken.rss"
    path.write_text("<rss><channel><title>nothing here", encoding="utf-8")
    (failure,) = _read([path])
    assert isinstance(failure, Failure) and failure.reason == "bad_feed"
    _one_line_naming(failure, "broken.rss")


def _read_as_nobody(paths: list[Path]) -> list[Document | Failure]:
    """Read ``paths`` in a forked child that dropped root (root reads chmod-000 files regardless)."""
    codecs.lookup("utf-8-sig")  # warm lazy imports while the interpreter's files are still readable
    _read([p for p in paths if p.name.startswith("good")])
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (runs in the child)
        os.close(rfd)
        try:
            os.setgid(65534)
            os.setuid(65534)
            payload = pickle.dumps(_read(paths))
        except Exception as exc:  # noqa: BLE001 (the child reports any error to the parent, never dies silently)
            payload = pickle.dumps(RuntimeError(f"child failed: {exc!r}"))
        with os.fdopen(wfd, "wb") as fh:
            fh.write(payload)
        os._exit(0)
    os.close(wfd)
    with os.fdopen(rfd, "rb") as fh:
        payload = fh.read()
    os.waitpid(pid, 0)
    result = pickle.loads(payload)
    if isinstance(result, Exception):
        raise result
    return result


def test_unreadable_file_fails_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="eventlens-perm-"))
    try:
        os.chmod(folder, 0o755)
        good = folder / "good.txt"
        good.write_text(GOOD_TEXT, encoding="utf-8")
        os.chmod(good, 0o644)
        secret = folder / "secret.txt"
        secret.write_text(GOOD_TEXT + "secret", encoding="utf-8")
        os.chmod(secret, 0o000)
        if os.geteuid() == 0:
            items = _read_as_nobody([good, secret])
        else:
            items = _read([good, secret])
        assert len(items) == 2
        doc, failure = items
        assert isinstance(doc, Document) and doc.raw_text == GOOD_TEXT
        assert isinstance(failure, Failure)
        assert failure.reason == "unreadable"
        assert failure.path == str(secret)
        _one_line_naming(failure, "secret.txt")
    finally:
        os.chmod(secret, 0o644)
        shutil.rmtree(folder)


def test_unlistable_folder_fails_instead_of_vanishing() -> None:
    """A folder that cannot be listed was silently skipped by the walk; it must be a reported failure."""
    folder = Path(tempfile.mkdtemp(prefix="eventlens-perm-"))
    try:
        os.chmod(folder, 0o755)
        good = folder / "good.txt"
        good.write_text(GOOD_TEXT, encoding="utf-8")
        os.chmod(good, 0o644)
        locked = folder / "locked"
        locked.mkdir()
        (locked / "inner.txt").write_text(GOOD_TEXT, encoding="utf-8")
        os.chmod(locked, 0o000)
        items = _read_as_nobody([folder]) if os.geteuid() == 0 else _read([folder])
        assert [type(item).__name__ for item in items] == ["Document", "Failure"]
        failure = items[1]
        assert isinstance(failure, Failure)
        assert (failure.path, failure.reason) == (str(locked), "unreadable")
        _one_line_naming(failure, "locked")
    finally:
        os.chmod(folder / "locked", 0o755)
        shutil.rmtree(folder)
