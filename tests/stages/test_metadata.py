"""Metadata: publication date, title, outlet and credited sources, each from the first rung that answers.
Unknown stays None: a date is never invented, and it keeps the precision its source gives."""

from __future__ import annotations

import pytest

from eventlens.model import DatePrecision, PartialDate
from eventlens.settings import CleanSettings, MetadataSettings
from eventlens.stages.clean import clean_document
from eventlens.stages.metadata import extract_metadata, parse_published

CFG = MetadataSettings()
BODY = (
    "A landslide blocked the only road into the valley on Saturday night, the district office said.\n\n"
    "Engineers expect to reopen one lane by the end of the week."
)


def test_date_header_gives_day_precision(make_doc) -> None:
    doc = extract_metadata(make_doc(BODY, removed=(("date_header", " date 2021-04-03 "),)), CFG)
    assert doc.published == PartialDate(year=2021, month=4, day=3, source="header")
    assert doc.published.precision is DatePrecision.DAY
    assert doc.published.iso == "2021-04-03"


def test_impossible_header_date_is_not_used(make_doc) -> None:
    doc = extract_metadata(make_doc(BODY, removed=(("date_header", " date 2021-02-30 "),)), CFG)
    assert doc.published is None


def test_date_header_through_the_cleaner(make_doc) -> None:
    doc = clean_document(make_doc("", raw_text=" date 2020-11-05 " + BODY), CleanSettings())
    doc = extract_metadata(doc, CFG)
    assert doc.published is not None
    assert (doc.published.iso, doc.published.precision, doc.published.source) == ("2020-11-05", "day", "header")
    assert "date 2020" not in doc.text


@pytest.mark.parametrize(
    "line,year,holder",
    [
        ("(C)ACME 2021", 2021, "ACME"),
        ("© 2019 Valley Gazette", 2019, "Valley Gazette"),
        ("Copyright 2020 Hill Media. All rights reserved.", 2020, "Hill Media"),
        ("(c) Harbour Herald 2015-2018", 2015, "Harbour Herald"),
    ],
)
def test_copyright_line_gives_year_and_outlet(make_doc, line: str, year: int, holder: str) -> None:
    doc = extract_metadata(make_doc(BODY, removed=(("copyright", line),)), CFG)
    assert doc.published == PartialDate(year=year, source="copyright")
    assert doc.published.precision is DatePrecision.YEAR
    assert doc.published.iso == str(year)
    assert (doc.outlet, doc.outlet_source) == (holder, "copyright")


def test_no_date_anywhere_stays_none(make_doc) -> None:
    text = "On Sunday, 12 June, the river rose two metres in 2019 terms, residents said.\n\n" + BODY
    doc = extract_metadata(make_doc(text), CFG)
    assert doc.published is None  # dates in the body are event times, not the publication date


def test_header_wins_over_copyright(make_doc) -> None:
    spans = (("copyright", "(C)ACME 2021"), ("date_header", " date 2023-01-02 "))
    doc = extract_metadata(make_doc(BODY, removed=spans), CFG)
    assert doc.published is not None and doc.published.iso == "2023-01-02"


@pytest.mark.parametrize(
    "value,iso,precision",
    [
        ("2022", "2022", "year"),
        ("2022-07", "2022-07", "month"),
        ("2022-07-31", "2022-07-31", "day"),
        ("2022-07-31T14:05:00", "2022-07-31", "day"),
        ("2022-07-31T14:05:00Z", "2022-07-31", "day"),
        ("2022-07-31T23:05:00+02:00", "2022-07-31", "day"),
        ("Sun, 31 Jul 2022 14:05:00 GMT", "2022-07-31", "day"),
        ("Sun, 31 Jul 2022 14:05:00 +0300", "2022-07-31", "day"),
    ],
)
def test_parse_published_formats(value: str, iso: str, precision: str) -> None:
    date = parse_published(value, "field")
    assert date is not None
    assert (date.iso, date.precision.value, date.source) == (iso, precision, "field")


