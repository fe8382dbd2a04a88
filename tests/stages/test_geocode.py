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
    assert place.country == "XK"
    # the area holding the anchor town: its point and precision, not the town's point
    area = load_gazetteer().lookup(place.method.rsplit(":", 1)[1])[0]
    assert (place.lat, place.lon) == (area.lat, area.lon)
    assert place.precision == PlacePrecision(area.precision)
    assert (place.lat, place.lon) != (load_gazetteer().lookup("Mitrovicë")[0].lat, load_gazetteer().lookup("Mitrovicë")[0].lon)


@pytest.mark.issue(16)
def test_an_anchored_place_carries_its_areas_point_and_precision_never_another_towns(tmp_path: Path) -> None:
    """A village missing from the gazetteer, placed by a town: the town's municipality's point with
    municipality precision, where the gazetteer has that municipality; else the region's, at region
    precision. Before, it carried the town's own point labelled "municipality"."""
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "name,lat,lon,country,admin1,kind,population,alternate_names\n"
        "Korvana,10.50,20.50,ZZ,Oltria,town,20000,\n"
        "Korvana Municipality,10.56,20.44,ZZ,Oltria,admin2,30000,Korvana\n"
        "Oltria,10.90,20.90,ZZ,Oltria,region,900000,\n"
        "Sedmir,10.20,20.10,ZZ,Oltria,town,15000,\n",
        encoding="utf-8",
    )
    doc = _geocode(
        "Gunmen attacked the village of Plovdrenik, northwest of Korvana. Later, in the village of Ustrava, "
        "north of Sedmir, shots were fired.",
        extra_gazetteer=str(extra),
    )
    with_municipality, with_region = _by_text(doc)["Plovdrenik"], _by_text(doc)["Ustrava"]
    assert (with_municipality.lat, with_municipality.lon) == (10.56, 20.44)
    assert with_municipality.precision == PlacePrecision.MUNICIPALITY
    assert (with_region.lat, with_region.lon) == (10.9, 20.9)
    assert with_region.precision == PlacePrecision.REGION


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


# -- spotting rules, on hand-made entities (no NER), one per rule ---------------------------------


def _spot(text: str, *entities: tuple[str, str]) -> list[str]:
    """The spotted surfaces of ``text`` with the given (surface, label) entities, each at its first occurrence."""
    from eventlens.model import Entity
    from eventlens.stages.geocode import spot_toponyms

    ents = []
    for surface, label in entities:
        start = text.index(surface)
        ents.append(Entity(text=surface, label=label, canonical=surface, start=start, end=start + len(surface)))
    doc = Document(doc_id="s", path="s.txt", format="txt", raw_text=text, text=text, entities=ents)
    return [t.text for t in spot_toponyms(doc, load_gazetteer(), GeocodeSettings())]


def test_a_country_inside_an_organisation_name_is_spotted() -> None:
    text = "The Jamaica Cancer Society will hold screenings next week."
    assert _spot(text, ("Jamaica Cancer Society", "ORG")) == ["Jamaica"]


def test_plural_demonyms_are_spotted_from_norp_and_from_plain_text() -> None:
    assert _spot("Thousands of Nigerians queued for fuel.", ("Nigerians", "NORP")) == ["Nigerians"]
    assert _spot("Millions of South Koreans marched on Saturday.") == ["South Koreans"]


def test_a_possessive_is_left_out_of_the_span() -> None:
    assert _spot("The minister rejected Russia’s request on Monday.") == ["Russia"]
    assert _spot("He criticised South Africa's courts.", ("South Africa's", "GPE")) == ["South Africa"]


def test_two_letter_country_codes_need_support() -> None:
    # "BA" is Bosnia's ISO code, but here the text spells it out as an airline.
    text = "Officials met British Airways (BA) on Friday, and BA said it would fly to Harare."
    assert "BA" not in _spot(text, ("BA", "GPE"))
    # "US" is also written "U.S.": an abbreviation of a populous country, kept.
    assert _spot("The US Census Bureau said rents rose.", ("US Census Bureau", "ORG")) == ["US"]
    # A region's code counts when the report names the region's country.
    assert "BC" in _spot("Canada opened an office of FrontCounter BC in the town of Nelson.")


def test_general_words_and_peoples_names_are_not_places() -> None:
    assert _spot("Volunteers are needed to help South Central Ambulance Service.") == []
    text = "Park Geun-hye was sentenced on Friday. Park denied the charges."
    assert _spot(text, ("Park Geun-hye", "PERSON"), ("Park", "GPE")) == []
    assert "Nelson" not in _spot("The councillor Yusuf Nelson spoke. Later Nelson says the plan works.")


def test_a_name_matched_only_by_spelling_skeleton_needs_a_place_cue() -> None:
    assert _spot("Dmitry Peskov said so.", ("Peskov", "GPE")) == []


def test_parts_of_joined_names_and_datelines_are_spotted() -> None:
    assert _spot("The Armenia-Italy friendship group met.") == ["Armenia", "Italy"]
    assert _spot("He denounced the anti-Russian policy.") == ["Russian"]
    assert _spot("DALLAS (AP) - The team won again.") == ["DALLAS"]


