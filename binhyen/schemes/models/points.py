"""Scheme points: one replication of a type at a host, with its dated life."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhyen.core import audit
from binhyen.geo.models import AdminUnit

from ..choices import EventKind, Grade, HostKind, RecognitionKind, Status
from .catalogue import SchemeComponent, SchemeType, Searchable
from .hosts import Organization


@audit.register(unit_of=lambda s: s.unit_id)
class Scheme(Searchable):
    """A point of a type at a host. `unit` is where it sits (the residential area, or the
    commune when no area is known): counting and jurisdiction go through it.
    `status` and `dissolved_on` mirror the events for fast lists; events are the truth."""

    search_fields = ("name", "leader_name", "decision_number")

    scheme_type = models.ForeignKey(
        SchemeType, verbose_name=_("scheme type"), on_delete=models.PROTECT, related_name="points"
    )
    ref = models.CharField(
        _("reference"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("Stable key of the record in imported spreadsheets; unique when given."),
    )
    name = models.CharField(_("name"), max_length=255)
    host_kind = models.CharField(_("host kind"), max_length=30, choices=HostKind.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("host organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="schemes",
    )
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    established_on = models.DateField(_("established on"))
    decision_number = models.CharField(_("founding decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("founding decision date"), null=True, blank=True)
    decision_signer = models.CharField(_("signed by"), max_length=120, blank=True)
    leader_name = models.CharField(_("leader"), max_length=120, blank=True)
    leader_phone = models.CharField(_("leader's phone"), max_length=40, blank=True)
    contacts = models.CharField(_("other contacts"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    replicated_from = models.ForeignKey(
        "self",
        verbose_name=_("replicated from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replicas",
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE, editable=False
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("scheme point")
        verbose_name_plural = _("scheme points")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["scheme_type", "established_on"], name="schemes_point_type_idx"),
            models.Index(fields=["unit", "established_on"], name="schemes_point_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(dissolved_on__gte=models.F("established_on")),
                name="schemes_point_interval_valid",
            ),
            models.UniqueConstraint(
                fields=["ref"], condition=~Q(ref=""), name="schemes_point_ref_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@audit.register(unit_of=lambda e: e.scheme.unit_id)
class SchemeEvent(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True)
    decision = models.CharField(_("decision"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("lifecycle event")
        verbose_name_plural = _("lifecycle events")
        ordering = ["scheme_id", "date", "pk"]
        indexes = [models.Index(fields=["scheme", "date"], name="schemes_event_date_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


@audit.register(unit_of=lambda g: g.scheme.unit_id)
class Grading(models.Model):
    """The yearly grading of a point. For a composite type the overall grade is the
    worst of its component grades."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="gradings")
    year = models.PositiveSmallIntegerField(_("year"))
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("grading")
        verbose_name_plural = _("gradings")
        ordering = ["scheme_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "year"], name="schemes_grading_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.get_grade_display()}"


@audit.register(unit_of=lambda c: c.grading.scheme.unit_id)
class ComponentGrade(models.Model):
    grading = models.ForeignKey(Grading, on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey(SchemeComponent, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)

    class Meta:
        verbose_name = _("component grade")
        verbose_name_plural = _("component grades")
        constraints = [
            models.UniqueConstraint(
                fields=["grading", "component"], name="schemes_component_grade_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component}: {self.get_grade_display()}"


@audit.register(unit_of=lambda r: r.scheme.unit_id)
class Recognition(models.Model):
    """Exemplar of a year, or a commendation by the Ministry or the province."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="recognitions")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("recognition"), max_length=30, choices=RecognitionKind.choices)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["scheme_id", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "year", "kind"], name="schemes_recognition_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.get_kind_display()}"
