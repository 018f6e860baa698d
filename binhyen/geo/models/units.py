"""Administrative units as identities with dated versions.

A unit (AdminUnit) keeps its identity across renames and re-parenting; each UnitVersion
holds its name, type word and parent for an interval. A code identifies a unit only
together with a date: the statistics office reuses codes (08707 is Phường Tích Sơn until
30 Jun 2025 and the new Phường Vĩnh Yên from 1 Jul 2025, two different units).
Dates are inclusive: `valid_to` is the last day in force, null while in force.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhyen.core import audit

from ..choices import Level, NewRuralStatus


def in_force_q(on: dt.date, prefix: str = "") -> Q:
    """Q for rows whose [valid_from, valid_to] interval contains `on`."""
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


class AdminUnitQuerySet(models.QuerySet):
    def in_force(self, on: dt.date) -> AdminUnitQuerySet:
        return self.filter(in_force_q(on))


@audit.register(unit_of=lambda unit: unit.pk)
class AdminUnit(models.Model):
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, db_index=True)
    code = models.CharField(_("code"), max_length=20, db_index=True)
    name = models.CharField(_("name"), max_length=200, help_text=_("Name of its latest version"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_urban = models.BooleanField(_("urban"), default=False)
    ethnic_minority_area = models.BooleanField(_("ethnic-minority area"), default=False)
    religious_area = models.BooleanField(_("religious area"), default=False)
    border_area = models.BooleanField(_("border area"), default=False)
    island = models.BooleanField(_("island"), default=False)
    # edits of the attributes above (core.stale); not a UnitVersion, the dated versions
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"], name="geo_unit_code_from_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="geo_unit_interval_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def in_force_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)


@audit.register(unit_of=lambda version: version.unit_id)
class UnitVersion(models.Model):
    unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("name"), max_length=200)
    type_word = models.CharField(_("type"), max_length=40)
    parent = models.ForeignKey(
        AdminUnit,
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_versions",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        verbose_name = _("unit version")
        verbose_name_plural = _("unit versions")
        ordering = ["unit_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_from"], name="geo_version_from_unique"),
        ]
        indexes = [models.Index(fields=["parent", "valid_from"], name="geo_version_parent_idx")]

    def __str__(self) -> str:
        return self.name

    def in_force_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)


@audit.register(unit_of=lambda record: record.unit_id)
class NewRuralRecord(models.Model):
    """A commune's or village's new-rural status recognised for a year."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="new_rural")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=NewRuralStatus.choices)

    class Meta:
        verbose_name = _("new-rural status")
        verbose_name_plural = _("new-rural statuses")
        ordering = ["unit_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="geo_new_rural_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.get_status_display()}"
