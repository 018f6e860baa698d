"""Unit boundaries: the GeoJSON import (all-or-nothing) and the reads behind the map.

A FeatureCollection is read with the standard library (size-guarded), each feature is
matched to the unit bearing its code on a date, its geometry checked (Polygon or
MultiPolygon, lon −180..180, lat −90..90, closed rings of at least four positions),
optionally simplified (Douglas–Peucker per ring, rings stay closed) and rounded to 5
decimals (about a metre). Any bad feature refuses the whole file with the list of
errors (feature index, code, what of it is refused, message): a code property that is
not a unit code at all (a 100,000-character text, a formula) is refused; a well-formed
code that matches no unit on the date is listed, not refused.
Re-importing replaces the boundaries of the units in the file and leaves the others.
The write is one bulk upsert with one summary audit row. See docs/boundaries.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.core import audit
from binhyen.core.spreadsheets.cells import CODE_RE, shown

from . import queries
from .choices import LEVEL_RANK, Level
from .models import AdminUnit, Placement, UnitBoundary, UnitVersion

# Property names tried, in order, when the file's code property is not named.
CODE_PROPERTIES = (
    "code",
    "ma",
    "ma_dvhc",
    "ma_tinh",
    "ma_huyen",
    "ma_xa",
    "MA",
    "MA_DVHC",
    "MA_TINH",
    "MA_HUYEN",
    "MA_XA",
    "Ma",
    "MaDVHC",
)
MAX_FILE_BYTES = 300 * 1024 * 1024  # a national commune file, unsimplified, is ~250 MB
MAX_ERRORS = 200
DECIMALS = 5
UPDATED_FIELDS = ("geometry", "min_lon", "min_lat", "max_lon", "max_lat", "source", "loaded_at")


# ---- errors and results -------------------------------------------------------------


@dataclass(frozen=True)
class FeatureError:
    index: int | None  # position of the feature in the collection (0-based); None: the file
    code: str
    message: str
    field: str = ""  # what of the feature is refused: its code property or its geometry

    def __str__(self) -> str:
        if self.index is None:
            return self.message
        where = _("feature %(i)d") % {"i": self.index}
        if self.code:
            where += f" ({self.code})"
        if self.field:
            where += f" [{self.field}]"
        return f"{where}: {self.message}"


class BoundariesRejected(Exception):
    """Nothing was written; `errors` lists every bad feature (at most MAX_ERRORS)."""

    def __init__(self, errors: list[FeatureError], truncated: bool = False):
        self.errors = errors
        self.truncated = truncated
        super().__init__("\n".join(str(e) for e in errors[:50]))


class GeometryError(ValueError):
    pass


@dataclass
class BoundaryImportResult:
    features: int = 0
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    unmatched: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def matched(self) -> int:
        return self.created + self.replaced + self.unchanged


# ---- reading ------------------------------------------------------------------------


def read_geojson(path: Path, max_bytes: int = MAX_FILE_BYTES) -> dict[str, Any]:
    """The FeatureCollection in a file, or BoundariesRejected saying why not."""

    def refuse(message: str) -> BoundariesRejected:
        return BoundariesRejected([FeatureError(None, "", message)])

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise refuse(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc}) from exc
    if size > max_bytes:
        raise refuse(
            _(
                "%(file)s is %(size)d MB, more than the %(max)d MB allowed: simplify it "
                "first (for example with mapshaper) or split it by province."
            )
            % {"file": path.name, "size": size // 2**20, "max": max_bytes // 2**20}
        )
    try:
        with path.open("rb") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise refuse(
            _("%(file)s is not a GeoJSON (JSON) file: %(error)s")
            % {"file": path.name, "error": exc}
        ) from exc
    check_collection(data)
    return data


def check_collection(data: Any) -> None:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundariesRejected(
            [FeatureError(None, "", _("The file is not a GeoJSON FeatureCollection."))]
        )
    if not isinstance(data.get("features"), list):
        raise BoundariesRejected(
            [FeatureError(None, "", _("The FeatureCollection has no list of features."))]
        )


# ---- geometry -----------------------------------------------------------------------


def _position(value: Any) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) < 2:
        raise GeometryError(_("a position is not a [longitude, latitude] pair"))
    lon, lat = value[0], value[1]
    for number in (lon, lat):
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise GeometryError(_("a coordinate is not a number"))
        if not math.isfinite(number):
            raise GeometryError(_("a coordinate is not a finite number"))
    if not -180 <= lon <= 180:
        raise GeometryError(_("longitude %(lon)s is outside −180..180") % {"lon": lon})
    if not -90 <= lat <= 90:
        raise GeometryError(_("latitude %(lat)s is outside −90..90") % {"lat": lat})
    return float(lon), float(lat)


def _ring(value: Any, where: str) -> list[tuple[float, float]]:
    if not isinstance(value, list):
        raise GeometryError(_("%(where)s is not a list of positions") % {"where": where})
    try:
        ring = [_position(p) for p in value]
    except GeometryError as exc:
        raise GeometryError(f"{where}: {exc}") from exc
    if len(ring) < 4:
        raise GeometryError(
            _("%(where)s has %(n)d positions; a ring needs at least 4")
            % {"where": where, "n": len(ring)}
        )
    if ring[0] != ring[-1]:
        raise GeometryError(
            _("%(where)s is not closed (its first and last positions differ)") % {"where": where}
        )
    return ring


def _segment_distance(p, a, b) -> float:
    """Distance from p to the segment ab (planar, in degrees: enough for simplifying)."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def simplify_line(points: list[tuple[float, float]], tolerance: float) -> list:
    """Douglas–Peucker (iterative): keeps the end points and every point farther than
    `tolerance` from the simplified line. A closed ring stays closed (same end points)."""
    if tolerance <= 0 or len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, 0
        for i in range(first + 1, last):
            d = _segment_distance(points[i], points[first], points[last])
            if d > far:
                far, index = d, i
        if far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _finish_ring(ring: list, tolerance: float | None) -> list[list[float]] | None:
    """Simplified, rounded, without repeated positions; None when it collapses."""
    if tolerance:
        simpler = simplify_line(ring, tolerance)
        if len(simpler) >= 4:
            ring = simpler
    out: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def clean_geometry(
    geometry: Any, tolerance: float | None = None
) -> tuple[dict[str, Any], tuple[float, float, float, float]]:
    """Checked, simplified and rounded geometry and its (min_lon, min_lat, max_lon, max_lat)."""
    if not isinstance(geometry, dict):
        raise GeometryError(_("the feature has no geometry"))
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            _("geometry type %(type)s is not Polygon or MultiPolygon") % {"type": kind}
        )
    if not isinstance(coordinates, list) or not coordinates:
        raise GeometryError(_("the geometry has no coordinates"))
    polygons = [coordinates] if kind == "Polygon" else coordinates
    cleaned: list[list[list[list[float]]]] = []
    for p, polygon in enumerate(polygons, start=1):
        if not isinstance(polygon, list) or not polygon:
            raise GeometryError(_("polygon %(p)d has no rings") % {"p": p})
        rings = []
        for r, raw in enumerate(polygon, start=1):
            where = _("polygon %(p)d, ring %(r)d") % {"p": p, "r": r}
            ring = _finish_ring(_ring(raw, where), tolerance)
            if ring is None and r == 1:
                break  # the outer ring is smaller than the rounding: drop the polygon
            if ring is not None:
                rings.append(ring)
        if rings:
            cleaned.append(rings)
    if not cleaned:
        raise GeometryError(_("the geometry is smaller than a metre once rounded"))
    outer = [pt for polygon in cleaned for pt in polygon[0]]
    bbox = (
        min(pt[0] for pt in outer),
        min(pt[1] for pt in outer),
        max(pt[0] for pt in outer),
        max(pt[1] for pt in outer),
    )
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": cleaned[0]}, bbox
    return {"type": "MultiPolygon", "coordinates": cleaned}, bbox


