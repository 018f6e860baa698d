"""The scheme-type catalogue: types, their labels and, for composite types, components."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from binhyen.core import audit
from binhyen.core.text import fold
from binhyen.geo.models import AdminUnit

from ..choices import HostKind, Origin


class Searchable(models.Model):
    """Keeps `search_name`, the folded text searched without diacritics ("hoa binh"
    finds "Hòa Bình"). Bulk writers call `refresh_search_name()` themselves."""

    search_fields: tuple[str, ...] = ("name",)
    search_name = models.CharField(max_length=400, editable=False, default="", db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search_name()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    def refresh_search_name(self) -> None:
        self.search_name = fold(" ".join(str(getattr(self, f) or "") for f in self.search_fields))[
            :400
        ]


class LocalizedName:
    """`label` is the Vietnamese name, or the English one when the interface is English."""

    @property
    def label(self) -> str:
        lang = (get_language() or "vi")[:2]
        return (self.name_en if lang == "en" and self.name_en else self.name) or self.code


@audit.register()
class Label(LocalizedName, models.Model):
    """A classification label (security and order, drugs, fire prevention…). A type has
    several, so counts by label overlap."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


@audit.register(unit_of=lambda t: t.origin_unit_id)
class SchemeType(LocalizedName, models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    labels = models.ManyToManyField(Label, verbose_name=_("labels"), blank=True, related_name="+")
    host_kinds = models.JSONField(
        _("hosts"), default=list, help_text=_("Kinds of host its points may have")
    )
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices)
    origin_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("originating unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    has_groups = models.BooleanField(_("points have groups with households"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # core.stale

    class Meta:
        verbose_name = _("scheme type")
        verbose_name_plural = _("scheme types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def is_composite(self) -> bool:
        return self.components.exists()

    def host_kind_labels(self) -> list[str]:
        return [str(HostKind(k).label) for k in self.host_kinds if k in HostKind.values]


@audit.register(unit_of=lambda c: c.scheme_type.origin_unit_id)
class SchemeComponent(LocalizedName, models.Model):
    """A part of a composite type graded on its own (e.g. "4 an toàn": premises, people,
    property, regular activities)."""

    scheme_type = models.ForeignKey(SchemeType, on_delete=models.CASCADE, related_name="components")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["scheme_type_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme_type", "code"], name="schemes_component_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label
