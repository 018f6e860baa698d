"""The dated ledgers of the outcome registers: one abstract shape (a date, the unit where
it happened, optionally the scheme point it is attributed to, notes) and a few fields of
each register. `unit` is a commune or a residential area: counting and jurisdiction go
through it, under the structure of any date (the Placement table), like Scheme.unit."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from binhyen.core import audit
from binhyen.geo.models import AdminUnit

from ..choices import (
    Country,
    MediationKind,
    MediationResult,
    Nationality,
    Sex,
    WeaponKind,
)

REF_HELP = _("Stable key of the record in imported spreadsheets; unique when given.")


def ref_field():
    return models.CharField(
        _("reference"), max_length=40, blank=True, default="", help_text=REF_HELP
    )


def positive(verbose_name, default=1):
    return models.PositiveIntegerField(
        verbose_name, default=default, validators=[MinValueValidator(1)]
    )


class Ledger(models.Model):
    ref = ref_field()
    date = models.DateField(_("date"))
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    scheme = models.ForeignKey(
        "schemes.Scheme",
        verbose_name=_("scheme point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        abstract = True
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["unit", "date"], name="oc_%(class)s_unit"),
            models.Index(fields=["date"], name="oc_%(class)s_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ref"], condition=~Q(ref=""), name="%(app_label)s_%(class)s_ref"
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.date:%d/%m/%Y}"


@audit.register(unit_of=lambda r: r.unit_id)
class WeaponSurrender(Ledger):
    """Weapons, explosives or support tools handed in: one kind per record."""

    kind = models.CharField(_("kind of weapon"), max_length=30, choices=WeaponKind.choices)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=3,
        help_text=_("Pieces; kilograms for explosives; rounds for ammunition."),
    )

    class Meta(Ledger.Meta):
        verbose_name = _("weapons surrender")
        verbose_name_plural = _("weapons, explosives and support tools surrendered")
        constraints = [
            *Ledger.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="outcomes_weapon_qty"),
        ]


@audit.register(unit_of=lambda r: r.unit_id)
class ReturnedEmigrant(Ledger):
    """A person who had emigrated illegally and came back (no identity is kept)."""

    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    returned_from = models.CharField(
        _("returned from"), max_length=10, choices=Country.choices, blank=True
    )

    class Meta(Ledger.Meta):
        verbose_name = _("returned emigrant")
        verbose_name_plural = _("illegal emigrants returned")


@audit.register(unit_of=lambda r: r.unit_id)
class RegistrationViolation(Ledger):
    """Household-registration violations (vi phạm quản lý cư trú) detected on a day."""

    cases = positive(pgettext_lazy("outcome count", "violations"))

    class Meta(Ledger.Meta):
        verbose_name = _("registration violation")
        verbose_name_plural = _("household-registration violations detected")


@audit.register(unit_of=lambda r: r.unit_id)
class IllegalEntry(Ledger):
    """Foreigners who entered illegally, detected on a day, by nationality."""

    nationality = models.CharField(_("nationality"), max_length=10, choices=Nationality.choices)
    people = positive(pgettext_lazy("outcome count", "people"))

    class Meta(Ledger.Meta):
        verbose_name = _("illegal entry")
        verbose_name_plural = _("illegal entries detected")


@audit.register(unit_of=lambda r: r.unit_id)
class Mediation(Ledger):
    kind = models.CharField(_("kind of dispute"), max_length=20, choices=MediationKind.choices)
    result = models.CharField(_("result"), max_length=20, choices=MediationResult.choices)

    class Meta(Ledger.Meta):
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")


@audit.register(unit_of=lambda r: r.unit_id)
class OutreachSession(Ledger):
    topic = models.CharField(_("topic"), max_length=255, blank=True)
    attendees = models.PositiveIntegerField(pgettext_lazy("outcome count", "attendees"), default=0)

    class Meta(Ledger.Meta):
        verbose_name = _("outreach session")
        verbose_name_plural = _("outreach sessions")


@audit.register(unit_of=lambda r: r.unit_id)
class Pledge(Ledger):
    """Pledges signed by households in one campaign."""

    subject = models.CharField(_("subject"), max_length=255, blank=True)
    households = positive(pgettext_lazy("outcome count", "households"))

    class Meta(Ledger.Meta):
        verbose_name = _("pledge campaign")
        verbose_name_plural = _("pledges signed")


@audit.register(unit_of=lambda r: r.unit_id)
class PeoplesPatrol(Ledger):
    """People's patrols held (a number of patrols on a day or over a week, with the
    number of people taking part)."""

    patrols = positive(pgettext_lazy("outcome count", "patrols"))
    people = positive(pgettext_lazy("outcome count", "people taking part"))

    class Meta(Ledger.Meta):
        verbose_name = _("people's patrol")
        verbose_name_plural = _("people's patrols")
