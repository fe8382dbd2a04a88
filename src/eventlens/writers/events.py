"""events.json, events.csv and events.geojson: the fused incidents, for analysts' tools.

``events.json`` is :class:`~eventlens.model.EventsFile` as JSON (``{"incidents": [...], "documents": [...]}``),
described by ``schema/events.schema.json``. ``events.csv`` has one ACLED-like row per incident, and
``events.geojson`` one RFC 7946 Feature per located incident, with the csv columns as its properties.
Incidents are written in the order given. Field and column names are a contract: add, never rename.

Columns of events.csv, in order: event_id, event_date, time_precision, event_type, sub_event_type, actor1,
actor2, country, admin1, admin2, location, latitude, longitude, geo_precision, sources, source_count,
fatalities, fatalities_best, fatalities_high, injured_low, injured_best, injured_high, arrested_low,
arrested_best, arrested_high, notes, then first_reported, last_reported, time_local, date, date_precision,
category, plover_type, assoc_actor_1, assoc_actor_2, mentioned_in.

- An unknown value is an empty cell, never 0 (an explicit "no one was killed" is 0).
- ``fatalities`` is our *low* killed figure (ACLED's conservative convention); ``fatalities_best`` and
  ``fatalities_high`` give the rest of the range. Injured and arrested follow as low/best/high.
- ``event_date`` is the first day of what is known (``2023-09`` -> ``2023-09-01``, a range -> its first day);
  ``date`` keeps the value as reconciled and ``time_precision`` says how much of it is known.
- ``time_precision`` (ACLED's codes): 1 = the day is known (day or hour precision); 2 = within a week (only a
  weekday is known, or a stated range of at most 7 days); 3 = within a month or coarser (month, year, or a
  longer range).
- ``geo_precision`` (ACLED's codes): 1 = the town or village itself (exact, village, town); 2 = near it or part
  of a municipality or district (municipality); 3 = a region, province or coarser (region, country, continent).
- ``actor1``/``actor2`` hold the first actor in each role; further ones go to ``assoc_actor_1``/``assoc_actor_2``
  (joined by ``; ``). ``sources`` and ``mentioned_in`` are doc ids joined by ``;``. ``notes`` is the summary.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date as Date
from pathlib import Path
from typing import Any

from ..model import DocumentLink, EventsFile, Incident

__all__ = [
    "CSV_COLUMNS",
    "event_row",
    "write_events_csv",
    "write_events_geojson",
    "write_events_json",
    "write_events_schema",
]

CSV_COLUMNS: tuple[str, ...] = (
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
    # Added after ACLED's columns.
    "first_reported",
    "last_reported",
    "time_local",
    "date",
    "date_precision",
    "category",
    "plover_type",
    "assoc_actor_1",
    "assoc_actor_2",
    "mentioned_in",
)

_GEO_PRECISION = {
    "exact": 1,
    "village": 1,
    "town": 1,
    "municipality": 2,
    "region": 3,
    "country": 3,
    "continent": 3,
}
_TIME_PRECISION = {"hour": 1, "day": 1, "weekday": 2, "week": 2, "month": 3, "year": 3}
_WEEK_DAYS = 7  # ACLED's code 2 covers "within a week"


def _first_day(value: str) -> Date | None:
    """The first calendar day of an ISO date, month or year (``2023-09`` -> 2023-09-01); None if unreadable."""
    parts = value.strip()[:10].split("-")
    try:
        numbers = [int(part) for part in parts]
        return Date(numbers[0], numbers[1] if len(numbers) > 1 else 1, numbers[2] if len(numbers) > 2 else 1)
    except (ValueError, IndexError):
        return None


def _date_and_precision(incident: Incident) -> tuple[str | None, int | None]:
    """``event_date`` (first known day) and ACLED's ``time_precision`` code for an incident."""
    if not incident.date:
        return None, None
    start_text, sep, end_text = incident.date.partition("/")
    start = _first_day(start_text)
    if start is None:
        return None, None
    code = _TIME_PRECISION.get(incident.date_precision or "")
    if sep:
        end = _first_day(end_text)
        days = (end - start).days if end is not None else None
        code = 2 if days is not None and 0 <= days <= _WEEK_DAYS else 3
    elif code is None:
        code = 1 if len(start_text) >= 10 else 3
    return start.isoformat(), code


