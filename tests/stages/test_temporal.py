"""Time stage: time expressions found in the text and resolved against the publication date.

Unknown stays None: a year is never invented, a weekday without a publication day stays a weekday,
and nothing resolves after the publication date unless the text says it is in the future.
"""

from __future__ import annotations

from datetime import date

import pytest

from eventlens.model import DatePrecision, Document, PartialDate, TimeRef
from eventlens.pipeline import Pipeline
from eventlens.registry import get_stage
from eventlens.settings import Settings, TemporalSettings
from eventlens.stages.temporal import find_times, resolve_times

CFG = TemporalSettings()
# 2021-06-10 is a Thursday; 2021-06-14 a Monday.
THURSDAY = "2021-06-10"


def published(iso: str | None) -> PartialDate | None:
    if iso is None:
        return None
    parts = [int(p) for p in iso.split("-")]
    return PartialDate(
        year=parts[0],
        month=parts[1] if len(parts) > 1 else None,
        day=parts[2] if len(parts) > 2 else None,
        source="test",
    )


def make(text: str, pub: str | None = THURSDAY) -> Document:
    return Document(doc_id="t", path="t", format="txt", raw_text=text, text=text, published=published(pub))


def times(text: str, pub: str | None = THURSDAY) -> list[TimeRef]:
    found = resolve_times(make(text, pub), CFG).times
    for ref in found:
        assert text[ref.start : ref.end] == ref.text
    return list(found)


def only(text: str, pub: str | None = THURSDAY) -> TimeRef:
    found = times(text, pub)
    assert len(found) == 1, found
    return found[0]


# --- absolute dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expr",
    [
        ("The dam failed on 12 March 2019 after heavy rain.", "12 March 2019"),
        ("The dam failed on March 12, 2019 after heavy rain.", "March 12, 2019"),
        ("The dam failed on Mar. 12th, 2019 after heavy rain.", "Mar. 12th, 2019"),
        ("The dam failed on the 12th of March 2019 after heavy rain.", "the 12th of March 2019"),
        ("The dam failed on 2019-03-12 after heavy rain.", "2019-03-12"),
        ("The dam failed on 12.03.2019 after heavy rain.", "12.03.2019"),
        ("The dam failed on 3/12/2019 after heavy rain.", "3/12/2019"),
        ("The dam failed on 2019/03/12 after heavy rain.", "2019/03/12"),
        ("The dam failed on 2019.3.12 after heavy rain.", "2019.3.12"),
        ("The dam failed on 03-12-2019 after heavy rain.", "03-12-2019"),  # March 20 publication: not 3 December
        ("The dam failed on 12 Mar. 2019 after heavy rain.", "12 Mar. 2019"),
    ],
)
def test_dates_with_a_year(text: str, expr: str) -> None:
    ref = only(text, "2019-03-20")
    assert (ref.text, ref.value, ref.precision) == (expr, "2019-03-12", DatePrecision.DAY)


@pytest.mark.parametrize(
    "text,pub,value",
    [
        ("Filed on 6/28/2015 by the clerk.", None, "2015-06-28"),  # only month/day is valid
        ("Filed on 28/6/2015 by the clerk.", None, "2015-06-28"),  # only day/month is valid
        ("Filed on 3/4/2021 by the clerk.", "2021-03-10", "2021-03-04"),  # April 3 is after publication
        ("Filed on 3/4/2021 by the clerk.", THURSDAY, None),  # both orders possible: unknown
        ("Filed on 3/4/2021 by the clerk.", None, None),
    ],
)
def test_slashed_dates_take_the_only_possible_reading(text: str, pub: str | None, value: str | None) -> None:
    assert only(text, pub).value == value


@pytest.mark.parametrize(
    "text,value",
    [
        ("Protesters gathered on March 3 outside the ministry.", "2021-03-03"),
        ("Protesters gathered on 3 March outside the ministry.", "2021-03-03"),
        ("Protesters gathered on August 1 outside the ministry.", "2020-08-01"),  # not after publication
        ("Protesters gathered on June 10 outside the ministry.", "2021-06-10"),  # the publication day itself
    ],
)
def test_year_inferred_as_latest_not_after_publication(text: str, value: str) -> None:
    assert only(text).value == value