# ---- matching -----------------------------------------------------------------------


def feature_code(properties: Any, code_property: str | None) -> tuple[str, bool]:
    """(code, was a JSON number) of a feature; ("", False) when it has none."""
    if not isinstance(properties, dict):
        return "", False
    if code_property:
        value = properties.get(code_property)
    else:
        value = next(
            (
                properties[name]
                for name in CODE_PROPERTIES
                if properties.get(name) not in (None, "")
            ),
            None,
        )
    if value is None or isinstance(value, bool):
        return "", False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip(), isinstance(value, int)


def _candidates(code: str, numeric: bool) -> list[str]:
    """A code and, when the file stored it as a number (leading zeros lost), its padded
    forms: 1 → 01 (province), 001 (district), 00001 (commune)."""
    if not numeric:
        return [code]
    return list(dict.fromkeys([code, code.zfill(2), code.zfill(3), code.zfill(5)]))


def _units_by_code(codes: set[str], on: dt.date, level: str | None) -> dict[str, AdminUnit]:
    """The unit bearing each code on a date, coarsest level first (one query)."""
    versions = queries.versions_on(on).filter(unit__code__in=codes)
    if level:
        versions = versions.filter(unit__level=level)
    found: dict[str, AdminUnit] = {}
    for version in sorted(versions, key=lambda v: LEVEL_RANK[v.unit.level]):
        found.setdefault(version.unit.code, version.unit)
    return found


