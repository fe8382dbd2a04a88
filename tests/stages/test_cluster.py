"""The cluster stage: same-incident groups from hand-made ClusterItems (issue: same-incident clustering)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from eventlens.model import Actor, CasualtyClaim, DatePrecision, Document, IncidentMention, PartialDate, Place, PlacePrecision
from eventlens.settings import ClusterSettings
from eventlens.stages.cluster import ClusterItem, _compatibility, _Facts, cluster_incidents

CFG = ClusterSettings()

FERRY = (
    "A passenger ferry caught fire off Portvale harbour on Monday and sank within an hour. "
    "The coast guard said the Marisol carried 40 passengers; 3 were killed and 12 injured. "
    "Captain Elena Varga, 52, was among the rescued, the harbour master Tomas Reyl said."
)
FERRY_2 = (
    "Three people died when the ferry Marisol burned and sank near Portvale on Monday, the coast guard said. "
    "Twelve were hurt. Captain Elena Varga, 52, survived; harbour master Tomas Reyl praised the rescuers."
)
FERRY_OTHER = (
    "Five fishermen drowned when the trawler Santa Lucia capsized in a storm outside Portvale harbour. "
    "Its skipper, Ivo Brandt, 38, swam ashore; the coast guard suspended the search at dusk."
)
QUAKE = (
    "An earthquake of magnitude 6.1 shook the mountain town of Kessary on Friday, destroying 200 houses. "
    "Mayor Anja Holm said 14 people were killed and rescuers from Dravik were searching the rubble."
)
QUAKE_2 = (
    "Fourteen people were killed when a 6.1 magnitude quake struck Kessary on Friday, Mayor Anja Holm said. "
    "Some 200 houses collapsed; rescue teams from Dravik worked through the night."
)


def _item(doc_id: str, text: str, date: str | None = None, **fields: object) -> ClusterItem:
    precision = {10: "day", 7: "month", 4: "year"}.get(len(date)) if date else None
    fields.setdefault("lead_ages", fields.get("ages", ()))
    return ClusterItem(doc_id=doc_id, text=text, date=date, date_precision=precision, published=date, **fields)  # type: ignore[arg-type]


def _groups(result: dict[str, str]) -> set[frozenset[str]]:
    out: dict[str, set[str]] = {}
    for doc_id, key in result.items():
        out.setdefault(key, set()).add(doc_id)
    return {frozenset(members) for members in out.values()}


def _corpus() -> list[ClusterItem]:
    return [
        _item("f1", FERRY, "2024-03-04", place="portvale", country="RU"),
        _item("f2", FERRY_2, "2024-03-04", place="portvale", country="RU"),
        _item("q1", QUAKE, "2024-03-08", place="kessary", country="RU"),
        _item("q2", QUAKE_2, "2024-03-09", place="kessary", country="RU"),
    ]


def test_reports_of_one_incident_group_and_other_incidents_stay_apart() -> None:
    assert _groups(cluster_incidents(_corpus(), {}, CFG)) == {frozenset({"f1", "f2"}), frozenset({"q1", "q2"})}


def test_every_item_gets_a_key_and_a_new_group_is_named_by_its_first_member() -> None:
    result = cluster_incidents(_corpus(), {}, CFG)
    assert set(result) == {"f1", "f2", "q1", "q2"}
    assert result["f1"] == result["f2"] == "f1"  # same day: doc_id breaks the tie
    assert result["q1"] == result["q2"] == "q1"  # q1 is the earlier incident date


def test_incident_dates_far_apart_never_merge_even_with_the_same_text() -> None:
    """The same kind of report from the same town a year apart is two incidents."""
    items = [_item("a", FERRY, "2023-09-24", place="portvale"), _item("b", FERRY, "2024-10-30", place="portvale")]
    assert _groups(cluster_incidents(items, {}, CFG)) == {frozenset({"a"}), frozenset({"b"})}


def test_the_same_kind_of_incident_in_the_same_town_with_other_people_stays_apart() -> None:
    items = [
        _item("a", FERRY, "2024-03-04", place="portvale", ages=(52,)),
        _item("b", FERRY_2, "2024-03-04", place="portvale", ages=(52,)),
        _item("c", FERRY_OTHER, "2024-03-06", place="portvale", ages=(38,)),
    ]
    assert _groups(cluster_incidents(items, {}, CFG)) == {frozenset({"a", "b"}), frozenset({"c"})}


def test_only_the_ages_of_the_opening_keep_reports_apart() -> None:
    """A relative's age far down a long report neither joins it to another report nor keeps them apart."""
    filler = " The neighbours spoke of the street's long decline and of the schools nearby." * 30
    text = f"John Doe, 20, was shot.{filler} His sister, aged 10, was home."
    item = ClusterItem.from_document(Document(doc_id="d", path="d.txt", format="txt", raw_text=text, text=text))
    assert item.ages == (10, 20) and item.lead_ages == (20,)

    def age_score(**other: object) -> float:
        items = [_item("a", FERRY, ages=(10,)), _item("b", FERRY, **other)]
        score, _ = _compatibility(_Facts(items), np.array([[0, 1]]), CFG)
        return float(score[0])

    neutral = age_score()
    assert age_score(ages=(10,)) == pytest.approx(neutral + CFG.age_weight)  # shared in the openings
    assert age_score(ages=(20,)) == pytest.approx(neutral - CFG.age_weight)  # conflicting openings
    assert age_score(ages=(10, 20), lead_ages=(20,)) == pytest.approx(neutral)  # shared only further down