def test_a_named_facility_is_one_toponym() -> None:
    assert _spot("He was taken to Altnagelvin Hospital after the crash.") == ["Altnagelvin Hospital"]
    assert _spot("Schools in Muhlenberg County will be given $5,900.") == ["Muhlenberg County"]


def test_a_region_named_like_its_million_city_means_the_city() -> None:
    doc = _geocode("Kosovo's president was attending the United Nations General Assembly in New York on Sunday.")
    place = _by_text(doc)["New York"]
    assert place.country == "US" and place.precision != PlacePrecision.REGION
    assert haversine_km(place.lat, place.lon, 40.71, -74.01) < 30


# -- names of places that name no place here (issue 16): each kept as an entity of its kind ---------


def _entity_labels(doc: Document) -> dict[str, str]:
    return {e.text: e.label for e in doc.entities}


@pytest.mark.issue(16)
def test_an_outlet_named_after_a_city_is_no_place() -> None:
    doc = _geocode("The Jerusalem Post reported that two rockets hit an empty field on Tuesday.")
    assert "Jerusalem" not in _by_text(doc)
    assert _entity_labels(doc)["Jerusalem Post"] == "ORG"


@pytest.mark.issue(16)
def test_a_place_inside_an_organisation_name_is_spotted_as_an_organisation_not_a_place() -> None:
    from eventlens.model import Entity
    from eventlens.stages.geocode import spot_toponyms

    text = "Fans of Real Madrid gathered outside the stadium."
    ent = Entity(text="Real Madrid", label="ORG", canonical="Real Madrid", start=8, end=19)
    doc = Document(doc_id="s", path="s.txt", format="txt", raw_text=text, text=text, entities=[ent])
    assert [(t.text, t.kind) for t in spot_toponyms(doc, load_gazetteer(), GeocodeSettings())] == [("Madrid", "organisation")]
    assert geocode_places(doc, GeocodeSettings()).places == ()


@pytest.mark.issue(16)
def test_a_church_named_by_a_people_is_the_denomination_not_a_building() -> None:
    doc = _geocode("Priests of the Russian Orthodox Church held a service in Novgorod on Sunday.")
    assert "Russian Orthodox Church" not in _by_text(doc)
    assert "Novgorod" in _by_text(doc)
    assert "Russian Orthodox Church" not in _spot("Priests of the Russian Orthodox Church held a service.")


@pytest.mark.parametrize(
    "text,zone",
    [
        ("The blast happened at 3:40 Moscow time in Kazan, officials said.", "Moscow"),
        ("Flights resumed at 09:00 Beijing time in Shanghai.", "Beijing"),
    ],
)
@pytest.mark.issue(16)
def test_a_clock_zone_is_no_place(text: str, zone: str) -> None:
    doc = _geocode(text)
    assert zone not in _by_text(doc)
    assert zone not in _entity_labels(doc)  # part of a time, not a place entity
    assert len(doc.places) == 1  # the place the text does name


@pytest.mark.issue(16)
def test_gmt_is_no_place() -> None:
    assert _geocode("The polls closed at 22:00 GMT on Sunday.").places == ()


@pytest.mark.issue(16)
def test_a_people_is_no_place_even_when_ner_calls_it_one() -> None:
    doc = _geocode("Two Nigerians were killed when gunmen attacked the bus, police said.")
    assert doc.places == ()
    assert _entity_labels(doc)["Nigerians"] == "NORP"
    from eventlens.model import Entity
    from eventlens.stages.geocode import spot_toponyms

    text = "Three Croats were killed."
    ent = Entity(text="Croats", label="GPE", canonical="Croats", start=6, end=12)
    doc = Document(doc_id="s", path="s.txt", format="txt", raw_text=text, text=text, entities=[ent])
    assert [t.kind for t in spot_toponyms(doc, load_gazetteer(), GeocodeSettings())] == ["demonym"]


@pytest.mark.issue(16)
def test_a_city_as_the_subject_of_a_government_verb_is_its_government_not_a_place() -> None:
    doc = _geocode("Washington invaded Iraq in 2003, and later Washington has warned Moscow against escalation.")
    assert "Washington" not in _by_text(doc)
    assert {"Iraq", "Moscow"} <= set(_by_text(doc))
    assert all(e.label == "ORG" for e in doc.entities if e.text == "Washington")


@pytest.mark.issue(16)
def test_a_city_after_a_preposition_stays_a_place() -> None:
    doc = _geocode("Officials in Washington said the talks would resume in Geneva.")
    assert {"Washington", "Geneva"} <= set(_by_text(doc))


@pytest.mark.issue(16)
def test_a_union_of_states_is_no_continent_point() -> None:
    doc = _geocode("The EU imposed new sanctions on Tuesday, and farmers protested in Brussels.")
    assert "EU" not in _by_text(doc)
    assert _entity_labels(doc)["EU"] == "ORG"
    assert "Brussels" in _by_text(doc)


