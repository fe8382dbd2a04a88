"""The entities stage: spaCy NER with general corrections and canonical names (issue 8)."""

from __future__ import annotations

import pytest

from eventlens.model import Document
from eventlens.settings import EntitiesSettings
from eventlens.stages.entities import canonical_name, ner_input, recognise_entities, second_ner_input


def _doc(text: str, doc_id: str = "d") -> Document:
    return Document(doc_id=doc_id, path=f"{doc_id}.txt", format="txt", raw_text=text, text=text)


def _entities(text: str, **cfg: object) -> list[tuple[str, str, str]]:
    (doc,) = recognise_entities([_doc(text)], EntitiesSettings(**cfg))
    for ent in doc.entities:
        assert doc.text[ent.start : ent.end] == ent.text
    return [(e.text, e.label, e.canonical) for e in doc.entities]


@pytest.mark.parametrize(
    "text,label,expected",
    [
        ("Vučić", "PERSON", "Vucic"),
        ("Mr. Lajčák", "PERSON", "Lajcak"),
        ("the Ministry of Defence", "ORG", "Ministry of Defence"),
        ("Smith's", "PERSON", "Smith"),
        ("Zürich", "GPE", "Zurich"),
    ],
)
def test_canonical_name_folds_and_strips(text: str, label: str, expected: str) -> None:
    assert canonical_name(text, label) == expected


def test_surname_links_to_full_name_with_diacritics_folded() -> None:
    text = (
        "Romanian President Klaus Iohannis met the delegation on Tuesday. "
        "Later, Iohannis said the talks had been useful."
    )
    found = _entities(text)
    people = {(t, c) for t, label, c in found if label == "PERSON"}
    assert ("Klaus Iohannis", "Klaus Iohannis") in people
    assert ("Iohannis", "Klaus Iohannis") in people


def test_parenthetical_translator_insertion_is_rejoined() -> None:
    text = (
        "The minister spoke with the president (of Chile, Gabriel). Boric about the floods. "
        "Gabriel Boric thanked him."
    )
    found = _entities(text)
    assert any(label == "PERSON" and canonical == "Gabriel Boric" and "Boric" in t for t, label, canonical in found)
    assert ("Chile", "GPE", "Chile") in found
    assert not any(t == "Gabriel" and label == "GPE" for t, label, _ in found)


def test_same_person_same_canonical_across_documents() -> None:
    first, second = recognise_entities(
        [
            _doc("Polish President Andrzej Duda visited the border on Friday. Duda spoke to troops.", "a"),
            _doc("Andrzej Dúda said the situation was calm. Dúda left in the evening.", "b"),
        ],
        EntitiesSettings(),
    )
    canon = {e.canonical for doc in (first, second) for e in doc.entities if e.label == "PERSON"}
    assert canon == {"Andrzej Duda"}


def test_organisation_alias_gets_the_canonical_name() -> None:
    found = _entities("The NATO contingent in Kosovo said it was ready to help. KFOR troops patrolled the area.")
    orgs = {(t, c) for t, label, c in found if label == "ORG"}
    assert ("NATO contingent in Kosovo", "KFOR") in orgs
    assert ("KFOR", "KFOR") in orgs


def test_role_is_kept_for_a_titled_person() -> None:
    (doc,) = recognise_entities(
        [_doc("Prime Minister Kaja Kallas said the attack was planned. Kallas asked for calm.")], EntitiesSettings()
    )
    kallas = [e for e in doc.entities if e.canonical == "Kaja Kallas" and e.text == "Kaja Kallas"]
    assert kallas and kallas[0].role == "Prime Minister"


def test_place_noun_after_a_name_sets_a_place_label() -> None:
    found = _entities("Gunmen entered the Morava monastery at dawn.")
    labels = {t: label for t, label, _ in found}
    assert labels.get("Morava") == "FAC"  # spaCy says PERSON


def test_title_case_headline_words_need_confirmation() -> None:
    text = "Gunfire Erupts Overnight Near Border Post\n\nShots were heard near the border post overnight, police said."
    found = _entities(text)
    assert not any(t.startswith("Gunfire") for t, _, _ in found)


@pytest.mark.issue(8)
def test_batch_with_an_empty_text_still_processes_the_others() -> None:
    docs = recognise_entities([_doc("Angela Merkel spoke in Berlin.", "a"), _doc(" ", "b")], EntitiesSettings())
    assert [d.doc_id for d in docs] == ["a", "b"]
    assert any(e.canonical == "Angela Merkel" for e in docs[0].entities)


@pytest.mark.issue(8)
def test_cue_scope_reads_the_lead_and_event_sentences_only() -> None:
    text = (
        "Clashes in the north\nThe weather was fine. Two people were killed near the Ibar bridge. "
        "Markets opened late. One more was wounded later."
    )
    cfg = EntitiesSettings(ner_scope="cue", ner_lead_sentences=1)
    ner_in = ner_input(text, cfg)
    # an event sentence naming nothing ("One more was wounded later.") is not worth reading
    assert ner_in.text == "Clashes in the north\nTwo people were killed near the Ibar bridge."
    # offsets map back into the report
    at = ner_in.text.index("Two")
    assert text[ner_in.to_doc(at) : ner_in.to_doc(at) + 3] == "Two"
    assert ner_input(text, EntitiesSettings(ner_scope="all")).text == text


