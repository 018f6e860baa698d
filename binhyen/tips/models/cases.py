"""Cases (vụ việc, vụ án) that tips led to, with suspects and seized items."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhyen.core import audit
from binhyen.geo.models import AdminUnit

from ..choices import Category
from .tips import Tip


@audit.register(unit_of=lambda c: c.unit_id)
class Case(models.Model):
    number = models.CharField(_("case number"), max_length=60)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    solved = models.BooleanField(_("solved"), default=False)
    summary = models.TextField(_("summary"), blank=True)
    tips = models.ManyToManyField(Tip, verbose_name=_("tips"), blank=True, related_name="cases")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="tips_case_number_unique"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="tips_case_interval_valid",
            ),
            models.CheckConstraint(
                condition=Q(solved=False) | Q(closed_on__isnull=False),
                name="tips_case_solved_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.number


@audit.register(unit_of=lambda s: s.case.unit_id)
class Suspect(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspects")
    full_name = models.CharField(_("full name"), max_length=120)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    arrested_on = models.DateField(_("arrested on"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspect")
        verbose_name_plural = _("suspects")
        ordering = ["case_id", "pk"]

    def __str__(self) -> str:
        return self.full_name


@audit.register(unit_of=lambda i: i.case.unit_id)
class SeizedItem(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="seized_items")
    description = models.CharField(_("item"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    measure = models.CharField(_("unit of measure"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("seized item")
        verbose_name_plural = _("seized items")
        ordering = ["case_id", "pk"]

    def __str__(self) -> str:
        return self.description
