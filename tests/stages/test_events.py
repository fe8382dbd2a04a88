"""events.rules.v1 on hand-built reports: the main incident's day and place."""

from __future__ import annotations

from typing import Any

import pytest

from eventlens.model import DatePrecision, Document, Place, PlacePrecision, TimeRef
from eventlens.settings import EventsSettings
from eventlens.stages.events import find_incidents

CFG = EventsSettings()


def _times(text: str, days: dict[str, str]) -> tuple[TimeRef, ...]:
    """A TimeRef (day precision) at the first occurrence of each phrase."""
    refs = []
    for phrase, value in days.items():
        start = text.index(phrase)
        refs.append(TimeRef(text=phrase, value=value, precision=DatePrecision.DAY, start=start, end=start + len(phrase)))
    return tuple(sorted(refs, key=lambda r: r.start))


def _main(doc: Document) -> Any:
    (main,) = [m for m in doc.incidents if m.role == "main"]
    return main


@pytest.mark.parametrize(
    "text,days,expected",
    [
        # what police said, and when, is not the incident's day
        (
            "Police said Sunday that a man was shot Saturday night on a porch.",
            {"Sunday": "2024-05-05", "Saturday night": "2024-05-04"},
            "2024-05-04",
        ),
        # the death follows the wound
        (
            "A girl died Saturday of a gunshot wound she suffered Friday at home.",
            {"Saturday": "2024-05-04", "Friday": "2024-05-03"},
            "2024-05-03",
        ),
        # "two weeks ago" dates the other event the cue names
        (
            "Just two weeks ago two classmates were killed in a crash. A boy was shot Friday night.",
            {"two weeks ago": "2024-04-22", "Friday night": "2024-05-03"},
            "2024-05-03",
        ),
        # no event sentence states a day: a sentence that retells nothing does
        (
            "A teenager was shot by another hunter. She was in a field on Sunday morning.",
            {"Sunday morning": "2024-05-05"},
            "2024-05-05",
        ),
    ],
)
def test_main_day(make_doc: Any, text: str, days: dict[str, str], expected: str) -> None:
    doc = find_incidents(make_doc(text, "2024-05-06", times=_times(text, days)), CFG)
    assert (_main(doc).date, _main(doc).date_precision) == (expected, DatePrecision.DAY)


def test_no_stated_day_stays_unknown(make_doc: Any) -> None:
    doc = find_incidents(make_doc("A child was shot overnight, police said.", "2024-05-06"), CFG)
    assert _main(doc).date is None


def test_later_days_of_the_story_stay_main(make_doc: Any) -> None:
    """The shooting on Saturday and the arrest on Monday are one story, not a background event."""
    text = "A man was shot and killed Saturday afternoon. Officers arrested a suspect Monday after the shooting."
    doc = find_incidents(
        make_doc(text, "2024-05-06", times=_times(text, {"Saturday afternoon": "2024-05-04", "Monday": "2024-05-06"})),
        CFG,
    )
    assert _main(doc).date == "2024-05-04"
    assert len(_main(doc).sentences) == 2
    assert [m.role for m in doc.incidents] == ["main"]
