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
        # the days spent in hospital follow the shooting
        (
            "He spent Sunday in intensive care. He was shot by accident on Saturday while hunting.",
            {"Sunday": "2024-05-05", "Saturday": "2024-05-04"},
            "2024-05-04",
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


def _place(text: str, phrase: str, name: str, precision: PlacePrecision | None, *, admin1: str = "North",
           method: str = "gazetteer:exact", lat: float | None = 10.0, nth: int = 0) -> Place:  # fmt: skip
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Place(
        text=phrase, name=name, admin1=admin1, country="QQ", lat=lat, lon=20.0 if lat is not None else None,
        precision=precision, method=method, start=start, end=start + len(phrase),
    )  # fmt: skip


def _main_place(make_doc: Any, text: str, *places: Place) -> str | None:
    doc = find_incidents(make_doc(text, "2024-05-06", places=tuple(sorted(places, key=lambda p: p.start))), CFG)
    return _main(doc).place.name if _main(doc).place else None


def test_the_town_wins_over_the_hospital_the_street_and_the_county(make_doc: Any) -> None:
    text = "A man was shot on Elm Street in Dunmore in Lake County and taken to Mercy Hospital."
    places = (
        _place(text, "Elm Street", "Elm Street", PlacePrecision.MUNICIPALITY, method="anchor:paragraph:Dunmore:Lake County"),
        _place(text, "Dunmore", "Dunmore", PlacePrecision.TOWN),
        _place(text, "Lake County", "Lake County", PlacePrecision.MUNICIPALITY),
        _place(text, "Mercy Hospital", "Mercy Hospital", PlacePrecision.MUNICIPALITY, method="anchor:paragraph:Dunmore:Lake County"),
    )
    assert _main_place(make_doc, text, *places) == "Dunmore"


def test_the_dateline_town_wins_over_the_region(make_doc: Any) -> None:
    text = "DUNMORE, Nor. (WXYZ) -- A man was shot on Sunday in the north of the state, North police said."
    places = (
        _place(text, "DUNMORE", "Dunmore", PlacePrecision.TOWN),
        _place(text, "Nor.", "North", PlacePrecision.REGION, method="gazetteer:code"),
    )
    assert _main_place(make_doc, text, *places) == "Dunmore"


def test_where_the_victim_lives_is_not_the_scene(make_doc: Any) -> None:
    text = "A student, 20, of Alton was shot dead in Brixby on Sunday."
    places = (_place(text, "Alton", "Alton", PlacePrecision.VILLAGE), _place(text, "Brixby", "Brixby", PlacePrecision.TOWN))
    assert _main_place(make_doc, text, *places) == "Brixby"


def test_a_named_part_of_a_city_counts_for_the_city(make_doc: Any) -> None:
    text = "Three people were shot dead in Dunmore's Eastfield early Sunday."
    places = (
        _place(text, "Dunmore", "Dunmore", PlacePrecision.TOWN),
        _place(text, "Eastfield", "Eastfield", PlacePrecision.TOWN, admin1="South"),
    )
    assert _main_place(make_doc, text, *places) == "Dunmore"


def test_a_town_in_another_region_than_the_one_named_loses_to_the_county(make_doc: Any) -> None:
    text = "A boy was shot in Lake County, North, at a home in Dunmore on Monday."
    places = (
        _place(text, "Lake County", "Lake County", PlacePrecision.MUNICIPALITY),
        _place(text, "North", "North", PlacePrecision.REGION),
        _place(text, "Dunmore", "Dunmore", PlacePrecision.TOWN, admin1="South"),
    )
    assert _main_place(make_doc, text, *places) == "Lake County"


def test_a_landmark_the_scene_is_measured_from_is_not_the_scene(make_doc: Any) -> None:
    text = "The boy was shot in a town about 150 miles northeast of Dunmore, the Lake County sheriff said."
    places = (
        _place(text, "Dunmore", "Dunmore", PlacePrecision.TOWN),
        _place(text, "Lake County", "Lake County", PlacePrecision.MUNICIPALITY),
    )
    assert _main_place(make_doc, text, *places) == "Lake County"
