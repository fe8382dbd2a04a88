"""events.json (against its committed JSON Schema), events.csv (ACLED-like columns) and events.geojson (RFC 7946)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from eventlens.model import EventsFile, Incident, Location, SourceReport
from eventlens.writers import (
    write_events_csv,
    write_events_geojson,
    write_events_json,
    write_events_schema,
    write_timeline_png,
)
from eventlens.writers.events import CSV_COLUMNS, event_row
from eventlens.writers.timeline import MAX_ROWS, _shown

SCHEMA = Path(__file__).resolve().parents[2] / "schema" / "events.schema.json"
ACLED_COLUMNS = [
    "event_id",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "sources",
    "source_count",
    "fatalities",
    "fatalities_best",
    "fatalities_high",
    "injured_low",
    "injured_best",
    "injured_high",
    "arrested_low",
    "arrested_best",
    "arrested_high",
    "notes",
]


def test_committed_events_schema_is_current(tmp_path: Path) -> None:
    fresh = write_events_schema(tmp_path)
    assert SCHEMA.exists(), "schema/events.schema.json is missing; run `eventlens schema` and commit it"
    assert SCHEMA.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), (
        "schema/events.schema.json is out of date; run `eventlens schema` and commit the diff"
    )


def test_events_json_validates_against_the_schema(tmp_path: Path, kosovo) -> None:
    path = write_events_json(tmp_path / "events.json", kosovo.incidents, kosovo.documents)
    data = json.loads(path.read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert list(data) == ["incidents", "documents"]
    assert [i["id"] for i in data["incidents"]] == [kosovo.banjska.id, kosovo.mitrovica.id]
    assert data["incidents"][0]["figures"]["killed"]["by_group"]["attackers"]["best"] == 3
    assert EventsFile.model_validate(data) == EventsFile(incidents=kosovo.incidents, documents=kosovo.documents)


def test_schema_rejects_a_renamed_field(kosovo, tmp_path: Path) -> None:
    data = json.loads(write_events_json(tmp_path / "events.json", kosovo.incidents, ()).read_text(encoding="utf-8"))
    data["incidents"][0]["place"] = data["incidents"][0].pop("location")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_empty_events_json(tmp_path: Path) -> None:
    data = json.loads(write_events_json(tmp_path / "out" / "events.json", (), ()).read_text(encoding="utf-8"))
    assert data == {"incidents": [], "documents": []}


def test_csv_columns_in_order(tmp_path: Path, kosovo) -> None:
    path = write_events_csv(tmp_path / "events.csv", kosovo.incidents)
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[: len(ACLED_COLUMNS)] == ACLED_COLUMNS
    assert tuple(header) == CSV_COLUMNS


def test_csv_reads_back_with_pandas(tmp_path: Path, kosovo) -> None:
    path = write_events_csv(tmp_path / "events.csv", kosovo.incidents)
    frame = pd.read_csv(path, parse_dates=["event_date"], dtype={"event_id": str}, dtype_backend="numpy_nullable")
    assert len(frame) == 2
    assert frame["event_id"].tolist() == [kosovo.banjska.id, kosovo.mitrovica.id]
    assert pd.api.types.is_datetime64_any_dtype(frame["event_date"])
    assert frame["event_date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-09-24", "2022-07-31"]
    for column in ("time_precision", "geo_precision", "source_count", "fatalities", "injured_high", "arrested_best"):
        assert pd.api.types.is_integer_dtype(frame[column]), column
    assert pd.api.types.is_float_dtype(frame["latitude"]) and pd.api.types.is_float_dtype(frame["longitude"])
    banjska, mitrovica = frame.iloc[0], frame.iloc[1]
    assert (banjska["fatalities"], banjska["fatalities_best"], banjska["fatalities_high"]) == (1, 4, 4)
    assert (banjska["injured_low"], banjska["injured_best"], banjska["injured_high"]) == (1, 1, 3)
    assert banjska["arrested_best"] == 6 and banjska["source_count"] == 4
    assert banjska["sources"].split(";") == list(kosovo.banjska.sources)
    assert (banjska["actor1"], banjska["assoc_actor_1"], banjska["actor2"]) == (
        "Serb armed group",
        "Serbian criminal gangs",
        "Kosovo Police",
    )
    assert (banjska["country"], banjska["location"], banjska["geo_precision"], banjska["time_precision"]) == (
        "XK",
        "Banjska",
        1,
        1,
    )
    assert banjska["notes"] == kosovo.banjska.summary
    # Mitrovica states no figure: empty cells (read as NA), never 0.
    assert all(pd.isna(mitrovica[c]) for c in ("fatalities", "fatalities_best", "injured_best", "arrested_high"))
    assert pd.isna(mitrovica["admin2"]) and pd.isna(mitrovica["actor1"])


def test_csv_unknown_figures_are_empty_cells(tmp_path: Path) -> None:
    path = write_events_csv(tmp_path / "events.csv", [Incident(id="x")])
    with path.open(encoding="utf-8", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["fatalities"] == "" and row["latitude"] == "" and row["source_count"] == "0"


@pytest.mark.parametrize(
    "date,precision,event_date,code",
    [
        ("2023-09-24", "day", "2023-09-24", 1),
        ("2023-09-24T02:40", "hour", "2023-09-24", 1),
        ("2023-09-24", "weekday", "2023-09-24", 2),
        ("2023-09-24", "week", "2023-09-24", 2),
        ("2023-09-22/2023-09-24", "day", "2023-09-22", 2),
        ("2023-09-01/2023-09-30", "day", "2023-09-01", 3),
        ("2023-09", "month", "2023-09-01", 3),
        ("2023", "year", "2023-01-01", 3),
        ("2023-09", None, "2023-09-01", 3),
        (None, None, None, None),
        ("not a date", "day", None, None),
    ],
)
def test_time_precision_codes(
    date: str | None, precision: str | None, event_date: str | None, code: int | None
) -> None:
    row = event_row(Incident(id="x", date=date, date_precision=precision))
    assert (row["event_date"], row["time_precision"]) == (event_date, code)


@pytest.mark.parametrize(
    "precision,code",
    [("exact", 1), ("village", 1), ("town", 1), ("municipality", 2), ("region", 3), ("country", 3), (None, None)],
)
def test_geo_precision_codes(precision: str | None, code: int | None) -> None:
    row = event_row(Incident(id="x", location=Location(name="P", lat=1.0, lon=2.0, precision=precision)))
    assert row["geo_precision"] == code


def _check_rfc7946(collection: dict) -> None:
    """The RFC 7946 rules a FeatureCollection of Points must meet (sections 3, 3.1.1, 3.1.2, 3.2, 3.3, 4)."""
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # removed from the spec (section 4)
    assert isinstance(collection["features"], list)
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and "crs" not in feature
        assert isinstance(feature.get("id"), str | int)
        assert "properties" in feature and (feature["properties"] is None or isinstance(feature["properties"], dict))
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert all(isinstance(v, float | int) and math.isfinite(v) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_geojson_points_are_lon_lat(tmp_path: Path, kosovo) -> None:
    path = write_events_geojson(tmp_path / "events.geojson", kosovo.incidents)
    collection = json.loads(path.read_text(encoding="utf-8"))
    _check_rfc7946(collection)
    banjska = collection["features"][0]
    assert banjska["geometry"]["coordinates"] == [20.79, 42.99]  # [longitude, latitude]
    assert banjska["id"] == banjska["properties"]["id"] == kosovo.banjska.id
    assert set(CSV_COLUMNS) <= set(banjska["properties"])
    assert banjska["properties"]["fatalities_best"] == 4 and banjska["properties"]["latitude"] == 42.99
    assert collection["features"][1]["properties"]["fatalities"] is None
    assert collection["incidents_without_coordinates"] == 0


def test_geojson_leaves_out_incidents_without_coordinates(tmp_path: Path, kosovo) -> None:
    unplaced = Incident(id="nowhere", location=Location(name="somewhere", country="XK"))
    path = write_events_geojson(tmp_path / "events.geojson", [kosovo.banjska, unplaced, Incident(id="bare")])
    collection = json.loads(path.read_text(encoding="utf-8"))
    _check_rfc7946(collection)
    assert [f["id"] for f in collection["features"]] == [kosovo.banjska.id]
    assert collection["incidents_without_coordinates"] == 2


def test_geojson_empty(tmp_path: Path) -> None:
    collection = json.loads(write_events_geojson(tmp_path / "e.geojson", []).read_text(encoding="utf-8"))
    _check_rfc7946(collection)
    assert collection["features"] == []


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_timeline_png(tmp_path: Path, kosovo) -> None:
    width, height = _png_size(write_timeline_png(tmp_path / "timeline.png", kosovo.incidents))
    assert width > 0 and height > 0


def test_timeline_with_no_incidents_and_undated_reports(tmp_path: Path) -> None:
    undated = Incident(id="u", sources=("a", "b"), provenance=(SourceReport(doc_id="a", role="main"),))
    _png_size(write_timeline_png(tmp_path / "empty.png", []))
    _png_size(write_timeline_png(tmp_path / "undated.png", [undated]))


def test_timeline_caps_the_rows(tmp_path: Path) -> None:
    incidents = [
        Incident(
            id=f"i{n:03d}",
            date=f"2023-{1 + n % 12:02d}-{1 + n % 28:02d}",
            sources=tuple(f"d{n}_{k}" for k in range(1 + n % 4)),
            provenance=tuple(
                SourceReport(doc_id=f"d{n}_{k}", role="main", published=f"2023-{1 + n % 12:02d}-{1 + n % 28:02d}")
                for k in range(1 + n % 4)
            ),
        )
        for n in range(300)
    ]
    shown = _shown(incidents)
    assert len(shown) == MAX_ROWS
    assert min(len(i.sources) for i in shown) >= max(len(i.sources) for i in incidents if i not in shown)
    capped = _png_size(write_timeline_png(tmp_path / "many.png", incidents))[1]
    assert capped == _png_size(write_timeline_png(tmp_path / "max.png", incidents[:MAX_ROWS]))[1]
