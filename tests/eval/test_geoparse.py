"""End-to-end geoparse matching (issue 16): a gold toponym takes the place at its exact span, else at the
span overlapping it most; a gold toponym nobody spotted is a miss; predictions are scored for precision."""

from __future__ import annotations

from eventlens.eval.geoparse import MAX_ERROR_KM, _error, match_predictions
from eventlens.model import Place
from eventlens.stages.geocode import Toponym


def _place(start: int, end: int, lat: float, lon: float) -> Place:
    return Place(text="x" * (end - start), name="x", lat=lat, lon=lon, start=start, end=end)


def test_exact_then_overlapping_spans_and_misses() -> None:
    gold = [
        {"start": 0, "end": 5, "lat": 10.0, "lon": 10.0},  # spotted exactly
        {"start": 10, "end": 20, "lat": 20.0, "lon": 20.0},  # spotted as a longer name
        {"start": 30, "end": 35, "lat": 30.0, "lon": 30.0},  # not spotted
        {"start": 40, "end": 45, "lat": None, "lon": None},  # a demonym: no coordinates
    ]
    predicted = [
        (Toponym(0, 5, "aaaaa"), _place(0, 5, 10.0, 10.0)),
        (Toponym(10, 25, "b" * 15), _place(10, 25, 20.5, 20.0)),
        (Toponym(40, 45, "ddddd", "demonym"), _place(40, 45, 0.0, 0.0)),
        (Toponym(50, 55, "eeeee"), _place(50, 55, 0.0, 0.0)),  # no gold there: a false place
    ]
    matched, hits = match_predictions(gold, predicted)
    (exact0, best0), (exact1, best1), (exact2, best2), _ = matched
    assert exact0 is best0 is not None and _error(best0, gold[0]) == 0
    assert exact1 is None and best1 is not None and _error(best1, gold[1]) < 161
    assert exact2 is None and best2 is None and _error(best2, gold[2]) == MAX_ERROR_KM
    # precision: the demonym over gold without coordinates is not counted; the false place is wrong
    assert hits == [True, True, None, False]