@pytest.mark.parametrize(
    "text,expr",
    [
        ("Protesters gathered on 3 Mar. outside the ministry.", "3 Mar."),
        ("Protesters gathered on March the 3rd outside the ministry.", "March the 3rd"),
    ],
)
def test_other_day_and_month_forms(text: str, expr: str) -> None:
    ref = only(text)
    assert (ref.text, ref.value) == (expr, "2021-03-03")


@pytest.mark.parametrize(
    "text",
    [
        "The vote was 3-1-2 in committee.",
        "He met Jan at the station.",
        "Call 1-800-555-2016 for tickets.",
    ],
)
def test_numbers_and_names_that_are_not_dates(text: str) -> None:
    assert [ref for ref in times(text) if ref.value is not None] == []


def test_year_rolls_back_over_new_year() -> None:
    ref = only("The convoy was stopped on December 30 near the border.", "2024-01-02")
    assert (ref.value, ref.precision) == ("2023-12-30", DatePrecision.DAY)


@pytest.mark.parametrize("pub", [None, "2021"])
def test_day_and_month_without_a_knowable_year_stay_unknown(pub: str | None) -> None:
    ref = only("The convoy was stopped on December 30 near the border.", pub)
    assert (ref.text, ref.value, ref.precision) == ("December 30", None, DatePrecision.DAY)


@pytest.mark.parametrize("pub", ["2021", "2022"])
def test_weekday_picks_the_year_when_only_the_year_is_known(pub: str) -> None:
    # March 2 was a Tuesday in 2021 and a Wednesday in 2022.
    ref = only("Shots were heard on Tuesday, March 2 in the old town.", pub)
    assert (ref.value, ref.weekday) == ("2021-03-02", 1)


def test_weekday_and_date_without_publication_date_stay_unknown() -> None:
    ref = only("Shots were heard on Tuesday, March 2 in the old town.", None)
    assert (ref.value, ref.precision, ref.weekday) == (None, DatePrecision.DAY, 1)


def test_stated_numbers_win_over_a_contradicting_weekday() -> None:
    ref = only("Shots were heard on Monday, March 2, 2021 in the old town.", None)
    assert (ref.value, ref.weekday) == ("2021-03-02", 0)


@pytest.mark.parametrize(
    "text,pub,value,precision",
    [
        ("Fighting resumed in May around the airport.", THURSDAY, "2021-05", DatePrecision.MONTH),
        ("Fighting resumed in May around the airport.", "2021-03-01", "2020-05", DatePrecision.MONTH),
        ("Fighting resumed in May around the airport.", None, None, DatePrecision.MONTH),
        ("Fighting resumed in May 2019 around the airport.", None, "2019-05", DatePrecision.MONTH),
        ("Fighting resumed last May around the airport.", "2021-05-20", "2020-05", DatePrecision.MONTH),
        ("The province declared autonomy in 2008.", None, "2008", DatePrecision.YEAR),
        ("Veterans of the 1991-1995 war marched.", None, "1991", DatePrecision.YEAR),
    ],
)
def test_months_and_years(text: str, pub: str | None, value: str | None, precision: DatePrecision) -> None:
    ref = only(text, pub)
    assert (ref.value, ref.precision) == (value, precision)


@pytest.mark.parametrize(
    "text",
    [
        "Officials may close the road if the water rises.",
        "Thousands march through the capital every spring.",
        "Crime fell sharply in the 1990s.",
    ],
)
def test_words_that_look_like_dates_are_not(text: str) -> None:
    assert times(text) == []


@pytest.mark.parametrize(
    "text,pub,value",
    [
        ("Fireworks were seized on Christmas Eve in the port.", "2021-12-28", "2021-12-24"),
        ("Fireworks were seized on Easter Sunday in the port.", "2021-04-10", "2021-04-04"),
        ("Fireworks were seized on the Fourth of July in the port.", "2021-07-06", "2021-07-04"),
        ("The family is planning a funeral just days before Christmas.", "2021-12-20", "2021-12-25"),
    ],
)
def test_holidays(text: str, pub: str, value: str) -> None:
    found = [ref for ref in times(text, pub) if ref.precision is DatePrecision.DAY and ref.value is not None]
    assert [ref.value for ref in found] == [value]


