"""The link stage: places the gazetteer lacks get one name and one point across documents (issue 8)."""

from __future__ import annotations

from eventlens.model import Document, Place, PlacePrecision
from eventlens.settings import LinkSettings
from eventlens.stages.link import link_places


def _place(text: str, start: int, method: str, lat: float | None = None, lon: float | None = None, country: str | None = None) -> Place:
    return Place(
        text=text,
        name=text,
        start=start,
        end=start + len(text),
        method=method,
        lat=lat,
        lon=lon,
        country=country,
        precision=PlacePrecision.MUNICIPALITY if lat is not None else None,
    )


def _doc(doc_id: str, *places: Place) -> Document:
    text = " ".join(p.text for p in places) + " " * 200
    return Document(doc_id=doc_id, path=doc_id, format="txt", raw_text=text, text=text, places=places)


def _run(*docs: Document) -> dict[str, Document]:
    changed = {doc.doc_id: doc for doc in link_places(lambda: iter(docs), LinkSettings())}
    return {doc.doc_id: changed.get(doc.doc_id, doc) for doc in docs}


def test_variant_spellings_share_the_point_of_the_best_anchored_one() -> None:
    country = _place("Ruritania", 0, "gazetteer:exact", 45.0, 15.0, "RU")
    docs = _run(
        _doc("a", country, _place("Dolnjska", 10, "unresolved")),
        _doc("b", country, _place("Dolnjske", 10, "anchor:direction:Kraljevo", 45.1, 15.2, "RU")),
        _doc("c", country, _place("Dolnska", 10, "anchor:paragraph:Novi", 44.0, 14.0, "RU")),
    )
    linked = [docs[d].places[1] for d in "abc"]
    assert {p.name for p in linked} == {linked[0].name}
    assert linked[0].lat == 45.1 and linked[0].method == "corpus:b:anchor:direction:Kraljevo"
    assert linked[1].method == "anchor:direction:Kraljevo"  # the source keeps its own method
    assert (linked[2].lat, linked[2].lon) == (45.1, 15.2)  # a paragraph neighbour yields to a stated relation


def test_different_names_are_not_linked() -> None:
    country = _place("Ruritania", 0, "gazetteer:exact", 45.0, 15.0, "RU")
    docs = _run(
        _doc("a", country, _place("Dolnjska", 10, "unresolved")),
        _doc("b", country, _place("Gornica", 10, "anchor:near:Kraljevo", 45.1, 15.2, "RU")),
    )
    assert docs["a"].places[1].lat is None


def test_reports_about_different_countries_are_not_linked() -> None:
    docs = _run(
        _doc("a", _place("Ruritania", 0, "gazetteer:exact", 45.0, 15.0, "RU"), _place("Dolnjska", 10, "unresolved")),
        _doc("b", _place("Freedonia", 0, "gazetteer:exact", 10.0, 10.0, "FD"), _place("Dolnjske", 10, "anchor:near:X", 10.1, 10.1, "FD")),
    )
    assert docs["a"].places[1].lat is None


def test_gazetteer_places_are_left_alone() -> None:
    docs = _run(
        _doc("a", _place("Dolnjska", 0, "gazetteer:exact", 1.0, 1.0, "RU")),
        _doc("b", _place("Dolnjske", 0, "anchor:near:X", 2.0, 2.0, "RU")),
    )
    assert docs["a"].places[0].lat == 1.0
