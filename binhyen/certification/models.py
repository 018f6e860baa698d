"""Yearly certification as "safe for security and order" (Circular 124/2021/TT-BCA,
amended 2025): criteria sets per subject type, versioned by legal basis and date; one
certification per subject and window, with its dated steps, criterion-by-criterion
self-assessment, decision and certificate."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhyen.core import audit
from binhyen.geo.models import AdminUnit
from binhyen.schemes.models import Organization

from .choices import Status, StepKind, SubjectType


@audit.register(unit_of=lambda s: s.province_id)
class CriteriaSet(models.Model):
    """The criteria of a subject type from a date, under a legal basis; national
    (no province) or a province's own version, which wins in that province."""

    subject_type = models.CharField(_("subject type"), max_length=20, choices=SubjectType.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    province = models.ForeignKey(
        AdminUnit,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the national criteria."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["subject_type", "-effective_from"]

    def __str__(self):
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"


@audit.register(unit_of=lambda c: c.criteria_set.province_id)
class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=40)
    text = models.TextField(_("criterion"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"], name="certification_criterion_code"
            )
        ]

    def __str__(self):
        return f"{self.code}. {self.text[:60]}"


@audit.register(unit_of=lambda c: c.unit_id)
class Certification(models.Model):
    """One subject in one window (named by the year it ends). `unit` is the residential
    area or commune certified, or the commune of the organisation."""

    subject_type = models.CharField(_("subject type"), max_length=20, choices=SubjectType.choices)
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    year = models.PositiveSmallIntegerField(_("window (year it ends)"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    registered_on = models.DateField(_("registered on"))
    households_total = models.PositiveIntegerField(_("households"), null=True, blank=True)
    households_registered = models.PositiveIntegerField(
        _("households registered"), null=True, blank=True
    )
    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("criteria set"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_authority = models.CharField(_("decided by"), max_length=160, blank=True)
    certificate_code = models.CharField(
        _("certificate verification code"), max_length=32, blank=True, default="", editable=False
    )
    certificate_issued_on = models.DateField(_("certificate issued on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-year", "unit_id", "subject_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "unit", "year"],
                condition=Q(organization__isnull=True),
                name="certification_unit_once_a_year",
            ),
            models.UniqueConstraint(
                fields=["organization", "year"],
                condition=Q(organization__isnull=False),
                name="certification_org_once_a_year",
            ),
            models.UniqueConstraint(
                fields=["certificate_code"],
                condition=~Q(certificate_code=""),
                name="certification_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(households_registered__isnull=True)
                | Q(households_total__isnull=True)
                | Q(households_registered__lte=models.F("households_total")),
                name="certification_households_share",
            ),
        ]
        indexes = [models.Index(fields=["year", "subject_type", "status"])]

    def __str__(self):
        subject = self.organization or self.unit
        return f"{subject} ({self.year})"

    @property
    def subject(self):
        return self.organization or self.unit


def step_document_path(step, filename: str) -> str:
    return f"certification/{step.certification_id}/{filename}"


@audit.register(unit_of=lambda s: s.certification.unit_id)
class CertificationStep(models.Model):
    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    date = models.DateField(_("date"))
    document = models.CharField(_("document"), max_length=255, blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=step_document_path, blank=True, max_length=255
    )
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certification step")
        verbose_name_plural = _("certification steps")
        ordering = ["certification_id", "date", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


def evidence_path(result, filename: str) -> str:
    return f"certification/{result.certification_id}/evidence/{filename}"


@audit.register(unit_of=lambda r: r.certification.unit_id)
class CriterionResult(models.Model):
    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="results"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(_("met"))
    evidence = models.TextField(_("evidence"), blank=True)
    attachment = models.FileField(
        _("evidence file"), upload_to=evidence_path, blank=True, max_length=255
    )

    class Meta:
        verbose_name = _("criterion result")
        verbose_name_plural = _("criterion results")
        ordering = ["certification_id", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "criterion"], name="certification_result_once"
            )
        ]

    def __str__(self):
        return f"{self.criterion.code}: {'+' if self.met else '-'}"
