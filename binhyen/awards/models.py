"""Emulation and awards: an editable catalogue of award forms and issuing authorities,
occasions (a review conference, the movement day of 19 August), people, and
nominations of collectives, individuals and households with the achievements (linked
records) that justify them, from proposal to decision."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from binhyen.core import audit, crypto
from binhyen.geo.models import AdminUnit
from binhyen.schemes.models import Group, Household, Organization, Scheme
from binhyen.schemes.models.catalogue import Searchable

from .choices import (
    AuthorityLevel,
    CollectiveKind,
    FormKind,
    NominationStatus,
    OccasionKind,
    RecipientKind,
)


@audit.register()
class AwardForm(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=FormKind.choices)
    once_per_life = models.BooleanField(_("once in a person's life"), default=False)
    min_service_years = models.PositiveSmallIntegerField(
        _("minimum years of service"), null=True, blank=True
    )
    authorities = models.ManyToManyField(
        "Authority", verbose_name=_("issuing authorities"), blank=True, related_name="forms"
    )
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        verbose_name = _("award form")
        verbose_name_plural = _("award forms")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


@audit.register()
class Authority(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=30, choices=AuthorityLevel.choices)
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        verbose_name = _("issuing authority")
        verbose_name_plural = _("issuing authorities")
        ordering = ["level", "name"]

    def __str__(self):
        return self.name


@audit.register(unit_of=lambda o: o.unit_id)
class Occasion(models.Model):
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=30, choices=OccasionKind.choices)
    held_on = models.DateField(_("held on"))
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("achievements from"))
    period_end = models.DateField(_("achievements to"))
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        verbose_name = _("occasion")
        verbose_name_plural = _("occasions")
        ordering = ["-held_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="awards_occasion_period"
            )
        ]

    def __str__(self):
        return self.name


@crypto.encrypted_fields("id_number")
@audit.register(unit_of=lambda p: p.unit_id)
class Person(Searchable):
    """An individual who may be awarded. The ID number is encrypted; `id_key` (a keyed
    hash) finds the same person again, so a once-in-a-life award is given once.
    `search_name` (Searchable) is the folded full name, searched without diacritics."""

    search_fields = ("full_name",)

    full_name = models.CharField(_("full name"), max_length=160)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    id_number = models.TextField(_("ID number"), blank=True)  # ciphertext
    id_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("lives in"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(pgettext_lazy("job", "position"), max_length=160, blank=True)
    service_since = models.PositiveSmallIntegerField(
        _("in the movement since (year)"), null=True, blank=True
    )
    under_prosecution = models.BooleanField(_("under prosecution"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_key"], condition=~Q(id_key=""), name="awards_person_id_once"
            )
        ]

    def __str__(self):
        return self.full_name


@audit.register(unit_of=lambda n: n.unit_id)
class Nomination(models.Model):
    """A proposal to award `form` by `authority` to one recipient for an occasion, with
    the achievements that justify it; proposal → review → decision."""

    occasion = models.ForeignKey(Occasion, on_delete=models.PROTECT, related_name="nominations")
    form = models.ForeignKey(AwardForm, verbose_name=_("award form"), on_delete=models.PROTECT)
    authority = models.ForeignKey(
        Authority, verbose_name=_("issuing authority"), on_delete=models.PROTECT
    )
    recipient_kind = models.CharField(_("recipient"), max_length=20, choices=RecipientKind.choices)
    collective_kind = models.CharField(
        _("kind of collective"), max_length=20, choices=CollectiveKind.choices, blank=True
    )
    scheme = models.ForeignKey(
        Scheme, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_unit = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the recipient is: jurisdiction and counting."),
    )
    period_start = models.DateField(_("achievements from"))
    period_end = models.DateField(_("achievements to"))
    summary = models.TextField(_("achievements"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NominationStatus.choices,
        default=NominationStatus.PROPOSED,
    )
    reason = models.TextField(_("reason"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer = models.CharField(_("signed by"), max_length=160, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["occasion_id", "form_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="awards_nomination_period"
            ),
            models.CheckConstraint(
                condition=(
                    Q(recipient_kind=RecipientKind.INDIVIDUAL, person__isnull=False)
                    | Q(recipient_kind=RecipientKind.HOUSEHOLD, household__isnull=False)
                    | Q(recipient_kind=RecipientKind.COLLECTIVE)
                ),
                name="awards_nomination_recipient",
            ),
        ]
        indexes = [models.Index(fields=["status", "decision_date"])]

    def __str__(self):
        return f"{self.form} — {self.recipient_name}"

    @property
    def recipient(self):
        return (
            self.person
            or self.household
            or self.scheme
            or self.organization
            or self.group
            or self.recipient_unit
        )

    @property
    def recipient_name(self) -> str:
        recipient = self.recipient
        return str(recipient) if recipient is not None else ""


@audit.register(unit_of=lambda a: a.nomination.unit_id)
class Achievement(models.Model):
    """A record that justifies a nomination (a scheme point's result, a case solved, a
    weapon surrender…), or a described achievement without a record. One record is not
    rewarded twice by the same form."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="achievements"
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    description = models.CharField(_("achievement"), max_length=255)

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["nomination_id", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.description
