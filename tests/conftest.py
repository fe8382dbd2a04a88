"""Shared fixtures: ``make_doc`` builds Documents directly (not through earlier stages), and the
``--update-golden`` option rewrites the files under ``tests/golden/`` instead of comparing with them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eventlens.io.readers import doc_id_for
from eventlens.model import Document, PartialDate, RemovedSpan, SourceHints

GOLDEN = Path(__file__).parent / "golden"
REPO = Path(__file__).parent.parent
EXAMPLES = REPO / "examples" / "kosovo-2023"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", default=False, help="Rewrite tests/golden/ from the current outputs."
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def golden(update_golden: bool) -> Callable[[str, Any], None]:
    """``golden(name, data)``: compare ``data`` with ``tests/golden/name`` (JSON), or rewrite it."""

    def check(name: str, data: Any) -> None:
        path = GOLDEN / name
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if update_golden:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"{path} is missing; run pytest --update-golden and review the diff")
        assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text), (
            f"{path} differs from the current output; run pytest --update-golden and review the diff"
        )

    return check


MakeDoc = Callable[..., Document]


@pytest.fixture
def make_doc() -> MakeDoc:
    """Build a Document directly: ``make_doc(text, published=None, **fields)``.

    ``text`` is used as both raw and cleaned text unless ``raw_text`` is given; ``published`` takes a
    PartialDate or an ISO string ('2022', '2023-09', '2023-09-24'); ``hints`` takes a dict or SourceHints;
    ``removed`` takes RemovedSpans or ``(reason, text)`` pairs (placed at raw offset 0).
    """

    def build(
        text: str,
        published: PartialDate | str | None = None,
        *,
        raw_text: str | None = None,
        hints: SourceHints | dict[str, Any] | None = None,
        removed: tuple[RemovedSpan | tuple[str, str], ...] = (),
        path: str = "doc.txt",
        format: str = "txt",
        **fields: Any,
    ) -> Document:
        if isinstance(published, str):
            parts = [int(p) for p in published.split("-")]
            published = PartialDate(
                year=parts[0],
                month=parts[1] if len(parts) > 1 else None,
                day=parts[2] if len(parts) > 2 else None,
                source="test",
            )
        if isinstance(hints, dict):
            hints = SourceHints(**hints)
        spans = tuple(
            span
            if isinstance(span, RemovedSpan)
            else RemovedSpan(start=0, end=len(span[1]), reason=span[0], text=span[1])
            for span in removed
        )
        raw = text if raw_text is None else raw_text
        return Document(
            doc_id=fields.pop("doc_id", doc_id_for(raw.encode("utf-8"))),
            path=path,
            format=format,
            raw_text=raw,
            text=text,
            hints=hints or SourceHints(),
            removed=spans,
            published=published,
            **fields,
        )

    return build
