"""Reported figures (totals of past reviews, before records existed) and issued reports
(a review given a number "Số: N/BC-…" of its year, with the figures as issued)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from binhyen.core import audit
from binhyen.geo.models import AdminUnit

from .choices import Qualifier, ReviewKind


@audit.register(unit_of=lambda f: f.unit_id)
class ReportedFigure(models.Model):
    """A total published in a past report: indicator, unit, period, value and how exact
    it is, optionally one part of a breakdown ("area=rural"), and the document it comes
    from. For an indicator counted on a date (points active, groups…) the value is the
    figure on `period_end`. How reports combine it with records: ADR 0007."""

    indicator = models.CharField(_("indicator"), max_length=60)
    unit = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    qualifier = models.CharField(
        _("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    breakdown = models.CharField(
        _("breakdown"),
        max_length=120,
        blank=True,
        help_text=_("Empty for the total; dimension=value for one part, e.g. area=rural."),
    )
    source_document = models.CharField(_("source document"), max_length=255)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        ordering = ["indicator", "unit_id", "period_start", "breakdown"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period_start", "period_end", "breakdown"],
                name="reports_reportedfigure_unique",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")),
                name="reports_reportedfigure_period",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="reports_reportedfigure_value"),
        ]
        indexes = [models.Index(fields=["indicator", "period_end"])]

    def __str__(self):
        return f"{self.indicator} {self.unit_id} {self.period_start}–{self.period_end}"

    @property
    def dimension(self) -> str:
        return self.breakdown.partition("=")[0]

    @property
    def part(self) -> str:
        return self.breakdown.partition("=")[2]


@audit.register(unit_of=lambda r: r.unit_id)
class IssuedReport(models.Model):
    """A review given its number of the year for its unit ("Số: 12/BC-CAT"), with the figures as
    issued: re-rendering it later gives the same document even after records change."""

    unit = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ReviewKind.choices, default=ReviewKind.REVIEW
    )
    issuer_code = models.CharField(_("issuer's abbreviation"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    issued_on = models.DateField(_("issued on"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    structure_on = models.DateField(_("structure of"))
    review = models.JSONField(_("review as issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        ordering = ["-year", "-number"]
        # each issuing body numbers its own reports per year (a unit's "CAX" is not the
        # next commune's); the whole country's reports (no unit) have their own sequence
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "issuer_code", "year", "number"],
                condition=Q(unit__isnull=False),
                name="reports_issuedreport_number",
            ),
            models.UniqueConstraint(
                fields=["issuer_code", "year", "number"],
                condition=Q(unit__isnull=True),
                name="reports_issuedreport_number_country",
            ),
        ]

    def __str__(self):
        return f"{self.number}/BC-{self.issuer_code} ({self.year})"


class Tally(models.Model):
    """How many records of a source (tips received, cases solved…) a leaf unit has in a
    month, by up to two choice values. Kept by database triggers on the records' tables
    whatever writes them (forms, imports, bulk loads), so it is never stale; reviews of
    whole months read it instead of the records (ADR 0012). Never written by the app."""

    source = models.CharField(max_length=40)
    unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="First day of the month")
    a = models.CharField(max_length=40, default="", blank=True)
    b = models.CharField(max_length=40, default="", blank=True)
    records = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "unit", "month", "a", "b"], name="reports_tally_cell"
            )
        ]
        indexes = [models.Index(fields=["source", "month"], name="reports_tally_month_idx")]

    def __str__(self) -> str:
        return f"{self.source} {self.unit_id} {self.month:%Y-%m} {self.a} {self.b}: {self.records}"