# ---- the import ---------------------------------------------------------------------


@dataclass
class _Cleaned:
    index: int
    code: str
    unit: AdminUnit
    geometry: dict[str, Any]
    bbox: tuple[float, float, float, float]


def import_boundaries(
    collection: dict[str, Any],
    on: dt.date,
    *,
    code_property: str | None = None,
    level: str | None = None,
    simplify: float | None = None,
    source: str = "",
    dry_run: bool = False,
) -> BoundaryImportResult:
    """Check every feature, then write all boundaries or none (BoundariesRejected)."""
    check_collection(collection)
    features = collection["features"]
    errors: list[FeatureError] = []
    pending: list[tuple[int, str, bool, dict, tuple]] = []
    for index, feature in enumerate(features):
        if len(errors) >= MAX_ERRORS:
            raise BoundariesRejected(errors, truncated=True)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(FeatureError(index, "", _("not a GeoJSON Feature")))
            continue
        code, numeric = feature_code(feature.get("properties"), code_property)
        prop = code_property or "code"
        if not code:
            message = (
                _("no %(name)s property") % {"name": code_property}
                if code_property
                else _("no code property (tried %(names)s; name it with --code-property)")
                % {"names": ", ".join(CODE_PROPERTIES[:6])}
            )
            errors.append(FeatureError(index, "", message, prop))
            continue
        if not CODE_RE.match(code):  # not a code at all (not a code of no unit: listed)
            message = _("'%(code)s' is not a unit code") % {"code": shown(code)}
            errors.append(FeatureError(index, shown(code), message, prop))
            continue
        try:
            geometry, bbox = clean_geometry(feature.get("geometry"), simplify)
        except GeometryError as exc:
            errors.append(FeatureError(index, code, str(exc), "geometry"))
            continue
        pending.append((index, code, numeric, geometry, bbox))

    wanted = {c for _i, code, numeric, _g, _b in pending for c in _candidates(code, numeric)}
    units = _units_by_code(wanted, on, level)
    result = BoundaryImportResult(features=len(features), dry_run=dry_run)
    matched: list[_Cleaned] = []
    first_of: dict[int, int] = {}  # unit id → index of the feature that matched it
    for index, code, numeric, geometry, bbox in pending:
        unit = next((units[c] for c in _candidates(code, numeric) if c in units), None)
        if unit is None:
            result.unmatched.append(code)
            continue
        if unit.pk in first_of:
            errors.append(
                FeatureError(
                    index,
                    code,
                    _("unit %(code)s already has a boundary in feature %(i)d")
                    % {"code": unit.code, "i": first_of[unit.pk]},
                    code_property or "code",
                )
            )
            continue
        first_of[unit.pk] = index
        matched.append(_Cleaned(index, code, unit, geometry, bbox))
    if errors:
        raise BoundariesRejected(errors[:MAX_ERRORS], truncated=len(errors) > MAX_ERRORS)
    _write(matched, result, source, dry_run)
    return result


