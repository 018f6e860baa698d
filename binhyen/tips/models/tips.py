"""Tips (nguồn tin, tin báo): what residents tell the police, through any channel.

The informant's identity lives apart (`Informant`), encrypted, reachable only through
`services.reveal_informant`, which checks the role and logs the access. A public tip
carries an unguessable code and a hashed passphrase for the resident to come back; no
address or browser trace is stored with it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from binhyen.core import audit, crypto
from binhyen.geo.models import AdminUnit
from binhyen.schemes.models import Scheme

from ..choices import Assessment, Author, Category, Channel, EventKind, Status


@audit.register(unit_of=lambda t: t.handling_unit_id)
class Tip(models.Model):
    code = models.CharField(_("tip code"), max_length=40, unique=True, editable=False)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    scheme = models.ForeignKey(
        Scheme,
        verbose_name=_("through scheme point"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tips",
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    description = models.TextField(_("description"))
    handling_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit whose police handle the tip (changes when it is referred)"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    assessment = models.CharField(
        _("assessment"), max_length=20, choices=Assessment.choices, blank=True, default=""
    )
    referred_to = models.ForeignKey(
        AdminUnit,
        verbose_name=_("referred to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    is_public = models.BooleanField(_("sent through the public channel"), default=False)
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    passphrase_hash = models.CharField(max_length=200, blank=True, editable=False)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officers"),
        blank=True,
        related_name="assigned_tips",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["handling_unit", "received_at"], name="tips_tip_handling_idx"),
            models.Index(fields=["unit", "received_at"], name="tips_tip_unit_idx"),
        ]
        constraints = [
            # the assessment is the outcome of verification: a tip judged actionable or
            # not cannot be back in "received" or "under verification"
            models.CheckConstraint(
                condition=~Q(status__in=[Status.ACTIONABLE, Status.NOT_ACTIONABLE])
                | Q(assessment=models.F("status")),
                name="tips_tip_assessment_matches_status",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.RECEIVED, Status.VERIFYING]) | Q(assessment=""),
                name="tips_tip_unassessed_while_open",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_actionable(self) -> bool:
        return self.assessment == Assessment.ACTIONABLE


@crypto.encrypted_fields("full_name", "contact", "id_number", "address")
class Informant(models.Model):
    """Who gave a tip, encrypted at rest. Not audited by snapshot (the log would carry
    ciphertext): the services write content-free audit entries and log every reveal."""

    tip = models.OneToOneField(Tip, on_delete=models.CASCADE, related_name="informant")
    full_name = models.TextField(blank=True)
    contact = models.TextField(blank=True)
    id_number = models.TextField(blank=True)
    address = models.TextField(blank=True)

    class Meta:
        verbose_name = _("informant")
        verbose_name_plural = _("informants")

    def __str__(self) -> str:
        return f"informant of {self.tip_id}"  # never the identity


@audit.register(unit_of=lambda e: e.tip.handling_unit_id)
class TipEvent(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    unit = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tip event")
        verbose_name_plural = _("tip events")
        ordering = ["tip_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.kind}"


@audit.register(unit_of=lambda a: a.tip.handling_unit_id)
class TipAttachment(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="tips/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["tip_id", "pk"]

    def __str__(self) -> str:
        return self.name


@audit.register(unit_of=lambda m: m.tip.handling_unit_id)
class TipMessage(models.Model):
    """A message between the resident of a public tip and the officers handling it."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(
        pgettext_lazy("the author of a message", "from"), max_length=20, choices=Author.choices
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["tip_id", "sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.author} {self.sent_at:%Y-%m-%d}"
