"""Declarative validation rules, run on a review's figures and on reported figures.
A broken rule is listed with the figures involved, never corrected.

- partition: the parts of a partition add up to the total (a province reported 500
  groups, 420 rural and 60 urban: 20 are neither);
- subset: a subset never exceeds its set (actionable tips ≤ tips received);
- established: points active on a date never exceed the points ever established;
- agreement: a reported figure agrees with the records of its unit and window where
  records exist (exact: equal; "over N": at least N; "about N": within a tenth). A
  warning, not an error: records entered later may simply be incomplete.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import formatting as fmt
from .choices import Qualifier
from .indicators import CATALOGUE

ERROR = "error"
WARNING = "warning"


@dataclass
class Broken:
    rule: str
    message: str
    indicator: str
    unit: str = ""
    figures: list[dict] = field(default_factory=list)
    difference: object = 0
    severity: str = ERROR

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "indicator": self.indicator,
            "unit": self.unit,
            "figures": self.figures,
            "difference": fmt.plain(self.difference),
        }


def _label(code: str) -> str:
    indicator = CATALOGUE.get(code)
    return str(indicator.label) if indicator else code


def reported_partitions(figures) -> list[Broken]:
    """Reported parts of a partition against their reported total (same indicator,
    unit, period). Only exact figures can be checked; "over"/"about" are skipped."""
    totals, parts = {}, defaultdict(list)
    for f in figures:
        key = (f.indicator, f.unit_id, f.period_start, f.period_end)
        if not f.breakdown:
            totals[key] = f
            continue
        indicator = CATALOGUE.get(f.indicator)
        dim = indicator.dimension(f.dimension) if indicator else None
        if dim is not None and dim.partition:
            parts[(*key, f.dimension)].append(f)
    broken = []
    for (code, unit_id, start, end, _dim), found in parts.items():
        total = totals.get((code, unit_id, start, end))
        if total is None or any(f.qualifier != Qualifier.EXACT for f in [total, *found]):
            continue
        part_sum = sum(f.value for f in found)
        if part_sum == total.value:
            continue
        diff = total.value - part_sum
        listed = ", ".join(f"{f.part} {fmt.number(f.value)}" for f in found)
        if diff > 0:
            tail = _("%(n)s are in none of the parts") % {"n": fmt.number(diff)}
        else:
            tail = _("the parts exceed the total by %(n)s") % {"n": fmt.number(-diff)}
        message = _(
            "%(indicator)s of %(unit)s (%(start)s–%(end)s): the parts (%(parts)s) add "
            "up to %(sum)s, the total is %(total)s: %(tail)s"
        ) % {
            "indicator": _label(code),
            "unit": total.unit.name,
            "start": fmt.short_date(start),
            "end": fmt.short_date(end),
            "parts": listed,
            "sum": fmt.number(part_sum),
            "total": fmt.number(total.value),
            "tail": tail,
        }
        figures = [{"label": _("Total"), "value": fmt.plain(total.value), "source": total.pk}]
        figures += [{"label": f.part, "value": fmt.plain(f.value), "source": f.pk} for f in found]
        broken.append(Broken("partition", message, code, total.unit.code, figures, diff))
    return broken


def computed_partitions(figure: dict, unit_code: str) -> list[Broken]:
    """A review figure's partition breakdowns add up to its value (they include the
    unallocated and reported rows, so a break here is a defect to report)."""
    broken = []
    for b in figure["breakdowns"]:
        if not b["partition"]:
            continue
        row_sum = sum(r["value"] for r in b["rows"])
        if b["rows"] and abs(row_sum - figure["value"]) > 1e-6:  # kg are decimals
            diff = figure["value"] - row_sum
            message = _(
                "%(indicator)s %(by)s: the rows add up to %(sum)s, the total is %(total)s"
            ) % {
                "indicator": figure["label"],
                "by": b["label"],
                "sum": fmt.number(row_sum),
                "total": figure["display"],
            }
            broken.append(Broken("partition", message, figure["indicator"], unit_code, [], diff))
    return broken


def subsets(figures: dict[str, dict], unit_code: str) -> list[Broken]:
    """Each indicator declared a subset of another never exceeds it, in total and in
    every sub-unit row."""
    broken = []
    for code, figure in figures.items():
        parent_code = CATALOGUE[code].subset_of
        parent = figures.get(parent_code)
        if parent is None:
            continue
        pairs = [(figure["value"], parent["value"], "")]
        parent_rows = {r["key"]: r for r in _unit_rows(parent)}
        for row in _unit_rows(figure):
            other = parent_rows.get(row["key"])
            if other is not None:
                pairs.append((row["value"], other["value"], row["label"]))
        for value, bound, where in pairs:
            if value > bound:
                message = _("%(sub)s (%(value)s) exceed %(set)s (%(bound)s)%(where)s") % {
                    "sub": figure["label"],
                    "value": fmt.number(value),
                    "set": parent["label"].lower(),
                    "bound": fmt.number(bound),
                    "where": f" — {where}" if where else "",
                }
                figs = [
                    {"label": figure["label"], "value": value},
                    {"label": parent["label"], "value": bound},
                ]
                broken.append(Broken("subset", message, code, unit_code, figs, value - bound))
    return broken


def _unit_rows(figure: dict) -> list[dict]:
    b = next((b for b in figure["breakdowns"] if b["by"] == "unit"), None)
    return [r for r in b["rows"] if r["key"] not in (None, "reported")] if b else []


def established(active: dict, ever: object, unit_code: str) -> list[Broken]:
    if active["value"] <= ever:
        return []
    message = _(
        "%(active)s on %(on)s (%(value)s) exceed the points ever established (%(ever)s)"
    ) % {
        "active": active["label"],
        "on": fmt.short_date(active["on"]),
        "value": active["display"],
        "ever": fmt.number(ever),
    }
    figs = [
        {"label": active["label"], "value": active["value"]},
        {"label": _("Established since ever"), "value": fmt.plain(ever)},
    ]
    return [
        Broken("established", message, active["indicator"], unit_code, figs, active["value"] - ever)
    ]


def agreement(figure, records_value) -> list[Broken]:
    """A reported figure against the records of its unit and window, where records exist."""
    if not records_value:
        return []
    value = figure.value
    if figure.qualifier == Qualifier.EXACT and records_value == value:
        return []
    if figure.qualifier == Qualifier.AT_LEAST and records_value >= value:
        return []
    if figure.qualifier == Qualifier.ABOUT and abs(records_value - value) <= value / 10:
        return []
    message = _(
        "%(indicator)s of %(unit)s (%(start)s–%(end)s): reported %(reported)s, the "
        "records count %(records)s"
    ) % {
        "indicator": _label(figure.indicator),
        "unit": figure.unit.name,
        "start": fmt.short_date(figure.period_start),
        "end": fmt.short_date(figure.period_end),
        "reported": fmt.with_qualifier(value, figure.qualifier),
        "records": fmt.number(records_value),
    }
    figs = [
        {"label": _("Reported"), "value": fmt.plain(value), "source": figure.pk},
        {"label": _("Records"), "value": fmt.plain(records_value)},
    ]
    return [
        Broken(
            "agreement",
            message,
            figure.indicator,
            figure.unit.code,
            figs,
            fmt.plain(value - records_value),
            WARNING,
        )
    ]
