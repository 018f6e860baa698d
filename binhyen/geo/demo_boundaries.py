"""Synthetic but plausible boundaries for the demo geography (provinces 98 and 99).

The demo area (about 105.45–106.05 E, 20.95–21.45 N, where the schemes demo puts its
points) is cut into a grid of cells whose corners and edges are jittered, so neighbours
share their edges exactly and the cells tile the area. The old communes (2020 structure)
take runs of cells along a Hilbert curve through the grid, in the order the demo merged
them, so every 2025 commune is the union of its predecessors' cells (a split commune
gives some cells to each successor) and districts and provinces are unions of their
communes. Outlines are built by cancelling the edges two cells share. The result goes
through the same import service as a real GeoJSON file; running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from binhyen.core.audit import audit_context

from . import queries
from .boundaries import BoundaryImportResult, import_boundaries
from .choices import Level
from .models import Transition, UnitVersion

WEST, SOUTH, EAST, NORTH = 105.45, 20.95, 106.05, 21.45
SEED = 2025
OLD_STRUCTURE = dt.date(2024, 12, 31)
NEW_STRUCTURE = dt.date(2025, 7, 1)

Point = tuple[float, float]


# ---- the jittered grid --------------------------------------------------------------


class _Grid:
    def __init__(self, columns: int, rows: int, seed: int):
        self.columns, self.rows, self.seed = columns, rows, seed
        self.dx = (EAST - WEST) / columns
        self.dy = (NORTH - SOUTH) / rows
        rng = random.Random(seed)
        self.corners = {
            (i, j): (
                WEST + (i + rng.uniform(-0.28, 0.28)) * self.dx,
                SOUTH + (j + rng.uniform(-0.28, 0.28)) * self.dy,
            )
            for i in range(columns + 1)
            for j in range(rows + 1)
        }
        self.edges: dict[tuple, list[Point]] = {}

    def edge(self, a: tuple[int, int], b: tuple[int, int]) -> list[Point]:
        """Points from corner a to corner b, wiggling: shared by the two cells it parts."""
        key = (a, b) if a < b else (b, a)
        if key not in self.edges:
            rng = random.Random(f"{self.seed}:{key}")
            (x0, y0), (x1, y1) = self.corners[key[0]], self.corners[key[1]]
            nx, ny = -(y1 - y0), x1 - x0  # normal
            points = [(x0, y0)]
            for t in (0.3, 0.55, 0.8):
                w = rng.uniform(-0.12, 0.12)
                points.append((x0 + t * (x1 - x0) + w * nx, y0 + t * (y1 - y0) + w * ny))
            points.append((x1, y1))
            self.edges[key] = points
        points = self.edges[key]
        return points if key[0] == a else points[::-1]

    def ring(self, i: int, j: int) -> list[Point]:
        """The cell's outline, counter-clockwise, closed."""
        corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1), (i, j)]
        ring: list[Point] = [self.corners[(i, j)]]
        for a, b in zip(corners, corners[1:], strict=False):
            ring += self.edge(a, b)[1:]
        return ring

    def path(self) -> list[tuple[int, int]]:
        """Every cell once along a Hilbert curve: consecutive runs of cells are compact
        blobs, so each commune (a run) and each merger of neighbours looks like one."""
        order = max(self.columns, self.rows)
        cells = []
        for d in range(order * order):
            i, j = _hilbert(order, d)
            if i < self.columns and j < self.rows:
                cells.append((i, j))
        return cells