# --- weekdays -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expr,value",
    [
        ("A bridge collapsed on Monday in the north.", "Monday", "2021-06-07"),
        ("Monday's collapse closed the bridge.", "Monday", "2021-06-07"),
        ("The bridge collapsed Thursday, officials said.", "Thursday", "2021-06-10"),  # same day allowed
        ("The bridge collapsed last Thursday, officials said.", "last Thursday", "2021-06-03"),
        ("The bridge collapsed on Saturday night, officials said.", "Saturday night", "2021-06-05"),
        ("The bridge collapsed early Sunday morning, officials said.", "Sunday morning", "2021-06-06"),
    ],
)
def test_weekday_is_the_latest_on_or_before_publication(text: str, expr: str, value: str) -> None:
    ref = only(text)
    assert (ref.text, ref.value, ref.precision) == (expr, value, DatePrecision.DAY)


@pytest.mark.parametrize("pub", [None, "2021", "2021-06"])
def test_weekday_without_a_publication_day_stays_a_weekday(pub: str | None) -> None:
    ref = only("Sunday's riots left the square empty.", pub)
    assert (ref.text, ref.value, ref.precision, ref.weekday) == ("Sunday", None, DatePrecision.WEEKDAY, 6)


@pytest.mark.parametrize(
    "text,expr,value",
    [
        ("Shots were fired on the 6th near the port.", "the 6th", "2021-06-06"),
        ("Shots were fired on the night of the 6th near the port.", "the 6th", "2021-06-06"),
        ("Shots were fired in the early hours of the 6th near the port.", "the 6th", "2021-06-06"),
        ("Shots were fired late on Sunday the 6th near the port.", "Sunday the 6th", "2021-06-06"),
        ("Shots were fired on the 12th near the port.", "the 12th", "2021-05-12"),  # not after publication
    ],
)
def test_day_of_the_month_alone(text: str, expr: str, value: str) -> None:
    ref = only(text)
    assert (ref.text, ref.value, ref.precision) == (expr, value, DatePrecision.DAY)


@pytest.mark.parametrize(
    "text",
    [
        "The office is on the 6th floor of the tower.",
        "The shop is on the 6th Street corner.",
        "They marched on the 6th anniversary of the war.",
    ],
)
def test_ordinals_that_are_not_days(text: str) -> None:
    assert times(text) == []


def test_weekday_with_a_day_of_the_month_keeps_the_weekday() -> None:
    ref = only("Shots were fired on Sunday, the 6th near the port.")
    assert (ref.value, ref.weekday) == ("2021-06-06", 6)


def test_a_week_ago_weekday() -> None:
    # Published Thursday 2021-06-10: the latest Saturday is June 5, a week before it May 29.
    ref = only("The convoy was stopped a week ago Saturday near the border.")
    assert (ref.text, ref.value, ref.weekday) == ("a week ago Saturday", "2021-05-29", 5)


def test_parenthesised_day_confirms_the_weekday() -> None:
    ref = only("Gunmen opened fire this Sunday morning (13) near the market.", "2021-06-14")
    assert (ref.text, ref.value, ref.weekday) == ("this Sunday morning (13)", "2021-06-13", 6)


def test_parenthesised_day_places_the_weekday_in_a_known_month() -> None:
    assert only("Gunmen opened fire this Sunday (13) near the market.", "2021-06").value == "2021-06-13"


def test_parenthesised_day_that_contradicts_the_weekday_leaves_it_unresolved() -> None:
    ref = only("Gunmen opened fire this Sunday (12) near the market.", "2021-06-14")
    assert (ref.value, ref.precision, ref.weekday) == (None, DatePrecision.WEEKDAY, 6)


# --- relative expressions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value,precision",
    [
        ("The strike began yesterday at the port.", "2021-06-09", DatePrecision.DAY),
        ("The strike began today at the port.", "2021-06-10", DatePrecision.DAY),
        ("The strike began this morning at the port.", "2021-06-10", DatePrecision.DAY),
        ("The strike began last night at the port.", "2021-06-09", DatePrecision.DAY),
        ("The strike began two days ago at the port.", "2021-06-08", DatePrecision.DAY),
        ("The strike began the day before yesterday at the port.", "2021-06-08", DatePrecision.DAY),
        ("The strike began three weeks ago at the port.", "2021-05-20", DatePrecision.DAY),
        ("The strike began last month at the port.", "2021-05", DatePrecision.MONTH),
        ("The strike began two years ago at the port.", "2019", DatePrecision.YEAR),
    ],
)
def test_relative_to_publication(text: str, value: str, precision: DatePrecision) -> None:
    ref = only(text)
    assert (ref.value, ref.precision) == (value, precision)


