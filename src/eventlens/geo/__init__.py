"""Geographic resources for eventlens: the offline gazetteer used by toponym resolution."""

from eventlens.geo.gazetteer import (
    Candidate,
    Gazetteer,
    GazetteerEntry,
    fold,
)

__all__ = ["Candidate", "Gazetteer", "GazetteerEntry", "fold"]
