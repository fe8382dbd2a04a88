"""The geocode stage: toponyms spotted and resolved with the shipped gazetteer (issue 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventlens.model import Document, PlacePrecision
from eventlens.settings import EntitiesSettings, GeocodeSettings
from eventlens.stages.entities import recognise_entities
from eventlens.stages.geocode import geocode_places, haversine_km, load_gazetteer

pytestmark = pytest.mark.skipif(load_gazetteer() is None, reason="the shipped gazetteer file is not built")


def _geocode(text: str, **cfg: object) -> Document:
    doc = Document(doc_id="g", path="g.txt", format="txt", raw_text=text, text=text)
    (doc,) = recognise_entities([doc], EntitiesSettings())
    doc = geocode_places(doc, GeocodeSettings(**cfg))
    for place in doc.places:
        assert doc.text[place.start : place.end] == place.text
    return doc


def _by_text(doc: Document) -> dict[str, object]:
    return {p.text: p for p in doc.places}


def test_towns_resolve_in_the_country_the_report_is_about() -> None:
    doc = _geocode("Police said clashes broke out in Leposavic and Zubin Potok in northern Kosovo on Friday.")
    places = _by_text(doc)
    assert places["Leposavic"].country == "XK"
    assert places["Zubin Potok"].country == "XK"
    assert places["Leposavic"].precision == PlacePrecision.TOWN


def test_a_country_name_resolves_to_the_country() -> None:
    doc = _geocode("Troops were sent to the border with Ukraine after the talks in Poland.")
    places = _by_text(doc)
    assert places["Ukraine"].country == "UA" and places["Ukraine"].precision == PlacePrecision.COUNTRY


def test_an_unknown_village_takes_the_point_of_its_stated_anchor() -> None:
    doc = _geocode("Gunmen attacked a patrol in the village of Vrbolnjak, northwest of Mitrovica, in Kosovo.")
    place = _by_text(doc)["Vrbolnjak"]
    assert place.method.startswith("anchor:direction")
    assert place.name == "Vrbolnjak"  # the original name is kept
    assert place.precision == PlacePrecision.MUNICIPALITY
    assert place.country == "XK"


def test_an_unknown_place_without_an_anchor_stays_unresolved() -> None:
    doc = _geocode("Residents of the village of Qwertzovo reported gunfire overnight.")
    place = _by_text(doc)["Qwertzovo"]
    assert place.lat is None and place.method == "unresolved"


def test_an_alternate_name_of_a_minor_place_abroad_is_not_taken(tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "name,lat,lon,country,admin1,kind,population,alternate_names\n"
        "Petit Village,46.5,2.5,FR,Centre,village,300,Dolnjarevo\n",
        encoding="utf-8",
    )
    doc = _geocode(
        "Police in Kosovo said shots were fired in the village of Dolnjarevo near Zvecan.", extra_gazetteer=str(extra)
    )
    place = _by_text(doc)["Dolnjarevo"]
    assert place.country == "XK"
    assert haversine_km(place.lat, place.lon, 42.9, 20.84) < 20


def test_user_gazetteer_entries_resolve(tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "name,lat,lon,country,admin1,kind,population,alternate_names\n"
        "Qwertzovo,42.95,20.75,XK,Mitrovica,village,500,\n",
        encoding="utf-8",
    )
    doc = _geocode("Residents of the village of Qwertzovo in Kosovo reported gunfire.", extra_gazetteer=str(extra))
    place = _by_text(doc)["Qwertzovo"]
    assert (place.lat, place.lon, place.country) == (42.95, 20.75, "XK")
