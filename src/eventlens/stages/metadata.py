"""Publication date, title, outlet and credited sources, field by field in a stated order.

Each field takes the first rung that answers; unknown stays None, and a date keeps the precision its
source gives (a copyright line gives a year, never a day).

- published: container field (JSONL ``published``, RSS, HTML meta) > ``date YYYY-MM-DD`` header >
  copyright line year.
- title: container field > the first line of the text when it reads as a headline.
- outlet: container field > copyright holder > URL host > a credit line ("reported by X").
"""

from __future__ import annotations

import email.utils
import re
from datetime import datetime
from urllib.parse import urlsplit

from ..model import Document, PartialDate
from ..registry import stage
from ..settings import MetadataSettings

__all__ = ["extract_metadata", "parse_published"]

_HEADER_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_COPYRIGHT_MARK = re.compile(r"\(c\)|©|copyright|all rights reserved\.?", re.IGNORECASE)
_CREDIT = re.compile(
    r"\b(?:reported|published|first appeared|written) (?:by|in|on)\s+(?:the\s+)?"
    r"([A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,4})",
)
_SENTENCE_END = re.compile(r"[.!?;:]\s*$")


def parse_published(value: str | None, source: str) -> PartialDate | None:
    """Parse an ISO date/datetime, an RFC 2822 date or a bare year; None when it cannot be read."""
    if not value:
        return None
    text = value.strip()
    if year_month := re.fullmatch(r"(\d{4})(?:-(\d{2}))?", text):
        year, month = int(year_month[1]), int(year_month[2]) if year_month[2] else None
        if year < 1 or (month is not None and not 1 <= month <= 12):
            return None  # '0000' or '2023-13' is unreadable, not a reason to fail the document
        return PartialDate(year=year, month=month, source=source)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return PartialDate(year=moment.year, month=moment.month, day=moment.day, source=source)


def _published(doc: Document) -> PartialDate | None:
    hint_source = {"html": "html_meta", "rss": "feed"}.get(doc.format, "field")
    found = parse_published(doc.hints.published, hint_source)
    if found:
        return found
    for span in doc.removed:
        if span.reason == "date_header" and (match := _HEADER_DATE.search(span.text)):
            year, month, day = (int(g) for g in match.groups())
            try:
                datetime(year, month, day)
            except ValueError:
                continue
            return PartialDate(year=year, month=month, day=day, source="header")
    for span in doc.removed:
        if span.reason == "copyright" and (match := _YEAR.search(span.text)):
            return PartialDate(year=int(match.group(1)), source="copyright")
    return None


def _copyright_holder(doc: Document) -> str | None:
    for span in doc.removed:
        if span.reason != "copyright":
            continue
        holder = _COPYRIGHT_MARK.sub(" ", span.text)
        holder = re.sub(r"\b\d{4}(?:\s*[-–]\s*\d{4})?\b", " ", holder)
        holder = " ".join(holder.strip(" .,;:-–|").split())
        if holder and len(holder) <= 60:
            return holder
    return None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname
    if not host:
        return None
    return host.removeprefix("www.")


def _credited(text: str) -> tuple[str, ...]:
    names = []
    for match in _CREDIT.finditer(text):
        name = match.group(1).rstrip(".")
        if name not in names:
            names.append(name)
    return tuple(names)


def _title(doc: Document, cfg: MetadataSettings) -> str | None:
    if doc.hints.title:
        return doc.hints.title
    first, _, rest = doc.text.partition("\n")
    first = first.strip()
    if not rest.strip() or not first or len(first) > cfg.title_max_chars:
        return None
    if _SENTENCE_END.search(first) and not first.endswith("?"):
        return None
    return first


@stage(
    "metadata.rules.v1",
    slot="metadata",
    requires=("text", "removed", "hints"),
    assigns=("title", "url", "outlet", "outlet_source", "credited", "published"),
    section="metadata",
)
def extract_metadata(doc: Document, cfg: MetadataSettings) -> Document:
    """Fill title, url, outlet (with where it came from), credited sources and the publication date."""
    credited = _credited(doc.text)
    rungs = (
        ("field", doc.hints.outlet),
        ("copyright", _copyright_holder(doc)),
        ("url", _host(doc.hints.url)),
        ("credit_line", credited[0] if credited else None),
    )
    outlet_source, outlet = next(((source, value) for source, value in rungs if value), (None, None))
    return doc.model_copy(
        update={
            "title": _title(doc, cfg),
            "url": doc.hints.url,
            "outlet": outlet,
            "outlet_source": outlet_source,
            "credited": credited,
            "published": _published(doc),
        }
    )
