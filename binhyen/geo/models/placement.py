from django.db import models
from django.utils.translation import gettext_lazy as _

from .units import AdminUnit


class Placement(models.Model):
    """Where every unit that ever existed sits under the structure of a date.

    One row per (structure date, unit): the unit carrying it at each level, or null with
    the reason in `unallocated` ({level: reason code, "detail:<level>": codes}). Structure
    dates are the days the structure changed; a structure date D answers for every date
    up to the next one. Rebuilt by `services.rebuild_placements` after a structural change,
    so counts, filters and jurisdiction become one join on this table.
    """

    structure_date = models.DateField(db_index=True)
    unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="placements")
    province = models.ForeignKey(AdminUnit, null=True, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(AdminUnit, null=True, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey(AdminUnit, null=True, on_delete=models.CASCADE, related_name="+")
    residential_area = models.ForeignKey(
        AdminUnit, null=True, on_delete=models.CASCADE, related_name="+"
    )
    unallocated = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("placement")
        constraints = [
            models.UniqueConstraint(fields=["structure_date", "unit"], name="geo_placement_unique"),
        ]
        indexes = [
            models.Index(fields=["structure_date", "province"], name="geo_place_province_idx"),
            models.Index(fields=["structure_date", "district"], name="geo_place_district_idx"),
            models.Index(fields=["structure_date", "commune"], name="geo_place_commune_idx"),
            models.Index(fields=["structure_date", "residential_area"], name="geo_place_area_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.structure_date} {self.unit_id}"
