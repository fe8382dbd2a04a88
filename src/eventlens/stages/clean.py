"""Clean a report's text: drop navigation, duplicate headlines and captions, media stubs, copyright
lines and reader comments, and keep a map from cleaned offsets to raw offsets plus every removed span
with its reason.

The cleaner works on lines. Each rule marks whole lines (or a line's head or tail) as removed; the
kept pieces are copied verbatim into ``Document.text`` and recorded as ``Segment`` runs, so every
character of the cleaned text maps back to the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from ..model import Document, RemovedSpan, Segment
from ..registry import stage
from ..settings import CleanSettings

__all__ = ["clean_text", "clean_document"]

# Rules are data: every pattern below is a general marker of page furniture, not of one site.
_DATE_HEADER = re.compile(r"^\s*date\s+\d{4}-\d{2}-\d{2}\b\s*", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^\s*(?:\(c\)|©|copyright\b|all rights reserved)", re.IGNORECASE)
_COMMENT_FORM = re.compile(
    r"^\s*(?:leave a (?:reply|comment)|post a comment|add (?:a )?comment|write a comment"
    r"|you are commenting using|fill in your details below|this site uses akismet"
    r"|notify me of (?:new|follow-up)|cancel reply|connecting to %s|\d+\s+(?:comments?|responses?|replies)\s*$"
    r"|(?:reader\s+)?comments?(?:\s*\(\d+\))?\s*:?\s*$"
    r"|comments? (?:are )?closed)",
    re.IGNORECASE,
)
_COMMENT_WIDGET = re.compile(r"^\s*(?:liked by \d+ (?:person|people)|reply\s*$)", re.IGNORECASE)
# "Jane Roe says:" heads a comment, but news prose says it too ("the governor says:" before a quote), so a
# byline never starts the comment section itself: it only extends one back from the widget closing the comment.
_COMMENT_BYLINE = re.compile(r"^\s*\S.*\bsays:\s*$", re.IGNORECASE)
_BYLINE_WINDOW = 5  # lines of comment body between a byline and its widget
_ENUMERATED = re.compile(r"^\s*\d{1,3}\.\s+\S")
# A heading of a list of other articles' headlines ("Related posts", "Latest news", "Also Read", "More on
# Americas:"); the headlines below it, or after it on the same line between "|", are page furniture, whose
# tolls and places would otherwise be read as the article's (multisource dev: 4 of 34 pages).
_LIST_HEADING = re.compile(
    r"^\s*(?:related(?:\s+(?:posts|articles|news|stories|content|coverage))?|latest(?:\s+(?:news|stories|posts|articles))?|"
    r"most\s+(?:read|viewed|popular|shared)|(?:also\s+)?read\s+(?:also|more|next)|also\s+read|see\s+also|more\s+news|"
    r"more\s+(?:from|on|in)\s+[\w\s&-]{1,30}?(?=\s*:)|top\s+stories|trending(?:\s+now)?|popular(?:\s+now)?|recommended(?:\s+for\s+you)?|"
    r"you\s+may\s+also\s+like|you\s+might\s+also\s+like|in\s+other\s+news|other\s+news|editor['’]s\s+picks?)\s*(?P<colon>:)?\s*",
    re.IGNORECASE,
)
_LIST_ITEM_WORDS = 20  # a headline has 3 to 20 words ("Share", "Tags" under "Most read" are labels)
_CAPTION = re.compile(
    r"(?:^\s*(?:photo|image|picture|foto|video)\s*(?::|by\b|credit\b))"
    r"|(?:\s[/|]\s*(?:photo|image|foto|video|screenshot)s?\b[^.!?]{0,60}$)",
    re.IGNORECASE,
)
_MEDIA_WORDS = r"(?:photos?|videos?)"
_MEDIA_ONLY = re.compile(rf"^\s*{_MEDIA_WORDS}\s*$", re.IGNORECASE)
_MEDIA_TAIL = re.compile(rf"\s+{_MEDIA_WORDS}\s*$", re.IGNORECASE)
# Shorter prefixes of a neighbouring line are usually a heading its paragraph repeats, not a cut headline.
_MIN_TRUNCATED_WORDS = 6
_SENTENCE_END = re.compile(r"[.!?…:;\"”’»)。、！？」』]\s*$")
# Labels that are navigation wherever they stand at the edge of a text.
_NAV_LABELS = frozenset(
    {
        "advertisement",
        "breaking news",
        "flash news",
        "home",
        "latest",
        "latest news",
        "menu",
        "more news",
        "most read",
        "news",
        "read also",
        "read more",
        "related",
        "related articles",
        "related news",
        "share",
        "share this",
        "subscribe",
        "tags",
        "top stories",
        "trending",
    }
)


@dataclass(slots=True)
class _Line:
    start: int  # raw offset of the first character
    end: int  # raw offset after the last character (newline excluded)
    text: str
    removed: str | None = None  # reason, when the whole line goes
    cut_head: int = 0  # characters removed from the start
    cut_tail: int = 0  # characters removed from the end
    head_reason: str | None = None
    tail_reason: str | None = None

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def kept(self) -> bool:
        return self.removed is None and not self.blank

    @property
    def body(self) -> str:
        return self.text[self.cut_head : len(self.text) - self.cut_tail].strip()


@dataclass(frozen=True, slots=True)
class CleanedText:
    """The result of cleaning one raw text."""

    text: str
    segments: tuple[Segment, ...]
    removed: tuple[RemovedSpan, ...]


def clean_text(raw: str, cfg: CleanSettings | None = None) -> CleanedText:
    """Clean ``raw`` and return the cleaned text, its offset map and the removed spans."""
    cfg = cfg or CleanSettings()
    lines = _split_lines(raw)
    _mark_date_header(lines)
    _mark_copyright(lines)
    _mark_comments(lines)
    _mark_headline_lists(lines)
    _mark_captions_and_duplicates(lines)
    _mark_media_stubs(lines)
    _mark_edge_labels(lines, cfg.max_label_words)
    return _assemble(raw, lines)


def _split_lines(raw: str) -> list[_Line]:
    lines, pos = [], 0
    for part in raw.split("\n"):
        lines.append(_Line(pos, pos + len(part), part))
        pos += len(part) + 1
    return lines


def _kept(lines: list[_Line]) -> list[_Line]:
    return [line for line in lines if line.kept]


def _words(text: str) -> list[str]:
    return text.split()


def _mark_date_header(lines: list[_Line]) -> None:
    """A leading ' date YYYY-MM-DD' header is metadata, not content (the metadata stage reads it)."""
    first = next((line for line in lines if not line.blank), None)
    if first is None:
        return
    match = _DATE_HEADER.match(first.text)
    if match:
        if match.end() >= len(first.text.rstrip()):
            first.removed = "date_header"
        else:
            first.cut_head, first.head_reason = match.end(), "date_header"


def _mark_copyright(lines: list[_Line]) -> None:
    for line in _kept(lines):
        # Longer lines starting with a copyright sign are often licence prose the article keeps.
        if _COPYRIGHT.match(line.text) and len(line.text) <= 80:
            line.removed = "copyright"


def _mark_comments(lines: list[_Line]) -> None:
    """Cut the reader-comment section: from the first comment form or widget, back over the comments above it."""
    kept = _kept(lines)
    total = sum(len(line.text) for line in kept) or 1
    seen = 0
    for index, line in enumerate(kept):
        is_form, is_widget = bool(_COMMENT_FORM.match(line.text)), bool(_COMMENT_WIDGET.match(line.text))
        if not (is_form or is_widget):
            seen += len(line.text)
            continue
        if seen / total < 0.3:
            # A "Leave a comment" link near the top of a post is a label, not the start of the thread.
            if is_form:
                line.removed = "comment_form"
            continue
        start = index
        # A widget line ("Liked by 1 person", "Reply") closes a comment: the paragraph above is its body (from
        # its byline, when one is near), and numbered comments or widgets above that belong to the same thread.
        if is_widget and start > 0:
            bylines = [j for j in range(max(0, index - _BYLINE_WINDOW), index) if _COMMENT_BYLINE.match(kept[j].text)]
            start = bylines[-1] if bylines else start - 1
        while start > 0 and (_ENUMERATED.match(kept[start - 1].text) or _COMMENT_WIDGET.match(kept[start - 1].text)):
            start -= 1
        for doomed in kept[start:]:
            doomed.removed = "comments"
        return


def _is_headline(text: str) -> bool:
    body = text.strip()
    return 3 <= len(_words(body)) <= _LIST_ITEM_WORDS and not _SENTENCE_END.search(body)


def _mark_headline_lists(lines: list[_Line]) -> None:
    """A list heading and the headlines under it (up to the first line that is no headline, one blank line
    allowed after the heading), or a heading with its headlines on one line ("Latest news: A | B | C")."""
    index = 0
    while index < len(lines):
        line = lines[index]
        heading = _LIST_HEADING.match(line.text) if line.kept else None
        if heading is None:
            index += 1
            continue
        rest = line.text[heading.end() :]
        if rest.strip():
            if heading.group("colon") and all(_is_headline(part) for part in rest.split("|")):
                line.removed = "headline_list"
            index += 1
            continue
        items: list[_Line] = []
        cursor = index + 1
        if cursor < len(lines) and lines[cursor].blank:
            cursor += 1
        while cursor < len(lines) and lines[cursor].kept and _is_headline(lines[cursor].text):
            items.append(lines[cursor])
            cursor += 1
        if items:
            for doomed in (line, *items):
                doomed.removed = "headline_list"
        index = cursor if items else index + 1


def _mark_captions_and_duplicates(lines: list[_Line]) -> None:
    kept = _kept(lines)
    norms = [" ".join(_words(line.text)) for line in kept]
    folded = [norm.casefold() for norm in norms]
    for index, line in enumerate(kept):
        # A line repeating one of the two lines before it is a doubled caption or headline. Repeats
        # further apart are kept: on the extraction eval they are list items, recipe steps and FAQ
        # headings the article really repeats (removing all repeats cost 0.4 F1 points on 6 pages).
        if folded[index] in folded[max(0, index - 2) : index]:
            line.removed = "caption_duplicate" if _CAPTION.search(line.text) else "duplicate_line"
        elif _CAPTION.search(line.text) and len(_words(line.text)) <= 40:
            line.removed = "caption"
    # A truncated copy of a neighbouring line (a headline cut short by the page) goes.
    survivors = [(line, norm) for line, norm in zip(kept, norms) if line.removed is None]
    for index, (line, norm) in enumerate(survivors):
        if norm.count(" ") + 1 < _MIN_TRUNCATED_WORDS:
            continue
        for other, longer in survivors[max(0, index - 3) : index + 4]:
            if other is line or other.removed:
                continue
            if len(longer) > len(norm) and longer.startswith(norm):
                line.removed = "truncated_duplicate"
                break


def _mark_media_stubs(lines: list[_Line]) -> None:
    for line in _kept(lines):
        if _MEDIA_ONLY.match(line.text):
            line.removed = "media_stub"
            continue
        if _SENTENCE_END.search(line.text):
            continue
        match = _MEDIA_TAIL.search(line.text)
        if match and len(_words(line.text)) > 3:
            line.cut_tail, line.tail_reason = len(line.text) - match.start(), "media_stub"


def _is_label(line: _Line, max_words: int) -> bool:
    body = line.body
    return (
        0 < len(_words(body)) <= max_words
        and len(body) <= 40
        and not _SENTENCE_END.search(body)
        and not any(ch.isdigit() for ch in body)
    )


def _mark_edge_labels(lines: list[_Line], max_words: int) -> None:
    """Navigation and section labels at the top and bottom of a text."""
    kept = _kept(lines)
    # Top: a run of short labels counts as navigation when a headline-like line follows it, or when
    # the label is a known navigation word; a short line straight before the body is a headline.
    run = []
    for line in kept:
        if not _is_label(line, max_words):
            break
        run.append(line)
    following = kept[len(run)] if len(run) < len(kept) else None
    headline_follows = following is not None and not _SENTENCE_END.search(following.body)
    for line in run:
        if headline_follows or line.body.casefold() in _NAV_LABELS:
            line.removed = "navigation"
    # Bottom: short label lines after the last sentence are navigation.
    for line in reversed(_kept(lines)):
        if _is_label(line, max_words + 1) or line.body.casefold() in _NAV_LABELS:
            line.removed = "navigation"
        else:
            break


def _assemble(raw: str, lines: list[_Line]) -> CleanedText:
    pieces: list[str] = []
    segments: list[Segment] = []
    removed: list[RemovedSpan] = []
    length = 0
    gap = False  # a blank or removed line since the last kept piece: a paragraph break
    for line in lines:
        if line.removed is not None:
            head = line.cut_head if line.head_reason == "date_header" else 0
            if head:  # " date 2025-09-14 Skip to content": the header stays readable for the metadata stage
                removed.append(RemovedSpan(start=line.start, end=line.start + head, reason="date_header", text=line.text[:head]))
            if not line.blank and line.text[head:].strip():
                removed.append(RemovedSpan(start=line.start + head, end=line.end, reason=line.removed, text=line.text[head:]))
            gap = True
            continue
        if line.blank:
            gap = True
            continue
        if line.cut_head:
            removed.append(
                RemovedSpan(
                    start=line.start,
                    end=line.start + line.cut_head,
                    reason=line.head_reason or "cut",
                    text=line.text[: line.cut_head],
                )
            )
        if line.cut_tail:
            tail_start = line.end - line.cut_tail
            removed.append(
                RemovedSpan(start=tail_start, end=line.end, reason=line.tail_reason or "cut", text=line.text[-line.cut_tail :])
            )
        inner = line.text[line.cut_head : len(line.text) - line.cut_tail]
        lead = len(inner) - len(inner.lstrip())
        body = inner.strip()
        if not body:
            continue
        if pieces:
            sep = "\n\n" if gap else "\n"
            pieces.append(sep)
            length += len(sep)
        segments.append(Segment(clean=length, raw=line.start + line.cut_head + lead, length=len(body)))
        pieces.append(body)
        length += len(body)
        gap = False
    text = "".join(pieces)
    return CleanedText(text=text, segments=tuple(segments), removed=tuple(removed))


@stage(
    "clean.rules.v1",
    slot="clean",
    requires=("raw_text",),
    assigns=("text", "segments", "removed"),
    section="clean",
)
def clean_document(doc: Document, cfg: CleanSettings) -> Document:
    """Clean ``doc.raw_text`` into ``doc.text``, with the offset map and the removed spans."""
    cleaned = clean_text(doc.raw_text, cfg)
    if len(cleaned.text) < cfg.min_text_chars:
        raise InputError(
            doc.path, "no_content", f"only {len(cleaned.text)} characters left after cleaning (clean.min_text_chars={cfg.min_text_chars})"
        )
    return doc.model_copy(update={"text": cleaned.text, "segments": cleaned.segments, "removed": cleaned.removed})
