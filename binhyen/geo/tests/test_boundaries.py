"""Unit boundaries: the GeoJSON import, the boundaries API and the demo boundaries."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import include, path, reverse
from django.utils import translation

from binhyen.conftest import current
from binhyen.core.models import AuditEntry
from binhyen.geo.boundaries import (
    BoundariesRejected,
    clean_geometry,
    import_boundaries,
    read_geojson,
    simplify_line,
)
from binhyen.geo.demo_boundaries import load_demo_boundaries
from binhyen.geo.models import UnitBoundary

# the boundaries API mounted beside the project's URLs until binhyen/api/urls.py includes it
urlpatterns = [
    path("api/v1/", include("binhyen.geo.api.boundaries")),
    path("", include("binhyen.urls")),
]
api = pytest.mark.urls(__name__)

AFTER = dt.date(2025, 7, 1)


def square(lon: float, lat: float, size: float = 0.01, steps: int = 1) -> list:
    """A closed counter-clockwise square ring with `steps` points on each side."""
    ring = []
    corners = [(lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size)]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1], strict=True):
        for k in range(steps):
            ring.append([x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps])
    return ring + [ring[0]]


def feature(code, ring=None, key="code", kind="Polygon"):
    ring = ring or square(105.6, 21.1)
    coordinates = [ring] if kind == "Polygon" else [[ring]]
    return {
        "type": "Feature",
        "properties": {key: code, "ten": "x"},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def new_communes() -> list[str]:
    from binhyen.geo.models import AdminUnit

    return list(
        AdminUnit.objects.filter(level="commune", valid_to__isnull=True, code__startswith="9")
        .order_by("code")
        .values_list("code", flat=True)
    )


# ---- geometry -------------------------------------------------------------------------


def test_simplify_keeps_rings_closed_and_drops_points_on_straight_sides():
    ring = [tuple(p) for p in square(105.0, 21.0, size=0.1, steps=10)]
    simpler = simplify_line(ring, 0.001)
    assert simpler[0] == simpler[-1]
    assert len(simpler) == 5  # the four corners, closed
    geometry, bbox = clean_geometry(
        {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}, 0.001
    )
    outer = geometry["coordinates"][0]
    assert outer[0] == outer[-1] and len(outer) == 5
    assert bbox == (105.0, 21.0, 105.1, 21.1)


def test_coordinates_are_rounded_to_five_decimals():
    ring = [[105.123456789, 21.0], [105.2, 21.0], [105.2, 21.1], [105.123456789, 21.0]]
    geometry, _bbox = clean_geometry({"type": "Polygon", "coordinates": [ring]})
    assert geometry["coordinates"][0][0] == [105.12346, 21.0]


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [105, 21]},
        {"type": "Polygon", "coordinates": [[[105, 21], [106, 21], [106, 22], [105.5, 22]]]},
        {"type": "Polygon", "coordinates": [[[105, 21], [106, 21], [105, 21]]]},
        {"type": "Polygon", "coordinates": [[[185, 21], [186, 21], [186, 22], [185, 21]]]},
        {"type": "Polygon", "coordinates": [[[105, 91], [106, 21], [106, 22], [105, 91]]]},
        {"type": "Polygon", "coordinates": [[["105", 21], [106, 21], [106, 22], ["105", 21]]]},
        None,
    ],
    ids=["point", "open-ring", "short-ring", "longitude", "latitude", "text", "none"],
)
def test_bad_geometries_are_refused(geometry):
    from binhyen.geo.boundaries import GeometryError

    with pytest.raises(GeometryError):
        clean_geometry(geometry)


# ---- the import -----------------------------------------------------------------------


def test_import_matches_codes_on_the_date_and_lists_unmatched_codes(demo):
    first, second = new_communes()[:2]
    result = import_boundaries(
        collection(
            feature(first),
            feature(second, square(105.7, 21.2), kind="MultiPolygon"),
            feature("99", square(105.5, 21.0, 0.5)),
            feature("00000"),
        ),
        AFTER,
        source="test.geojson",
    )
    assert (result.created, result.replaced, result.unmatched) == (3, 0, ["00000"])
    stored = UnitBoundary.objects.get(unit=current("commune", second))
    assert stored.geometry["type"] == "MultiPolygon"
    assert (stored.min_lon, stored.min_lat, stored.max_lon, stored.max_lat) == (
        105.7,
        21.2,
        105.71,
        21.21,
    )
    assert UnitBoundary.objects.get(unit=current("province", "99")).source == "test.geojson"
    # a code reused by the 2025 structure matches the unit in force on the date asked
    before = import_boundaries(collection(feature(first)), dt.date(2024, 1, 1))
    assert before.created == 1
    assert UnitBoundary.objects.filter(unit__code=first).count() == 2
    assert AuditEntry.objects.filter(model="geo.unitboundary", action="bulk").count() == 2


def test_import_is_all_or_nothing_with_a_report_per_feature(demo):
    first, second = new_communes()[:2]
    open_ring = square(105.6, 21.1)[:-1] + [[105.0, 20.0]]
    with translation.override("en"), pytest.raises(BoundariesRejected) as caught:
        import_boundaries(collection(feature(first), feature(second, open_ring)), AFTER)
    assert not UnitBoundary.objects.exists()
    [error] = caught.value.errors
    assert (error.index, error.code) == (1, second)
    assert "not closed" in str(error)


def test_import_refuses_a_unit_twice_and_a_feature_without_code(demo):
    first = new_communes()[0]
    with pytest.raises(BoundariesRejected) as caught:
        import_boundaries(collection(feature(first), feature(first), feature("", key="x")), AFTER)
    assert [(e.index, e.code) for e in caught.value.errors] == [(2, ""), (1, first)]


def test_reimport_replaces_and_an_identical_file_changes_nothing(demo):
    first = new_communes()[0]
    import_boundaries(collection(feature(first)), AFTER)
    again = import_boundaries(collection(feature(first)), AFTER)
    assert (again.created, again.replaced, again.unchanged) == (0, 0, 1)
    moved = import_boundaries(collection(feature(first, square(105.9, 21.3))), AFTER)
    assert moved.replaced == 1
    boundary = UnitBoundary.objects.get()
    assert boundary.min_lon == 105.9
    assert AuditEntry.objects.filter(model="geo.unitboundary", action="bulk").count() == 2


def test_code_property_can_be_named_and_numbers_are_padded(demo):
    first = new_communes()[0]
    named = import_boundaries(
        collection(feature(first, key="MaXa")), AFTER, code_property="MaXa", dry_run=True
    )
    assert named.created == 1 and not UnitBoundary.objects.exists()  # dry run
    padded = import_boundaries(collection(feature(99, key="ma_tinh")), AFTER)
    assert padded.created == 1
    assert UnitBoundary.objects.get().unit == current("province", "99")


def test_command_imports_a_file_and_reports(demo, tmp_path, capsys):
    first = new_communes()[0]
    good = tmp_path / "xa.geojson"
    good.write_text(json.dumps(collection(feature(first), feature("12345"))), encoding="utf-8")
    with translation.override("en"):
        call_command("import_boundaries", str(good), "--on", "2025-07-01", "--simplify", "0.0001")
        out = capsys.readouterr().out
        assert "1 matched" in out and "12345" in out
        bad = tmp_path / "bad.geojson"
        bad.write_text('{"type": "Feature"}', encoding="utf-8")
        with pytest.raises(CommandError):
            call_command("import_boundaries", str(bad))
    assert UnitBoundary.objects.count() == 1


def test_read_geojson_guards_the_size(tmp_path):
    big = tmp_path / "big.geojson"
    big.write_text(json.dumps(collection(feature("01"))), encoding="utf-8")
    with pytest.raises(BoundariesRejected):
        read_geojson(big, max_bytes=10)
    assert read_geojson(big)["type"] == "FeatureCollection"


# ---- the API --------------------------------------------------------------------------


@api
@pytest.mark.parametrize("who", ["anonymous", "officer", "parent_officer", "outsider"])
def test_api_returns_the_communes_of_a_province_to_everyone(client, triangle, who):
    load_demo_boundaries()
    if who != "anonymous":
        client.force_login(getattr(triangle, who))
    response = client.get(reverse("api-boundaries"), {"within": "99", "on": "2025-08-01"})
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in data["features"]] == new_communes()
    assert {f["properties"]["level"] for f in data["features"]} == {"commune"}
    assert all(f["properties"]["name"] for f in data["features"])
    assert response["ETag"] and "max-age" in response["Cache-Control"]
    again = client.get(
        reverse("api-boundaries"),
        {"within": "99", "on": "2025-08-01"},
        HTTP_IF_NONE_MATCH=response["ETag"],
    )
    assert again.status_code == 304


@api
def test_api_levels_dates_and_provinces(client, demo):
    load_demo_boundaries()
    url = reverse("api-boundaries")
    provinces = client.get(url, {"on": "2024-06-01"}).json()
    assert [f["properties"]["code"] for f in provinces["features"]] == ["98", "99"]
    districts = client.get(url, {"within": "99", "on": "2024-06-01"}).json()
    assert [f["properties"]["code"] for f in districts["features"]] == ["991", "992", "993"]
    communes = client.get(url, {"within": "98", "level": "commune", "on": "2024-06-01"}).json()
    assert {f["properties"]["code"][:2] for f in communes["features"]} == {"98"}
    assert len(communes["features"]) > 3
    assert client.get(url, {"within": "00"}).status_code == 404
    assert client.get(url, {"level": "town"}).status_code == 400
    assert client.get(url, {"on": "1/7/2025"}).status_code == 400


@api
def test_api_etag_changes_when_a_boundary_is_replaced(client, demo):
    first = new_communes()[0]
    import_boundaries(collection(feature(first)), AFTER)
    url = reverse("api-boundaries")
    params = {"within": "99", "on": "2025-08-01"}
    before = client.get(url, params)
    import_boundaries(collection(feature(first, square(105.9, 21.3))), AFTER)
    after = client.get(url, params, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert after.json()["features"][0]["geometry"]["coordinates"][0][0] == [105.9, 21.3]


# ---- the demo -------------------------------------------------------------------------


def test_demo_boundaries_cover_every_demo_unit_and_are_idempotent(demo):
    first = load_demo_boundaries()
    assert all(r.created and not r.unmatched for r in first)
    count = UnitBoundary.objects.count()
    second = load_demo_boundaries()
    assert [r.created + r.replaced for r in second] == [0, 0]
    assert UnitBoundary.objects.count() == count
    for code in ["99", *new_communes()]:
        boundary = UnitBoundary.objects.get(
            unit=current("commune" if len(code) > 2 else "province", code)
        )
        ring = boundary.geometry["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) >= 4
        assert 105.3 < boundary.min_lon < boundary.max_lon < 106.2
    # the 2025 province outline covers its communes
    province = UnitBoundary.objects.get(unit=current("province", "99"))
    communes = UnitBoundary.objects.filter(
        unit__code__in=new_communes(), unit__valid_to__isnull=True
    )
    assert province.min_lon <= min(c.min_lon for c in communes)
    assert province.max_lat >= max(c.max_lat for c in communes)