@transaction.atomic
def _write(matched: list[_Cleaned], result: BoundaryImportResult, source: str, dry_run: bool):
    existing = dict(
        UnitBoundary.objects.filter(unit__in=[m.unit for m in matched]).values_list(
            "unit_id", "geometry"
        )
    )
    now = timezone.now()
    rows = []
    for m in matched:
        if m.unit.pk not in existing:
            result.created += 1
        elif existing[m.unit.pk] == m.geometry:
            result.unchanged += 1
            continue
        else:
            result.replaced += 1
        min_lon, min_lat, max_lon, max_lat = m.bbox
        rows.append(
            UnitBoundary(
                unit=m.unit,
                geometry=m.geometry,
                min_lon=min_lon,
                min_lat=min_lat,
                max_lon=max_lon,
                max_lat=max_lat,
                source=source[:200],
                loaded_at=now,
            )
        )
    if dry_run or not rows:
        return
    UnitBoundary.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["unit"],
        update_fields=[
            "geometry",
            "min_lon",
            "min_lat",
            "max_lon",
            "max_lat",
            "source",
            "loaded_at",
        ],
    )
    audit.record_bulk(
        UnitBoundary,
        _("Boundaries imported from %(source)s: %(created)d new, %(replaced)d replaced.")
        % {"source": source or "?", "created": result.created, "replaced": result.replaced},
        source=source,
        created=result.created,
        replaced=result.replaced,
        unchanged=result.unchanged,
        unmatched=result.unmatched[:100],
    )


# ---- reads --------------------------------------------------------------------------


@dataclass
class BoundarySelection:
    """The units a boundary request asks for: their versions on the date, in code order."""

    versions: list[UnitVersion]

    @property
    def unit_ids(self) -> list[int]:
        return [v.unit_id for v in self.versions]

    def fingerprint(self, extra: str = "") -> str:
        """An ETag for the selection: changes when a unit or a boundary changes."""
        stamps = UnitBoundary.objects.filter(unit_id__in=self.unit_ids).values_list(
            "unit_id", "loaded_at"
        )
        text = extra + "|" + ";".join(f"{v.unit_id}:{v.name}" for v in self.versions)
        text += "|" + ";".join(f"{uid}@{at.isoformat()}" for uid, at in sorted(stamps))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def feature_collection(self) -> dict[str, Any]:
        shapes = dict(
            UnitBoundary.objects.filter(unit_id__in=self.unit_ids).values_list(
                "unit_id", "geometry"
            )
        )
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": v.unit.code,
                    "geometry": shapes[v.unit_id],
                    "properties": {"code": v.unit.code, "name": v.name, "level": v.unit.level},
                }
                for v in self.versions
                if v.unit_id in shapes
            ],
        }


def select_units(within: AdminUnit | None, level: str | None, on: dt.date) -> BoundarySelection:
    """Units in force on `on`: at `level` under `within` (through the Placement table), the
    children of `within` when no level is named, and the provinces (or every unit at
    `level`) when `within` is absent."""
    versions = queries.versions_on(on)
    if within is None:
        versions = versions.filter(unit__level=level or Level.PROVINCE)
    elif level is None:
        versions = versions.filter(parent=within)
    elif LEVEL_RANK[level] <= LEVEL_RANK[within.level]:
        versions = versions.filter(unit=within) if level == within.level else versions.none()
    else:
        under = Placement.objects.filter(
            structure_date=queries.structure_date(on), **{within.level: within}
        ).values("unit_id")
        versions = versions.filter(unit__level=level, unit_id__in=under)
    return BoundarySelection(list(versions.order_by("unit__code")))


def bbox_q(min_lon: float, min_lat: float, max_lon: float, max_lat: float):
    """Boundaries whose box meets the given box (for a map's visible area)."""
    return Q(max_lon__gte=min_lon, min_lon__lte=max_lon, max_lat__gte=min_lat, min_lat__lte=max_lat)