@pytest.mark.parametrize("pub", [None, "2021-06"])
def test_relative_day_needs_a_publication_day(pub: str | None) -> None:
    ref = only("The strike began yesterday at the port.", pub)
    assert (ref.text, ref.value, ref.precision) == ("yesterday", None, DatePrecision.DAY)


@pytest.mark.parametrize(
    "text,expr,precision",
    [
        ("Police arrived hours later and sealed the area.", "hours later", DatePrecision.HOUR),
        ("Police arrived the next day and sealed the area.", "the next day", DatePrecision.DAY),
        ("Police sealed the area earlier this week.", "earlier this week", None),
    ],
)
def test_anchored_or_week_expressions_stay_unresolved(text: str, expr: str, precision: DatePrecision | None) -> None:
    ref = only(text)
    assert (ref.text, ref.value, ref.precision) == (expr, None, precision)


# --- clock times --------------------------------------------------------------------------------


def test_clock_keeps_local_time_and_ignores_the_second_zone() -> None:
    found = times("The blast came at about 2:40 local time (4:40 Baku time) on Tuesday, a witness said.", THURSDAY)
    clocks = [ref for ref in found if ref.precision is DatePrecision.HOUR]
    assert [(ref.text, ref.value) for ref in clocks] == [("2:40 local time", "2021-06-08T02:40")]


@pytest.mark.parametrize(
    "text,expr,value",
    [
        ("Sirens sounded around 3am local time this morning.", "3am local time", "2021-06-10T03:00"),
        ("Sirens sounded shortly before 3 p.m. yesterday.", "3 p.m.", "2021-06-09T15:00"),
        ("Sirens sounded on Monday at 14:30 in the centre.", "14:30", "2021-06-07T14:30"),
        ("Sirens sounded at 5:15 Monday afternoon in the centre.", "5:15", "2021-06-07T17:15"),
        ("Sirens sounded at 14h30 on Monday in the centre.", "14h30", "2021-06-07T14:30"),
    ],
)
def test_clock_takes_the_date_of_its_sentence(text: str, expr: str, value: str) -> None:
    clocks = [ref for ref in times(text) if ref.precision is DatePrecision.HOUR]
    assert [(ref.text, ref.value) for ref in clocks] == [(expr, value)]


def test_clock_without_a_date_in_its_sentence_has_no_value() -> None:
    ref = only("The first shots were fired at 14:30 near the station.")
    assert (ref.text, ref.value, ref.precision) == ("14:30", None, DatePrecision.HOUR)


def test_clock_takes_the_date_of_the_sentence_before_in_its_paragraph() -> None:
    found = times("Gunmen attacked a checkpoint on Monday. The first shots came at 14:30 from the north.")
    assert [(ref.text, ref.value) for ref in found] == [("Monday", "2021-06-07"), ("14:30", "2021-06-07T14:30")]


def test_clock_does_not_take_a_date_from_another_paragraph() -> None:
    found = times("Gunmen attacked a checkpoint on Monday.\nThe first shots came at 14:30 from the north.")
    assert [(ref.text, ref.value) for ref in found] == [("Monday", "2021-06-07"), ("14:30", None)]


@pytest.mark.parametrize(
    "text,pub,value",
    [
        # The night before publication: its small hours are the publication day, its evening the day before.
        ("A bar was attacked overnight. Shots were heard around 3 a.m. in the street.", THURSDAY, "2021-06-10T03:00"),
        ("A bar was attacked overnight, with shots heard around 11 p.m.", THURSDAY, "2021-06-09T23:00"),
        ("A bar was attacked overnight, with shots heard around 10 a.m.", THURSDAY, None),  # not in that night
        ("A bar was attacked overnight, with shots heard around 3 a.m.", "2021-06", None),
        ("A bar was attacked overnight Monday, with shots heard around 3 a.m.", THURSDAY, "2021-06-07T03:00"),
    ],
)
def test_clock_in_an_overnight_sentence(text: str, pub: str, value: str | None) -> None:
    clocks = [ref for ref in times(text, pub) if ref.precision is DatePrecision.HOUR]
    assert [ref.value for ref in clocks] == [value]