@pytest.mark.parametrize(
    "value", [None, "", "   ", "soon", "last Tuesday", "2022-13", "0000", "2022-02-30", "31/07/2022x"]
)
def test_unreadable_published_is_none(value: str | None) -> None:
    assert parse_published(value, "field") is None


@pytest.mark.parametrize("fmt,source", [("jsonl", "field"), ("txt", "field"), ("html", "html_meta"), ("rss", "feed")])
def test_container_published_field_wins_with_its_source(make_doc, fmt: str, source: str) -> None:
    doc = make_doc(BODY, hints={"published": "2022"}, format=fmt, removed=(("date_header", " date 2023-01-02 "),))
    doc = extract_metadata(doc, CFG)
    assert doc.published == PartialDate(year=2022, source=source)


def test_unreadable_container_date_falls_back(make_doc) -> None:
    doc = make_doc(BODY, hints={"published": "2022-13"}, removed=(("copyright", "(C)ACME 2021"),))
    doc = extract_metadata(doc, CFG)
    assert doc.published == PartialDate(year=2021, source="copyright")


@pytest.mark.parametrize(
    "url,host",
    [
        ("https://www.valley-gazette.example/news/2022/landslide", "valley-gazette.example"),
        ("http://news.harbour.example:8080/a?b=c", "news.harbour.example"),
        ("hill.example/story", "hill.example"),
    ],
)
def test_outlet_from_url_host(make_doc, url: str, host: str) -> None:
    doc = extract_metadata(make_doc(BODY, hints={"url": url}), CFG)
    assert (doc.outlet, doc.outlet_source, doc.url) == (host, "url", url)


def test_outlet_field_wins(make_doc) -> None:
    doc = make_doc(BODY, hints={"outlet": "Valley Gazette", "url": "https://other.example/x"})
    doc = extract_metadata(doc, CFG)
    assert (doc.outlet, doc.outlet_source) == ("Valley Gazette", "field")


def test_credit_line(make_doc) -> None:
    text = BODY + "\n\nIt is reported by the Example Times."
    doc = extract_metadata(make_doc(text), CFG)
    assert doc.credited == ("Example Times",)
    assert (doc.outlet, doc.outlet_source) == ("Example Times", "credit_line")


def test_credit_line_does_not_override_url(make_doc) -> None:
    text = BODY + "\n\nThe story was first published in the Morning Post."
    doc = extract_metadata(make_doc(text, hints={"url": "https://valley.example/a"}), CFG)
    assert doc.credited == ("Morning Post",)
    assert (doc.outlet, doc.outlet_source) == ("valley.example", "url")


def test_no_outlet_is_none(make_doc) -> None:
    doc = extract_metadata(make_doc(BODY), CFG)
    assert (doc.outlet, doc.outlet_source, doc.credited) == (None, None, ())


@pytest.mark.parametrize(
    "text,title",
    [
        ("Landslide blocks valley road\n\n" + BODY, "Landslide blocks valley road"),
        ("Will the valley road reopen this week?\n\n" + BODY, "Will the valley road reopen this week?"),
        ("Mayor: the road will reopen soon\n\n" + BODY, "Mayor: the road will reopen soon"),
        (BODY, None),  # the first line is a sentence
        ("Landslide blocks valley road", None),  # nothing follows a lone line
        ("Landslide " * 40 + "\n\n" + BODY, None),  # longer than metadata.title_max_chars
    ],
)
def test_title_rules(make_doc, text: str, title: str | None) -> None:
    assert extract_metadata(make_doc(text), CFG).title == title


def test_title_field_wins(make_doc) -> None:
    doc = make_doc("Landslide blocks valley road\n\n" + BODY, hints={"title": "Road closed by landslide"})
    assert extract_metadata(doc, CFG).title == "Road closed by landslide"


def test_metadata_changes_only_its_fields(make_doc) -> None:
    doc = make_doc(BODY, hints={"url": "https://valley.example/a"})
    after = extract_metadata(doc, CFG)
    declared = {"title", "url", "outlet", "outlet_source", "credited", "published"}
    changed = {name for name in type(doc).model_fields if getattr(doc, name) != getattr(after, name)}
    assert changed <= declared
