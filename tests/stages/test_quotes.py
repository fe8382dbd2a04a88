"""Quotes and statements (issue 12): quote styles, mismatched marks, multi-paragraph quotes, speakers
through pronouns and titles, stances, reported speech. Inputs are built by ``make_doc`` with hand-made
entities, not by the earlier stages."""

from __future__ import annotations

import pytest

from eventlens.model import Document, Entity
from eventlens.settings import QuotesSettings
from eventlens.stages.quotes import extract_quotes, quote_marks

pytestmark = pytest.mark.issue(12)


def _entities(text: str, names: list[tuple[str, str, str, str | None]]) -> tuple[Entity, ...]:
    """Entities for every occurrence of each (surface, label, canonical, role)."""
    found = []
    for surface, label, canonical, role in names:
        start = text.find(surface)
        while start >= 0:
            found.append(Entity(text=surface, label=label, canonical=canonical, start=start, end=start + len(surface), role=role))
            start = text.find(surface, start + 1)
    return tuple(sorted(found, key=lambda e: e.start))


def _quotes(make_doc, text: str, names=()) -> list:
    doc = make_doc(text)
    doc = doc.model_copy(update={"entities": _entities(text, list(names))})
    return list(extract_quotes(doc, QuotesSettings()).quotes)


@pytest.mark.parametrize(
    "text",
    [
        "“We will rebuild the market within a month,” the mayor said.",
        '"We will rebuild the market within a month," the mayor said.',
        "«We will rebuild the market within a month», the mayor said.",
        "„We will rebuild the market within a month“, the mayor said.",
        "‘We will rebuild the market within a month,’ the mayor said.",
        # mismatched marks of machine translation
        '“We will rebuild the market within a month," the mayor said.',
        '"We will rebuild the market within a month,” the mayor said.',
    ],
)
def test_every_quote_style_gives_one_direct_quote(make_doc, text: str) -> None:
    [quote] = _quotes(make_doc, text)
    assert quote.direct
    assert quote.text == "We will rebuild the market within a month"
    assert quote.speaker == "mayor"
    assert text[quote.start : quote.end] == quote.text


def test_apostrophes_do_not_open_or_close_single_quotes() -> None:
    text = "The farmers’ union met. ‘We can’t sell the harvest this year,’ a farmer said."
    [span] = quote_marks(text)
    assert text[span.start : span.end] == "We can’t sell the harvest this year"


def test_short_quoted_names_are_not_quotes(make_doc) -> None:
    assert _quotes(make_doc, "The newspaper “Daily Star” printed a photo of the bridge.") == []


def test_multi_paragraph_quote_continues_when_the_next_paragraph_reopens(make_doc) -> None:
    text = (
        "“We were in the fields when the shooting began.\n\n"
        "“Then the soldiers came and burned every house,” the farmer said.\n"
    )
    [quote] = _quotes(make_doc, text)
    assert quote.text.startswith("We were in the fields") and quote.text.endswith("burned every house")
    assert quote.speaker == "farmer"


def test_speaker_before_the_quote_with_a_colon(make_doc) -> None:
    [quote] = _quotes(make_doc, "The minister said: “Nobody will be left behind in this crisis.”")
    assert quote.speaker == "minister" and quote.cue == "said"


@pytest.mark.parametrize(
    "text",
    [
        "“The road is closed until further notice,” said Maria Lopez.",
        "“The road is closed until further notice,” Lopez wrote.",
        "According to Maria Lopez, “the road is closed until further notice.”",
    ],
)
def test_speaker_after_or_before_resolves_to_the_canonical_person(make_doc, text: str) -> None:
    names = [("Maria Lopez", "PERSON", "Maria Lopez", None), ("Lopez", "PERSON", "Maria Lopez", None)]
    quotes = [q for q in _quotes(make_doc, text, names) if q.direct]
    assert [q.speaker for q in quotes] == ["Maria Lopez"]


def test_pronoun_speaker_is_the_last_person_named(make_doc) -> None:
    text = "Governor Anna Berg visited the town. “We will not abandon these families,” she said."
    [quote] = _quotes(make_doc, text, [("Anna Berg", "PERSON", "Anna Berg", "Governor")])
    assert quote.speaker == "Anna Berg" and quote.speaker_text == "she"


