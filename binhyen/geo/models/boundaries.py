"""The outline of an administrative unit, loaded from a GeoJSON file.

No GIS extension: the app runs on SQLite and PostgreSQL alike, so the geometry is kept
as GeoJSON geometry JSON (Polygon or MultiPolygon, lon/lat in WGS 84, 5 decimals) with
its bounding box in plain float columns for cheap filtering. One boundary per unit: a
unit that changed its territory is a new unit (ADR 0001), so it has its own boundary.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from binhyen.core import audit

from .units import AdminUnit


@audit.register(unit_of=lambda boundary: boundary.unit_id)
class UnitBoundary(models.Model):
    unit = models.OneToOneField(
        AdminUnit, on_delete=models.CASCADE, related_name="boundary", verbose_name=_("unit")
    )
    geometry = models.JSONField(_("geometry"), help_text=_("GeoJSON Polygon or MultiPolygon"))
    min_lon = models.FloatField(_("west"))
    min_lat = models.FloatField(_("south"))
    max_lon = models.FloatField(_("east"))
    max_lat = models.FloatField(_("north"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        verbose_name = _("unit boundary")
        verbose_name_plural = _("unit boundaries")
        ordering = ["unit_id"]
        indexes = [
            models.Index(fields=["min_lon", "max_lon"], name="geo_boundary_lon_idx"),
            models.Index(fields=["min_lat", "max_lat"], name="geo_boundary_lat_idx"),
        ]

    def __str__(self) -> str:
        return str(_("Boundary of %(unit)s") % {"unit": self.unit})
