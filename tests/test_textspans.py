"""Sentence boundaries and Coverage (overlap tests against the spans already taken)."""

from __future__ import annotations

import pytest

from eventlens.textspans import Coverage, sentence_spans


def test_overlaps_only_where_a_span_covers_a_character() -> None:
    covered = Coverage(20, [(2, 5)])
    covered.add(10, 12)
    assert covered.overlaps(4, 8) and covered.overlaps(0, 3) and covered.overlaps(11, 30)
    assert not covered.overlaps(5, 10)  # ends are exclusive
    assert not covered.overlaps(12, 20)
    covered.add(7, 7)  # an empty span covers nothing
    assert not covered.overlaps(7, 8)


@pytest.mark.issue(8)
def test_sentences_split_at_final_punctuation_but_not_after_initials_or_abbreviations() -> None:
    text = "Title line\nMr. Smith met Gen. J. Lee in the U.S. Army base. Three were killed. \"Why?\" he asked."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Title line",
        "Mr. Smith met Gen. J. Lee in the U.S. Army base.",
        "Three were killed.",
        '"Why?" he asked.',
    ]