@pytest.mark.issue(8)
def test_names_found_in_an_event_sentence_are_found_in_the_others() -> None:
    text = (
        "Report\n\nThe weather was fine on the coast. Police said Albin Kurti was not hurt in the attack. "
        "Later that day Kurti visited a school, and Kurti thanked the teachers."
    )
    found = _entities(text, ner_scope="cue", ner_lead_sentences=0)
    kurti = [(t, c) for t, label, c in found if label == "PERSON"]
    assert kurti.count(("Kurti", "Albin Kurti")) == 2 and ("Albin Kurti", "Albin Kurti") in kurti


@pytest.mark.issue(8)
def test_a_titled_name_outside_the_ner_sentences_is_a_person() -> None:
    text = "Report\n\nThe markets opened late. Prime Minister Ana Brnabic spoke to reporters about the budget."
    found = _entities(text, ner_scope="cue", ner_lead_sentences=0)
    assert ("Ana Brnabic", "PERSON", "Ana Brnabic") in found


@pytest.mark.issue(8)
def test_a_common_noun_starting_a_sentence_is_not_a_person() -> None:
    import spacy
    from spacy.tokens import Span

    from eventlens.stages.entities import NerInput, _spans_from_spacy

    text = "The mayor spoke. Tensions have been high since May, Smith said."
    sdoc = spacy.blank("en")(text)
    words = [t.text for t in sdoc]
    sdoc.ents = [Span(sdoc, words.index("Tensions"), words.index("Tensions") + 1, "PERSON"),
                 Span(sdoc, words.index("Smith"), words.index("Smith") + 1, "PERSON")]
    spans = _spans_from_spacy(sdoc, NerInput(text, (0,), (0,)), text, 0, set())
    assert [text[s.start : s.end] for s in spans] == ["Smith"]  # mid-sentence, so kept


@pytest.mark.issue(8)
def test_a_place_noun_after_a_people_does_not_make_it_a_facility() -> None:
    text = "Report\n\nGunmen forced their way into the Orthodox monastery near the village, police said."
    found = _entities(text, ner_scope="all")
    assert not any(t == "Orthodox" and label == "FAC" for t, label, _ in found)


@pytest.mark.issue(8)
def test_a_second_pass_reads_sentences_naming_someone_not_met_yet() -> None:
    text = (
        "Title\nPolice said Albin Kurti was not hurt in the attack. The weather was fine. "
        "The talks were chaired by Vjosa Osmani in the capital. Later the visit of Albin Kurti ended."
    )
    first = ner_input(text, EntitiesSettings(ner_scope="cue", ner_lead_sentences=1))
    assert first.text == "Title\nPolice said Albin Kurti was not hurt in the attack."
    second = second_ner_input(text, first, {"Albin", "Kurti"}, None)
    # the sentence with a new name is read; the one whose name the first pass met is not
    assert second.text == "The talks were chaired by Vjosa Osmani in the capital."
    found = _entities(text, ner_scope="cue", ner_lead_sentences=1)
    assert ("Vjosa Osmani", "PERSON", "Vjosa Osmani") in found


@pytest.mark.issue(8)
def test_a_role_ending_a_sentence_does_not_make_the_next_word_a_person() -> None:
    from eventlens.stages.entities import _titled_people

    text = "He blamed the Prime Minister. Tensions rose. Mr. Lajcak met Gen. Ivan Petrov in St. Louis."
    assert [text[s.start : s.end] for s in _titled_people(text)] == ["Lajcak", "Ivan Petrov"]


@pytest.mark.issue(8)
def test_a_single_word_qualifying_a_role_is_not_an_organisation() -> None:
    text = "Report\n\nThe Kosovar Prime Minister Albin Kurti said the attackers were armed."
    found = _entities(text, ner_scope="all")
    assert not any(t == "Kosovar" and label == "ORG" for t, label, _ in found)


@pytest.mark.issue(16)
def test_a_region_read_as_a_person_becomes_a_place_and_a_people_read_as_a_place_a_norp() -> None:
    from eventlens.stages.entities import _not_places, _Span
    from eventlens.stages.geocode import load_gazetteer

    gaz = load_gazetteer()
    if gaz is None:
        pytest.skip("the shipped gazetteer file is not built")
    text = "Tamil Nadu asked the court to act after two Nigerians were hurt at 3:40 Moscow time."
    spans = [_Span(0, 10, "PERSON"), _Span(44, 53, "GPE"), _Span(72, 78, "GPE")]
    assert [(text[s.start : s.end], s.label) for s in _not_places(text, spans, gaz)] == [
        ("Tamil Nadu", "GPE"),
        ("Nigerians", "NORP"),
    ]