def test_a_report_with_no_date_joins_by_place_actors_and_facts() -> None:
    items = [
        *_corpus(),
        _item("u", FERRY_2.replace(" on Monday", ""), None, place="portvale", country="RU", actors=("Elena Varga",)),
    ]
    result = cluster_incidents(items, {}, CFG)
    assert result["u"] == result["f1"] != result["q1"]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_the_result_does_not_depend_on_the_input_order(seed: int) -> None:
    items = _corpus() + [_item("c", FERRY_OTHER, "2024-03-06", place="portvale")]
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    assert cluster_incidents(shuffled, {}, CFG) == cluster_incidents(items, {}, CFG)


def test_fixed_items_keep_their_key_and_new_items_join_them() -> None:
    items = _corpus()
    first = cluster_incidents([items[0], items[2]], {}, CFG)
    second = cluster_incidents(items, first, CFG)
    assert second["f1"] == first["f1"] and second["q1"] == first["q1"]
    assert second["f2"] == first["f1"] and second["q2"] == first["q1"]
    assert _groups(second) == _groups(cluster_incidents(items, {}, CFG))


def test_two_stored_incidents_never_merge() -> None:
    items = [_item("a", FERRY, "2024-03-04"), _item("b", FERRY, "2024-03-04"), _item("c", FERRY_2, "2024-03-04")]
    result = cluster_incidents(items, {"a": "incident-1", "b": "incident-2"}, CFG)
    assert result["a"] == "incident-1" and result["b"] == "incident-2"
    assert result["c"] in {"incident-1", "incident-2"}


def test_stored_keys_are_kept_for_items_alone() -> None:
    result = cluster_incidents([_item("a", FERRY, "2024-03-04")], {"a": "stored"}, CFG)
    assert result == {"a": "stored"}


def test_no_items_no_groups() -> None:
    assert cluster_incidents([], {}, CFG) == {}


def test_cluster_item_from_a_document_reads_the_main_incident() -> None:
    text = "Gunmen killed 3 villagers, among them a 14-year-old boy, in Dolna on 4 March 2024."
    place = Place(text="Dolna", name="Dolna", country="RU", admin1="North", lat=45.0, lon=15.0,
                  precision=PlacePrecision.TOWN, start=text.index("Dolna"), end=text.index("Dolna") + 5)  # fmt: skip
    claim = CasualtyClaim(figure="killed", group="civilians", value=3, attributed_to="outlet", start=14, end=15, sentence=text)
    main = IncidentMention(
        id="d:0", role="main", category="attack", trigger="killed", date="2024-03-04", date_precision=DatePrecision.DAY,
        place=place, actors=(Actor(name="gunmen", role="actor1"),), claims=(claim,), start=0, end=len(text),
    )  # fmt: skip
    doc = Document(
        doc_id="d", path="d.txt", format="txt", raw_text=text, text=text, title="Three killed in Dolna",
        published=PartialDate(year=2024, month=3, day=5, source="header"), incidents=(main,),
    )  # fmt: skip
    item = ClusterItem.from_document(doc)
    assert (item.date, item.date_precision, item.published) == ("2024-03-04", "day", "2024-03-05")
    assert (item.place, item.country, item.lat, item.place_precision) == ("dolna", "RU", 45.0, "town")
    assert item.category == "attack" and item.actors == ("gunmen",)
    assert item.figures == (("killed", 3),)
    assert item.ages == (14,) and item.years == (2024,)
    assert item.text.startswith("Three killed in Dolna\n")


def test_cluster_item_of_a_document_without_incident_keeps_its_text() -> None:
    doc = Document(doc_id="d", path="d.txt", format="txt", raw_text="Markets rose.", text="Markets rose.")
    item = ClusterItem.from_document(doc)
    assert item.doc_id == "d" and item.text == "Markets rose." and item.date is None and item.place is None
