"""Coverage: overlap tests against the spans already taken."""

from __future__ import annotations

from eventlens.textspans import Coverage


def test_overlaps_only_where_a_span_covers_a_character() -> None:
    covered = Coverage(20, [(2, 5)])
    covered.add(10, 12)
    assert covered.overlaps(4, 8) and covered.overlaps(0, 3) and covered.overlaps(11, 30)
    assert not covered.overlaps(5, 10)  # ends are exclusive
    assert not covered.overlaps(12, 20)
    covered.add(7, 7)  # an empty span covers nothing
    assert not covered.overlaps(7, 8)