def test_midnight_keeps_its_day_unknown() -> None:
    # "just before midnight" after a Monday clock is the end of Monday, not 00:00 on Monday.
    found = times("He was shot at 11:50 p.m. on Monday and died just before midnight.")
    assert [(ref.text, ref.value) for ref in found] == [
        ("11:50 p.m.", "2021-06-07T23:50"),
        ("Monday", "2021-06-07"),
        ("midnight", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The home side won 3:1 after extra time.",
        "Tickets cost $14.30 at the gate.",
        "Call the hotline on 555-0142 for help.",
        "The blast killed 12 people and injured 40.",
        "More than 2,000 residents fled, and 1,500 homes were damaged.",
        "Aid reached the 2000 residents of the valley.",
        "The suspect lives at 1915 Elm Street, police said.",
        "Read John 3:16 aloud.",
    ],
)
def test_numbers_that_are_not_times(text: str) -> None:
    assert times(text) == []


# --- future and the publication date ------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        ("The suspect will appear in court on Monday.", "2021-06-14"),
        ("The suspect appears in court next Monday.", "2021-06-14"),
        ("The hearing is scheduled for March 3.", "2022-03-03"),
        ("The suspect appeared in court on Monday.", "2021-06-07"),
    ],
)
def test_future_sentences_resolve_forward(text: str, value: str) -> None:
    assert only(text).value == value


def test_no_past_sentence_resolves_after_publication() -> None:
    text = (
        "Clashes broke out on Friday and again on Sunday. On March 30 and on December 31 troops moved in. "
        "In November the curfew began. The Saturday before, two were hurt."
    )
    for ref in times(text):
        assert ref.value is not None
        assert ref.value[:10] <= THURSDAY


# --- page furniture and the stage ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Updated: Monday, June 7, 2021 6:44 PM EDT\nA tanker ran aground off the coast.",
        "(Published Monday, June 7, 2021)\nA tanker ran aground off the coast.",
        "June 07, 2021 02:10 PM\nA tanker ran aground off the coast.",
        "Stay safe. pic.example.com/abc — Jane Doe (@janedoe) June 11, 2021\nA tanker ran aground off the coast.",
    ],
)
def test_page_stamps_are_not_times(text: str) -> None:
    assert times(text) == []


def test_timeline_heading_is_not_a_stamp() -> None:
    ref = only("7 June\nA tanker ran aground off the coast.")
    assert (ref.text, ref.value) == ("7 June", "2021-06-07")


def test_page_stamps_can_be_kept() -> None:
    text = "Updated: Monday, June 7, 2021\nA tanker ran aground off the coast."
    found = find_times(text, published(THURSDAY), TemporalSettings(skip_page_stamps=False))
    assert [ref.value for ref in found] == ["2021-06-07"]


def test_every_span_matches_its_text() -> None:
    text = (
        "GUNFIRE on Saturday, 5 June: at about 23:10 (22:10 GMT) men fired at a checkpoint.\n"
        "Two days ago, on 8.6.2021, a convoy came under fire; in 2019 a truce held; last Sunday's talks failed."
    )
    found = times(text)
    assert len(found) == 6
    assert [ref.start for ref in found] == sorted(ref.start for ref in found)
    assert all(text[ref.start : ref.end] == ref.text for ref in found)


def test_stage_is_registered_with_its_contract() -> None:
    spec = get_stage("temporal.rules.v1")
    assert (spec.slot, spec.requires, spec.assigns, spec.section) == (
        "temporal",
        ("text", "published"),
        ("times",),
        "temporal",
    )


def test_stage_changes_only_times_under_strict_pipeline() -> None:
    settings = Settings().merged({"pipeline": {"stages": {"temporal": "temporal.rules.v1"}, "strict": True}})
    pipeline = Pipeline.__new__(Pipeline)
    pipeline.settings = settings
    pipeline.stages = (get_stage("temporal.rules.v1"),)
    doc = pipeline.process(make("The port reopened on Monday."))
    assert isinstance(doc, Document)
    assert [ref.value for ref in doc.times] == [date(2021, 6, 7).isoformat()]
