"""Organisations that host scheme points (and are certified later)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhyen.core import audit
from binhyen.geo.models import AdminUnit

from ..choices import ORGANIZATION_KINDS, ReligiousKind, SchoolLevel, SizeClass
from .catalogue import Searchable


@audit.register(unit_of=lambda o: o.commune_id)
class Organization(Searchable):
    """An agency, enterprise, school, hospital, religious establishment, clan or mass
    organisation, placed in a commune and optionally a residential area."""

    search_fields = ("name", "address", "tax_code")

    ref = models.CharField(
        _("reference"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("Stable key of the record in imported spreadsheets; unique when given."),
    )
    kind = models.CharField(
        _("kind of organisation"), max_length=30, choices=ORGANIZATION_KINDS, db_index=True
    )
    name = models.CharField(_("name"), max_length=255)
    commune = models.ForeignKey(
        AdminUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    residential_area = models.ForeignKey(
        AdminUnit,
        verbose_name=_("residential area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    tax_code = models.CharField(_("tax or registration code"), max_length=40, blank=True)
    size_class = models.CharField(
        _("size class"), max_length=20, choices=SizeClass.choices, blank=True
    )
    school_level = models.CharField(
        _("school level"), max_length=20, choices=SchoolLevel.choices, blank=True
    )
    religious_kind = models.CharField(
        _("religious establishment"), max_length=20, choices=ReligiousKind.choices, blank=True
    )
    armed_forces = models.BooleanField(
        _("armed-forces unit"),
        default=False,
        help_text=_("Units of the people's army and police are not certified by communes."),
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    ceased_on = models.DateField(_("ceased on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ref"], condition=~Q(ref=""), name="schemes_org_ref_unique"
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(ceased_on__gte=models.F("established_on")),
                name="schemes_org_interval_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def unit_id(self) -> int:
        return self.residential_area_id or self.commune_id
