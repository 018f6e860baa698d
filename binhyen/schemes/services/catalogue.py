"""Writes of the scheme-type catalogue."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from binhyen.core import audit, stale
from binhyen.geo.choices import Level

from ..choices import HostKind, Origin
from ..models import ComponentGrade, Label, SchemeComponent, SchemeType
from .checks import fail

RESERVED_CODES = {"new"}  # path words of the catalogue pages
TYPE_FIELDS = (
    "code",
    "name",
    "name_en",
    "description",
    "host_kinds",
    "origin",
    "origin_unit",
    "has_groups",
    "is_active",
)


def _check_type(scheme_type: SchemeType) -> None:
    if not scheme_type.host_kinds:
        fail("host_kinds", _("Choose at least one kind of host."))
    unknown = set(scheme_type.host_kinds) - set(HostKind.values)
    if unknown:
        fail("host_kinds", _("Unknown host kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    unit = scheme_type.origin_unit
    if scheme_type.origin == Origin.MINISTRY and unit is not None:
        fail("origin_unit", _("A type from the Ministry has no originating unit."))
    if scheme_type.origin in (Origin.PROVINCE, Origin.COMMUNE):
        expected = Level.PROVINCE if scheme_type.origin == Origin.PROVINCE else Level.COMMUNE
        if unit is None or unit.level != expected:
            fail(
                "origin_unit",
                _("Choose the %(level)s the type comes from.")
                % {"level": Level(expected).label.lower()},
            )


@transaction.atomic
def save_scheme_type(
    scheme_type: SchemeType | None,
    *,
    labels: list[Label] | None = None,
    components: list[tuple[str, str, str]] | None = None,
    version: int | None = None,
    **values,
) -> SchemeType:
    """Create (scheme_type None) or update a type. `components` is the full ordered list of
    (code, name, English name); components already graded are kept even if left out.
    With `version`, an update is refused (StaleEdit) if the type was saved since."""
    unknown = set(values) - set(TYPE_FIELDS)
    if unknown:
        raise TypeError(f"not scheme type fields: {sorted(unknown)}")
    given = scheme_type
    if given is not None and given.pk:
        scheme_type = stale.lock(SchemeType, given.pk, version)
        stale.bump(scheme_type)
    scheme_type = scheme_type or SchemeType()
    for name, value in values.items():
        setattr(scheme_type, name, value)
    scheme_type.host_kinds = list(dict.fromkeys(scheme_type.host_kinds or []))
    _check_type(scheme_type)
    if scheme_type.code in RESERVED_CODES:
        fail("code", _("The code %(code)s is reserved.") % {"code": scheme_type.code})
    clash = SchemeType.objects.filter(code=scheme_type.code).exclude(pk=scheme_type.pk)
    if clash.exists():
        fail("code", _("Another scheme type has the code %(code)s.") % {"code": scheme_type.code})
    scheme_type.save()
    if labels is not None:
        before = sorted(scheme_type.labels.values_list("code", flat=True))
        scheme_type.labels.set(labels)
        after = sorted(label.code for label in labels)
        if before != after:  # many-to-many changes send no save signal: audit them here
            audit.record_bulk(
                SchemeType,
                f"labels of {scheme_type.code}: {', '.join(after) or '-'}",
                scheme_type.origin_unit_id,
                type=scheme_type.code,
                before=before,
                after=after,
            )
    if components is not None:
        _save_components(scheme_type, components)
    if given is not None and given is not scheme_type:
        given.__dict__.update(scheme_type.__dict__)
    return scheme_type


def _save_components(scheme_type: SchemeType, components: list[tuple[str, str, str]]) -> None:
    codes = [c[0] for c in components]
    if len(set(codes)) != len(codes):
        fail("components", _("Two components have the same code."))
    existing = {c.code: c for c in scheme_type.components.all()}
    for order, (code, name, name_en) in enumerate(components, start=1):
        component = existing.pop(code, None) or SchemeComponent(scheme_type=scheme_type, code=code)
        if (component.name, component.name_en, component.order) != (name, name_en, order) or (
            component.pk is None
        ):
            component.name, component.name_en, component.order = name, name_en, order
            component.save()
    for component in existing.values():
        if not ComponentGrade.objects.filter(component=component).exists():
            component.delete()


@transaction.atomic
def save_label(
    label: Label | None, *, code: str, name: str, name_en: str = "", version: int | None = None
) -> Label:
    """Add a label (label None) or rename one; with `version`, a rename is refused
    (StaleEdit) if the label was saved since."""
    saved = Label()
    if label is not None and label.pk:
        saved = stale.lock(Label, label.pk, version)
        stale.bump(saved)
    clash = Label.objects.filter(code=code).exclude(pk=saved.pk)
    if clash.exists():
        fail("code", _("Another label has the code %(code)s.") % {"code": code})
    saved.code, saved.name, saved.name_en = code, name, name_en
    saved.save()
    if label is not None:
        label.__dict__.update(saved.__dict__)
    return saved
