"""Managed persons: people under post-rehabilitation aftercare or community education.

A person's identity (ManagedPerson) is encrypted at rest (core.crypto) and found again
without decrypting through keyed blind indexes of name + birth year and of the ID number.
Reviews count intakes ("lượt"): each supervision period is one intake, so a person taken
in twice counts twice as intakes and once as a person.

ManagedPerson is not audited by snapshot (the log would carry ciphertext): the services
write content-free entries and log every reveal (core.audit.record_access). Its `__str__`
is its public code, never the identity. Supervision periods hold no personal data and are
audited like every record.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhyen.core import audit, crypto
from binhyen.geo.models import AdminUnit

from ..choices import ExitReason, SupervisionKind
from .ledgers import ref_field


@crypto.encrypted_fields("full_name", "id_number", "address")
class ManagedPerson(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)
    full_name = models.TextField(_("full name"))  # ciphertext
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    id_number = models.TextField(_("ID number"), blank=True)  # ciphertext
    address = models.TextField(_("address"), blank=True)  # ciphertext
    # keyed hashes (core.crypto.blind_index) to find the same person without decrypting
    match_key = models.CharField(max_length=64, db_index=True, editable=False)
    id_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        verbose_name = _("managed person")
        verbose_name_plural = _("managed persons")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.code  # never the identity


@audit.register(unit_of=lambda p: p.unit_id)
class SupervisionPeriod(models.Model):
    """One intake of a person: from intake to exit, at a unit, under a responsible group
    or scheme point."""

    ref = ref_field()
    person = models.ForeignKey(
        ManagedPerson, verbose_name=_("person"), on_delete=models.PROTECT, related_name="periods"
    )
    kind = models.CharField(
        _("kind of supervision"), max_length=30, choices=SupervisionKind.choices
    )
    intake_on = models.DateField(_("intake on"))
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "schemes.Group",
        verbose_name=_("responsible group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheme = models.ForeignKey(
        "schemes.Scheme",
        verbose_name=_("responsible scheme point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exit_on = models.DateField(_("exit on"), null=True, blank=True)
    exit_reason = models.CharField(
        _("exit reason"), max_length=20, choices=ExitReason.choices, blank=True
    )
    exemplary = models.BooleanField(_("exemplary case"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        verbose_name = _("supervision period")
        verbose_name_plural = _("supervision periods")
        ordering = ["-intake_on", "-pk"]
        indexes = [
            models.Index(fields=["unit", "intake_on"], name="outcomes_period_unit"),
            models.Index(fields=["person", "intake_on"], name="outcomes_period_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(exit_on__isnull=True) | Q(exit_on__gte=models.F("intake_on")),
                name="outcomes_period_interval",
            ),
            models.CheckConstraint(
                condition=Q(exit_on__isnull=True, exit_reason="")
                | Q(exit_on__isnull=False) & ~Q(exit_reason=""),
                name="outcomes_period_exit_reason",
            ),
            models.UniqueConstraint(
                fields=["ref"], condition=~Q(ref=""), name="outcomes_period_ref"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.intake_on:%d/%m/%Y}"