def test_title_speaker_is_the_person_named_with_that_role(make_doc) -> None:
    text = (
        "Prime Minister Jan Novak met the Ruritanian President Otto Wolf in the capital. "
        "Two soldiers were wounded, the prime minister added. "
        "Nobody will divide this country, the head of state said."
    )
    names = [
        ("Jan Novak", "PERSON", "Jan Novak", "Prime Minister"),
        ("Otto Wolf", "PERSON", "Otto Wolf", "Ruritanian President"),
    ]
    quotes = _quotes(make_doc, text, names)
    assert [(q.speaker, q.stance) for q in quotes] == [("Jan Novak", "claim"), ("Otto Wolf", "claim")]


def test_unattributed_quote_after_a_quote_keeps_its_speaker(make_doc) -> None:
    text = "“The fire started at night,” the chief said.\n“Three houses burned down before we arrived.”"
    quotes = _quotes(make_doc, text)
    assert [q.speaker for q in quotes] == ["chief", "chief"]


@pytest.mark.parametrize(
    "text,stance,content",
    [
        ("The rebel group denied any involvement in the bombing.", "denial", "any involvement in the bombing"),
        ("The ministry accused the rebels of planting the device.", "accusation", "the rebels of planting the device"),
        ("The governor condemned the attack on the clinic.", "condemnation", "the attack on the clinic"),
        ("The bishop called on both sides to lay down their weapons.", "appeal", "both sides to lay down their weapons"),
        ("The commander threatened to destroy any convoy that crossed the line.", "threat", "to destroy any convoy that crossed the line"),
        ("The army warned that attackers would face severe consequences.", "threat", "attackers would face severe consequences"),
        ("The mayor claimed that the raid was carried out by a rival gang.", "accusation", "the raid was carried out by a rival gang"),
        ("Police said that the suspect fled in a grey car.", "claim", "the suspect fled in a grey car"),
    ],
)
def test_reported_speech_and_its_stance(make_doc, text: str, stance: str, content: str) -> None:
    [quote] = _quotes(make_doc, text)
    assert not quote.direct
    assert (quote.stance, quote.text) == (stance, content)


def test_direct_quote_takes_the_stance_verb_of_its_introduction(make_doc) -> None:
    text = "The governor condemned the shelling and described it as “a crime against the people of this town”."
    quotes = _quotes(make_doc, text)
    direct = [q for q in quotes if q.direct]
    assert [(q.speaker, q.stance) for q in direct] == [("governor", "condemnation")]


def test_content_decides_the_stance_of_a_neutral_verb(make_doc) -> None:
    text = "“We reject these lies; we had nothing to do with the attack,” a spokesman for the group said."
    [quote] = _quotes(make_doc, text)
    assert quote.stance == "denial"


def test_target_is_the_accused_entity(make_doc) -> None:
    text = "Jan Novak accused Ruritania of arming the gunmen."
    names = [("Jan Novak", "PERSON", "Jan Novak", None), ("Ruritania", "GPE", "Ruritania", None)]
    [quote] = _quotes(make_doc, text, names)
    assert (quote.speaker, quote.stance, quote.target) == ("Jan Novak", "accusation", "Ruritania")


def test_two_statements_in_one_sentence(make_doc) -> None:
    text = "Jan Novak said the gunmen were trained abroad, while Otto Wolf denied any link with the group."
    names = [("Jan Novak", "PERSON", "Jan Novak", None), ("Otto Wolf", "PERSON", "Otto Wolf", None)]
    quotes = _quotes(make_doc, text, names)
    assert [(q.speaker, q.stance) for q in quotes] == [("Jan Novak", "claim"), ("Otto Wolf", "denial")]


def test_a_report_not_analysed_is_skipped(make_doc) -> None:
    doc = make_doc("“Nous ne céderons jamais à la violence,” a dit le maire.")
    doc = doc.model_copy(update={"analysis": "not analysed: language fr"})
    assert extract_quotes(doc, QuotesSettings()) is doc