def _hilbert(order: int, d: int) -> tuple[int, int]:
    """The cell at distance d along the Hilbert curve of an order × order grid."""
    x = y = 0
    s, t = 1, d
    while s < order:
        rx = 1 & (t // 2)
        ry = 1 & (t ^ rx)
        if ry == 0:
            if rx == 1:
                x, y = s - 1 - x, s - 1 - y
            x, y = y, x
        x += s * rx
        y += s * ry
        t //= 4
        s *= 2
    return x, y


def _area(ring: list[Point]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def _inside(point: Point, ring: list[Point]) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def union(grid: _Grid, cells: list[tuple[int, int]]) -> dict:
    """GeoJSON geometry of the union of cells: shared edges cancel, the rest is chained
    into rings; counter-clockwise rings are outlines, clockwise ones holes."""
    segments: set[tuple[Point, Point]] = set()
    for cell in cells:
        ring = grid.ring(*cell)
        for a, b in zip(ring, ring[1:], strict=False):
            if (b, a) in segments:
                segments.remove((b, a))
            else:
                segments.add((a, b))
    following: dict[Point, list[Point]] = defaultdict(list)
    for a, b in sorted(segments):
        following[a].append(b)
    rings: list[list[Point]] = []
    while following:
        start = min(following)
        ring, point = [start], start
        while True:
            nxt = following[point].pop()
            if not following[point]:
                del following[point]
            ring.append(nxt)
            point = nxt
            if point == start:
                break
        rings.append(ring)
    outlines = [r for r in rings if _area(r) > 0]
    polygons = [[r] for r in sorted(outlines, key=_area, reverse=True)]
    for hole in (r for r in rings if _area(r) < 0):
        owner = next((p for p in polygons if _inside(hole[0], p[0])), polygons[0])
        owner.append(hole)
    coordinates = [[[list(pt) for pt in r] for r in p] for p in polygons]
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}


# ---- the demo units -----------------------------------------------------------------


def _pieces(seed: int) -> tuple[list[tuple[UnitVersion, int | None]], dict]:
    """Old communes in the demo's merging order with the new commune each piece goes to,
    and the old versions by unit id (for districts and provinces)."""
    old = list(
        queries.versions_on(OLD_STRUCTURE)
        .filter(Q(unit__code__startswith="98") | Q(unit__code__startswith="99"))
        .filter(unit__level=Level.COMMUNE)
        .select_related("parent")
    )
    # the demo merged province 99's communes first, then 98's, each in code order
    old.sort(key=lambda v: (v.unit.code[:2] != "99", v.unit.code))
    successors: dict[int, list[int]] = defaultdict(list)
    for t in (
        Transition.objects.filter(predecessor__in=[v.unit for v in old], date=NEW_STRUCTURE)
        .exclude(successor_id__in=[v.unit_id for v in old])
        .order_by("successor__code")
    ):
        successors[t.predecessor_id].append(t.successor_id)
    first_seen: dict[int, int] = {}
    for n, version in enumerate(old):
        for new in successors[version.unit_id]:
            first_seen.setdefault(new, n)
    pieces: list[tuple[UnitVersion, int | None]] = []
    for version in old:
        news = sorted(successors[version.unit_id], key=first_seen.__getitem__)
        pieces += [(version, new) for new in news] or [(version, None)]
    return pieces, {v.unit_id: v for v in old}


def build_collections(seed: int = SEED) -> tuple[dict, dict]:
    """FeatureCollections of the 2020 units (provinces, districts, communes) and the 2025
    units (province, communes) of the demo."""
    pieces, old_versions = _pieces(seed)
    if not pieces:
        return _collection({}), _collection({})
    rng = random.Random(seed)
    side = 16  # a power of two for the Hilbert curve: 256 cells of about 3.5 km
    grid = _Grid(side, side, seed)
    path = grid.path()
    weights = [rng.uniform(0.6, 1.6) for _ in pieces]
    bounds = [round(sum(weights[: n + 1]) / sum(weights) * len(path)) for n in range(len(pieces))]
    sizes = [b - a for a, b in zip([0, *bounds], bounds, strict=False)]

    cells_of_old: dict[str, list] = defaultdict(list)  # code → cells
    cells_of_new: dict[int, list] = defaultdict(list)  # unit id → cells
    at = 0
    for (version, new), size in zip(pieces, sizes, strict=True):
        cells = path[at : at + size]
        at += size
        cells_of_old[version.unit.code] += cells
        if new is not None:
            cells_of_new[new] += cells
    old_shapes: dict[str, list] = dict(cells_of_old)
    for version in old_versions.values():  # districts: their communes' cells
        old_shapes.setdefault(version.parent.code, [])
        old_shapes[version.parent.code] += cells_of_old[version.unit.code]
    districts = queries.versions_on(OLD_STRUCTURE).filter(
        unit__level=Level.DISTRICT,
        unit_id__in={v.parent_id for v in old_versions.values()},
    )
    for district in districts.select_related("parent"):  # provinces: their districts'
        old_shapes.setdefault(district.parent.code, [])
        old_shapes[district.parent.code] += old_shapes[district.unit.code]

    new_versions = {
        v.unit_id: v
        for v in queries.versions_on(NEW_STRUCTURE)
        .filter(unit_id__in=list(cells_of_new))
        .select_related("parent")
    }
    new_shapes: dict[str, list] = {}
    for unit_id, cells in cells_of_new.items():
        version = new_versions[unit_id]
        new_shapes[version.unit.code] = cells
        if version.parent is not None:
            new_shapes.setdefault(version.parent.code, [])
            new_shapes[version.parent.code] += cells
    return (
        _collection({code: union(grid, cells) for code, cells in old_shapes.items()}),
        _collection({code: union(grid, cells) for code, cells in new_shapes.items()}),
    )


def _collection(shapes: dict[str, dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code}, "geometry": geometry}
            for code, geometry in sorted(shapes.items())
        ],
    }


@transaction.atomic
def load_demo_boundaries(stdout=None, seed: int = SEED) -> list[BoundaryImportResult]:
    """Make and load the demo boundaries (idempotent: a second run changes nothing)."""
    old, new = build_collections(seed)
    results = []
    with audit_context(source="demo"):
        for collection, on in ((old, OLD_STRUCTURE), (new, NEW_STRUCTURE)):
            results.append(import_boundaries(collection, on, source="demo"))
    if stdout is not None:
        for result, on in zip(results, (OLD_STRUCTURE, NEW_STRUCTURE), strict=True):
            stdout.write(
                _(
                    "Demo boundaries (%(on)s): %(created)d new, %(replaced)d replaced, "
                    "%(same)d unchanged."
                )
                % {
                    "on": on.isoformat(),
                    "created": result.created,
                    "replaced": result.replaced,
                    "same": result.unchanged,
                }
                + "\n"
            )
    return results