@pytest.mark.issue(16)
def test_a_metonym_resolves_to_the_seat_of_government_for_scoring() -> None:
    from eventlens.stages.geocode import Toponym, resolve_toponyms

    text = "Washington said it would respond."
    doc = Document(doc_id="s", path="s.txt", format="txt", raw_text=text, text=text)
    (place,) = resolve_toponyms(doc, [Toponym(0, 10, "Washington", "metonym")], load_gazetteer(), GeocodeSettings())
    assert place is not None and place.precision == PlacePrecision.TOWN
    assert haversine_km(place.lat, place.lon, 38.9, -77.04) < 20


# -- local US reports: the report's own regions and towns choose among namesakes -------------------


def test_a_region_inside_an_organisation_name_steers_the_namesake() -> None:
    doc = _geocode("Officers said a man was shot in Springfield on Sunday, the Illinois State Police said.")
    assert _by_text(doc)["Springfield"].admin1 == "Illinois"


def test_an_ambiguous_name_lies_in_the_region_of_the_reports_other_places() -> None:
    doc = _geocode(
        "A gunman opened fire in Hyde Park on Sunday. Two men were wounded, Chicago police said, and one was "
        "taken to a hospital in Chicago."
    )
    assert _by_text(doc)["Hyde Park"].admin1 == "Illinois"


def test_a_dominant_city_is_not_moved_by_a_neighbours_namesake_abroad() -> None:
    doc = _geocode("A man was shot in Brighton on Sunday. The victim was taken to a hospital in Boston, where he died.")
    assert _by_text(doc)["Boston"].admin1 == "Massachusetts"


def test_a_namesake_far_from_the_reports_city_is_placed_near_the_city() -> None:
    """A small town of a shared name hundreds of km from the report's city is a neighbourhood the gazetteer
    lacks: it takes the point of the city's area and keeps its name."""
    doc = _geocode("A man was shot in Avondale on Sunday. The victim was taken to a hospital in Cincinnati, where he died.")
    place, city = _by_text(doc)["Avondale"], _by_text(doc)["Cincinnati"]
    assert place.method.startswith("anchor:namesake:Cincinnati")
    assert place.name == "Avondale" and haversine_km(place.lat, place.lon, city.lat, city.lon) < 30


def test_a_town_of_another_region_in_a_report_on_one_region_is_placed_in_that_region() -> None:
    """A report on one state names a town the gazetteer knows only in another state, far away: the local
    place of that name is missing, so it takes the area of the report's place in the named state."""
    doc = _geocode(
        "A man was shot on Monday in Hopkins County, Kentucky, deputies said. The shooting happened at a farm "
        "on Pond River Road in Winnemucca."
    )
    place = _by_text(doc)["Winnemucca"]
    assert place.method.startswith("anchor:region:") and place.admin1 == "Kentucky"


@pytest.mark.parametrize("phrase", ["in the region of Ménaka", "in Ménaka region"])
def test_a_region_cue_names_the_region_not_its_seat(phrase: str) -> None:
    doc = _geocode(f"Gunmen attacked a camp for displaced people {phrase}, local sources said. The wounded were taken to Ménaka.")
    assert {p.precision for p in doc.places if p.text == "Ménaka"} == {PlacePrecision.REGION}


def test_an_english_word_spelled_like_a_place_is_the_word() -> None:
    doc = _geocode('"Four years old," the grandmother exclaimed in Creole. Riviera Beach police said the girl found a gun.')
    assert "Creole" not in {p.text for p in doc.places}


def test_with_no_place_in_the_named_region_the_stray_town_takes_the_region() -> None:
    doc = _geocode("A man was shot on Monday at a farm in Winnemucca, the Kentucky State Police said.")
    place = _by_text(doc)["Winnemucca"]
    assert place.method.startswith("anchor:region:Kentucky") and place.precision == PlacePrecision.REGION


def test_a_large_city_of_another_region_keeps_its_place() -> None:
    doc = _geocode("A man was shot on Monday in Hopkins County, Kentucky. He had moved there from Denver last year.")
    assert _by_text(doc)["Denver"].admin1 == "Colorado"


@pytest.mark.parametrize(
    "text,name,expected",
    [
        ("A teenager was shot in St. Charles County on Saturday night, deputies said.", "St. Charles County", "Saint Charles County"),
        ("SALT LAKE CITY — Police say a man shot a boy on Tuesday.", "SALT LAKE CITY", "Salt Lake City"),
    ],
)
def test_abbreviations_and_long_datelines(text: str, name: str, expected: str) -> None:
    """"St." is the gazetteer's "Saint"; a dateline is one name, not the shorter name inside it."""
    assert _by_text(_geocode(text))[name].name == expected


def test_a_newspaper_named_after_its_city_is_an_organisation() -> None:
    doc = _geocode("The sheriff of Yuma County told The Denver Post that the shooting was an accident.")
    assert "Denver" not in _by_text(doc) and "Yuma County" in _by_text(doc)