def _figure(incident: Incident, name: str) -> tuple[int | None, int | None, int | None]:
    figure = incident.figures.get(name)
    return (figure.low, figure.best, figure.high) if figure is not None else (None, None, None)


def event_row(incident: Incident) -> dict[str, Any]:
    """One incident as the events.csv columns (None where unknown); also the GeoJSON properties."""
    event_date, time_precision = _date_and_precision(incident)
    location = incident.location
    roles: dict[str, list[str]] = {"actor1": [], "actor2": []}
    for actor in incident.actors:
        names = roles.get(actor.role)
        if names is not None and actor.name not in names:
            names.append(actor.name)
    killed, injured, arrested = (_figure(incident, name) for name in ("killed", "injured", "arrested"))
    row: dict[str, Any] = {
        "event_id": incident.id,
        "event_date": event_date,
        "time_precision": time_precision,
        "event_type": incident.type,
        "sub_event_type": incident.sub_type,
        "actor1": roles["actor1"][0] if roles["actor1"] else None,
        "actor2": roles["actor2"][0] if roles["actor2"] else None,
        "country": location.country if location else None,
        "admin1": location.admin1 if location else None,
        "admin2": location.admin2 if location else None,
        "location": location.name if location else None,
        "latitude": location.lat if location else None,
        "longitude": location.lon if location else None,
        "geo_precision": _GEO_PRECISION.get(location.precision or "") if location else None,
        "sources": ";".join(incident.sources),
        "source_count": len(incident.sources),
        "fatalities": killed[0],
        "fatalities_best": killed[1],
        "fatalities_high": killed[2],
        "injured_low": injured[0],
        "injured_best": injured[1],
        "injured_high": injured[2],
        "arrested_low": arrested[0],
        "arrested_best": arrested[1],
        "arrested_high": arrested[2],
        "notes": incident.summary,
        "first_reported": incident.first_reported,
        "last_reported": incident.last_reported,
        "time_local": incident.time_local,
        "date": incident.date,
        "date_precision": incident.date_precision,
        "category": incident.category,
        "plover_type": incident.plover_type,
        "assoc_actor_1": "; ".join(roles["actor1"][1:]) or None,
        "assoc_actor_2": "; ".join(roles["actor2"][1:]) or None,
        "mentioned_in": ";".join(incident.mentioned_in) or None,
    }
    return row


def write_events_json(path: Path, incidents: Sequence[Incident], documents: Sequence[DocumentLink]) -> Path:
    """Write events.json: ``EventsFile(incidents, documents)`` as JSON (validates against events.schema.json)."""
    events = EventsFile(incidents=tuple(incidents), documents=tuple(documents))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(events.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def write_events_csv(path: Path, incidents: Sequence[Incident]) -> Path:
    """Write events.csv: one ACLED-like row per incident, columns :data:`CSV_COLUMNS`, empty cells for unknowns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()  # the csv module writes None as an empty cell
        writer.writerows(event_row(incident) for incident in incidents)
    return path


def write_events_geojson(path: Path, incidents: Sequence[Incident]) -> Path:
    """Write events.geojson: an RFC 7946 FeatureCollection, one Point per incident that has coordinates.

    Coordinates are ``[longitude, latitude]`` in WGS 84 (no ``crs`` member, as RFC 7946 requires); the
    properties are the events.csv columns plus ``id``. Incidents without coordinates are left out and
    counted in the foreign member ``incidents_without_coordinates``.
    """
    features = []
    for incident in incidents:
        location = incident.location
        if location is None or location.lat is None or location.lon is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": incident.id,
                "geometry": {"type": "Point", "coordinates": [location.lon, location.lat]},
                "properties": {"id": incident.id, **event_row(incident)},
            }
        )
    collection = {
        "type": "FeatureCollection",
        "features": features,
        "incidents_without_coordinates": len(incidents) - len(features),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(collection, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def write_events_schema(folder: Path) -> Path:
    """Write the JSON Schema of events.json to ``folder/events.schema.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "events.schema.json"
    schema = EventsFile.model_json_schema()
    path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
