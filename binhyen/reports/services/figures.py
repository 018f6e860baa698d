"""Writes of reported figures (totals published in past reports): record (an upsert on
the natural key indicator, unit, period, breakdown), correct, delete. Every refusal is a
ValidationError keyed by field (translated), so forms, the API and the import show it
where it belongs. Each write runs in one transaction and is audited through the model
registry (core.audit: ReportedFigure is registered).

`user` is whose jurisdiction the unit must be in (`schemes.permissions.can_write_unit`:
officers of a unit their jurisdiction covers); None is the system (commands, the demo),
which may write any unit.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from binhyen.core import stale
from binhyen.core.text import fold
from binhyen.geo.models import AdminUnit
from binhyen.schemes.permissions import can_write_unit

from .. import indicators
from ..choices import Qualifier
from ..models import ReportedFigure

FIELDS = (
    "indicator",
    "unit",
    "period_start",
    "period_end",
    "value",
    "qualifier",
    "breakdown",
    "source_document",
    "note",
)
KEY = ("indicator", "unit", "period_start", "period_end", "breakdown")
MAX_VALUE = Decimal("99999999999999.99")  # max_digits=16, decimal_places=2


class Change(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


# ---- breakdowns ------------------------------------------------------------------------


def _choices_of(model, name: str) -> dict[str, str]:
    return {str(v): str(label) for v, label in model._meta.get_field(name).choices}


def dimension_keys(indicator: indicators.Indicator, dimension: str) -> dict[str, str] | None:
    """The parts a recorded dimension may name (key → label): scheme type codes, label
    codes, choice values. None for a dimension only reported figures carry (any text)."""
    dim = indicator.dimension(dimension)
    if dim is None or not dim.recorded:
        return None
    if dimension == "type":
        from binhyen.schemes.models import SchemeType

        return {c: str(n) for c, n in SchemeType.objects.values_list("code", "name")}
    if dimension == "label":
        from binhyen.schemes.models import Label

        return {c: str(n) for c, n in Label.objects.values_list("code", "name")}
    if dimension == "host_kind":
        from binhyen.schemes.choices import HostKind

        return {str(v): str(label) for v, label in HostKind.choices}
    if dimension == "area_kind":
        from binhyen.geo.models import AdminUnit
        from binhyen.reports.records import AREA_FLAGS

        return {f: str(AdminUnit._meta.get_field(f).verbose_name) for f in AREA_FLAGS}
    if dimension in ("channel", "category"):
        from binhyen.tips.models import Tip

        return _choices_of(Tip, dimension)
    if indicator.code.startswith("outcomes."):
        from binhyen.outcomes.models import SupervisionPeriod
        from binhyen.outcomes.registers import LEDGERS, MANAGED

        slug = indicator.code.removeprefix("outcomes.")
        model = SupervisionPeriod if slug == MANAGED else LEDGERS[slug].model
        return _choices_of(model, dimension)
    return {}  # a recorded dimension this code does not know: nothing is accepted


def _check_breakdown(indicator: indicators.Indicator, text: str, errors: dict) -> str:
    """The breakdown as stored ("dimension=key", spaces trimmed, the key as the catalogue
    spells it); errors under "breakdown"."""
    text = (text or "").strip()
    if not text:
        return ""
    dimension, sep, part = (t.strip() for t in text.partition("="))
    declared = ", ".join(d.code for d in indicator.dimensions if d.code != "unit")
    if not sep or not dimension or not part:
        message = _(
            "Write the breakdown as dimension=value (for example area=rural), or leave it "
            "empty for the total."
        )
        errors.setdefault("breakdown", []).append(message)
        return text
    if dimension == "unit":
        message = _(
            "A figure of a smaller unit is recorded for that unit, not as a breakdown by unit."
        )
        errors.setdefault("breakdown", []).append(message)
        return text
    if indicator.dimension(dimension) is None:
        if declared:
            message = _(
                "%(indicator)s does not break down by %(dimension)s: use one of %(dimensions)s."
            )
        else:
            message = _("%(indicator)s has no breakdown: leave the breakdown empty.")
        errors.setdefault("breakdown", []).append(
            message % {"indicator": indicator.code, "dimension": dimension, "dimensions": declared}
        )
        return text
    keys = dimension_keys(indicator, dimension)
    if keys is not None:
        found = part if part in keys else None
        if found is None:  # a key typed in another case, or the part's label
            folded = fold(part)
            found = next((k for k, label in keys.items() if folded in (fold(k), fold(label))), None)
        if found is None:
            shown = ", ".join(sorted(keys)[:30])
            message = _("%(part)s is not a known %(dimension)s: use one of %(keys)s.")
            errors.setdefault("breakdown", []).append(
                message % {"part": part, "dimension": dimension, "keys": shown or "—"}
            )
            return text
        part = found
    breakdown = f"{dimension}={part}"
    if len(breakdown) > ReportedFigure._meta.get_field("breakdown").max_length:
        errors.setdefault("breakdown", []).append(_("The breakdown is too long."))
    return breakdown


# ---- checks ------------------------------------------------------------------------------


def _decimal_allowed(indicator: indicators.Indicator, breakdown: str) -> bool:
    """Counts are whole numbers; quantities (kilograms of explosives…) may be decimals."""
    if indicator.measure:
        return True
    if indicator.code.startswith("outcomes."):
        from binhyen.outcomes.registers import LEDGERS

        register = LEDGERS.get(indicator.code.removeprefix("outcomes."))
        dimension = breakdown.partition("=")[0]
        return register is not None and dimension in register.row_sums
    return False


def _value(raw, errors: dict) -> Decimal | None:
    if raw is None or raw == "":
        errors.setdefault("value", []).append(_("This field is required."))
        return None
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw))
    except (InvalidOperation, ValueError):
        errors.setdefault("value", []).append(_("Enter a number."))
        return None
    if not value.is_finite():
        errors.setdefault("value", []).append(_("Enter a number."))
        return None
    return value


def _day(raw, name: str, errors: dict) -> dt.date | None:
    if raw is None or raw == "":
        errors.setdefault(name, []).append(_("This field is required."))
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        errors.setdefault(name, []).append(_("Enter a valid date."))
        return None


def clean_figure(user, data: dict) -> dict:
    """The values to store, checked. Raises ValidationError keyed by field with every
    refusal found."""
    errors: dict[str, list[str]] = {}
    code = (data.get("indicator") or "").strip()
    indicator = indicators.get(code)
    if indicator is None:
        message = _("%(code)s is not an indicator of the catalogue (docs/indicators.md).")
        errors["indicator"] = [message % {"code": code or "—"}]
    breakdown = (data.get("breakdown") or "").strip()
    if indicator is not None:
        breakdown = _check_breakdown(indicator, breakdown, errors)
    start = _day(data.get("period_start"), "period_start", errors)
    end = _day(data.get("period_end"), "period_end", errors)
    if start and end and start > end:
        errors.setdefault("period_end", []).append(
            _("The period ends before it starts (%(start)s > %(end)s).")
            % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
        )
    value = _value(data.get("value"), errors)
    if value is not None:
        if value < 0:
            errors.setdefault("value", []).append(_("A figure is never negative."))
        elif value > MAX_VALUE:
            errors.setdefault("value", []).append(_("The figure is too large."))
        elif value != value.quantize(Decimal("0.01")):
            errors.setdefault("value", []).append(_("At most two decimals."))
        elif (
            indicator is not None
            and value != value.to_integral_value()
            and not _decimal_allowed(indicator, breakdown)
        ):
            errors.setdefault("value", []).append(
                _("%(indicator)s counts things: give a whole number.") % {"indicator": code}
            )
    qualifier = data.get("qualifier") or Qualifier.EXACT
    if qualifier not in Qualifier.values:
        errors.setdefault("qualifier", []).append(
            _("'%(value)s' is not one of: %(choices)s.")
            % {"value": qualifier, "choices": ", ".join(Qualifier.values)}
        )
    unit = data.get("unit")
    if unit is not None and not isinstance(unit, AdminUnit):
        unit = AdminUnit.objects.filter(pk=unit).first()
    if unit is None:
        errors.setdefault("unit", []).append(_("This field is required."))
    elif user is not None and not can_write_unit(user, unit):
        errors.setdefault("unit", []).append(
            _("%(unit)s is outside your jurisdiction.") % {"unit": unit}
        )
    elif end is not None and not unit.in_force_on(end):
        errors.setdefault("unit", []).append(
            _("%(unit)s does not exist on %(date)s, the end of the period.")
            % {"unit": unit, "date": end.strftime("%d/%m/%Y")}
        )
    document = " ".join((data.get("source_document") or "").split())
    if not document:
        errors.setdefault("source_document", []).append(
            _("Name the document the figure comes from.")
        )
    elif len(document) > 255:
        errors.setdefault("source_document", []).append(_("Longer than 255 characters."))
    if errors:
        raise ValidationError(errors)
    return {
        "indicator": code,
        "unit": unit,
        "period_start": start,
        "period_end": end,
        "value": value.quantize(Decimal("0.01")),
        "qualifier": qualifier,
        "breakdown": breakdown,
        "source_document": document,
        "note": (data.get("note") or "").strip(),
    }


def _unknown(data: dict) -> None:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise TypeError(f"not fields of a reported figure: {sorted(unknown)}")


def _same(figure: ReportedFigure, values: dict) -> bool:
    for name, value in values.items():
        current = figure.unit_id if name == "unit" else getattr(figure, name)
        new = value.pk if name == "unit" else value
        if name == "value":
            if Decimal(current).compare(new) != 0:
                return False
        elif current != new:
            return False
    return True


def _key_of(values: dict) -> dict:
    return {name: values[name] for name in KEY}


# ---- writes ------------------------------------------------------------------------------


@transaction.atomic
def save_figure(user, **data) -> tuple[ReportedFigure, Change]:
    """Record a figure, or correct the figure of the same indicator, unit, period and
    breakdown (the natural key): importing or submitting it again changes nothing."""
    _unknown(data)
    values = clean_figure(user, data)
    figure = ReportedFigure.objects.select_for_update().filter(**_key_of(values)).first()
    if figure is None:
        figure = ReportedFigure.objects.create(**values, created_by=_author(user))
        return figure, Change.CREATED
    if _same(figure, values):
        return figure, Change.UNCHANGED
    for name, value in values.items():
        setattr(figure, name, value)
    stale.bump(figure)
    figure.save()
    return figure, Change.UPDATED


def record_figure(user, **data) -> ReportedFigure:
    """Record a figure (an upsert on the natural key, see `save_figure`)."""
    return save_figure(user, **data)[0]


@transaction.atomic
def update_figure(
    user, figure: ReportedFigure, *, version: int | None = None, **changes
) -> ReportedFigure:
    """Correct a figure: any field, the unit of a figure the user may write and, if
    moved, of its new unit. Refused when another figure already has the new key, and
    with `version` (StaleEdit) when the figure was saved by someone else since."""
    _unknown(changes)
    figure = stale.lock(ReportedFigure, figure.pk, version)
    if user is not None and not can_write_unit(user, figure.unit):
        raise ValidationError(
            {"unit": [_("%(unit)s is outside your jurisdiction.") % {"unit": figure.unit}]}
        )
    data = {name: getattr(figure, name) for name in FIELDS} | changes
    values = clean_figure(user, data)
    clash = ReportedFigure.objects.filter(**_key_of(values)).exclude(pk=figure.pk)
    if clash.exists():
        message = _(
            "Another figure already has this indicator, unit, period and breakdown: "
            "correct that one instead."
        )
        raise ValidationError({NON_FIELD_ERRORS: [message]})
    if not _same(figure, values):
        for name, value in values.items():
            setattr(figure, name, value)
        stale.bump(figure)
        figure.save()
    return figure


@transaction.atomic
def delete_figure(user, figure: ReportedFigure) -> None:
    """Remove a figure recorded in error (the audit log keeps what it was)."""
    figure = ReportedFigure.objects.select_for_update().select_related("unit").get(pk=figure.pk)
    if user is not None and not can_write_unit(user, figure.unit):
        raise ValidationError(
            {"unit": [_("%(unit)s is outside your jurisdiction.") % {"unit": figure.unit}]}
        )
    figure.delete()


def _author(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


# ---- reads (the one jurisdiction filter; pages and the API use these) ------------------


def figures_for_user(user):
    """Reported figures of units in the user's jurisdiction (accounts.jurisdiction)."""
    from binhyen.accounts.jurisdiction import restrict

    return restrict(ReportedFigure.objects.all(), user).select_related("unit")


def get_figure_for_user(user, pk) -> ReportedFigure:
    """The figure if the user sees it; Http404 otherwise (never a hint it exists)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(figures_for_user(user), pk=pk)
