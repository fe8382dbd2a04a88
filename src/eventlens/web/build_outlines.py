"""Build ``static/countries.geojson``, the offline basemap, from Natural Earth 1:110m admin-0 outlines.

The outlines come from the ``naturalearth_lowres`` shapefile that geopandas 0.14 ships inside its wheel
(Natural Earth is public domain), read with pyshp; coordinates are rounded to 0.01 degree (about 1 km,
finer than 1:110m) so the file stays small. A developer tool, not a run-time step: the served file is
committed, and nothing is fetched when the server runs::

    .venv/bin/pip download --no-deps geopandas==0.14.4 -d /tmp/gp && .venv/bin/pip install pyshp==3.1.6
    .venv/bin/python -m eventlens.web.build_outlines /tmp/gp/geopandas-0.14.4-py3-none-any.whl
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "static" / "countries.geojson"
_MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"


def _rounded(coords: Any) -> Any:
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], 2), round(coords[1], 2)]
    return [_rounded(c) for c in coords]


def build(wheel: Path, out: Path = OUT) -> Path:
    """Read the shapefile out of the wheel and write the rounded outlines as a GeoJSON FeatureCollection."""
    import shapefile  # pyshp

    with zipfile.ZipFile(wheel) as zf:
        parts = {ext: io.BytesIO(zf.read(f"{_MEMBER}.{ext}")) for ext in ("shp", "shx", "dbf")}
    reader = shapefile.Reader(shp=parts["shp"], shx=parts["shx"], dbf=parts["dbf"], encoding="latin-1")  # the .cpg says ISO-8859-1
    features = []
    for record in reader.shapeRecords():
        geometry = record.shape.__geo_interface__
        features.append(
            {
                "type": "Feature",
                "properties": {"name": record.record["name"], "iso_a3": record.record["iso_a3"]},
                "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])},
            }
        )
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m admin-0 countries (public domain), via geopandas 0.14.4 naturalearth_lowres",
        "features": features,
    }
    out.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1])))
