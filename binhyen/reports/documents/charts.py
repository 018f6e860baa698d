"""Charts of a review drawn with matplotlib on the server: SVG for HTML and PDF, PNG for
DOCX. Figures are `matplotlib.figure.Figure` objects (no pyplot, no global state shared
between threads); fonts are set per text element, never through rcParams."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # noqa: E402  (no display; harmless when already set)

from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties, findfont, fontManager  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .. import formatting  # noqa: E402

PREFERRED = ["Liberation Serif", "Times New Roman", "Tinos", "DejaVu Serif"]
_installed = {font.name for font in fontManager.ttflist}
# only installed faces: matplotlib warns for every family of the list it cannot find
SERIF = [name for name in PREFERRED if name in _installed][:1] or ["serif"]
PNG_DPI = 150
COLOURS = ["#1f4e79", "#c00000", "#548235", "#bf8f00", "#7030a0", "#2e75b6"]


def _font(size: float = 10, weight: str = "normal") -> FontProperties:
    return FontProperties(family=SERIF, size=size, weight=weight)


def font_name() -> str:
    """The face the charts actually use (for tests and diagnostics)."""
    return FontProperties(fname=findfont(_font(), fallback_to_default=True)).get_name()


def _month_label(month: str) -> str:
    year, number = month.split("-")[:2]
    return f"{number}/{year}"


def _style(ax) -> None:
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.grid(axis="y", color="#d9d9d9", linewidth=0.6)
    ax.set_axisbelow(True)


def _y_ticks(ax, top: float) -> None:
    ticks = [t for t in MaxNLocator(nbins=5, integer=True).tick_values(0, max(top, 1)) if t >= 0]
    ax.set_ylim(0, ticks[-1] if ticks[-1] > 0 else 1)
    ax.set_yticks(ticks, [formatting.number(int(t)) for t in ticks], fontproperties=_font(9))


def trends_chart(review: dict) -> Figure | None:
    """Monthly series (tips received, actionable, cases solved…); None without data."""
    trends = review.get("trends") or {}
    months = trends.get("months") or []
    series = [s for s in trends.get("series") or [] if any(v for v in s.get("values") or [])]
    if not months or not series:
        return None
    fig = Figure(figsize=(6.3, 3.0))
    ax = fig.add_subplot()
    _style(ax)
    positions = list(range(len(months)))
    top = 0
    for index, s in enumerate(series):
        values = [v or 0 for v in s["values"]][: len(months)]
        top = max(top, *values)
        ax.plot(
            positions[: len(values)],
            values,
            color=COLOURS[index % len(COLOURS)],
            linewidth=1.6,
            marker="o",
            markersize=2.5,
            label=s["label"],
        )
    step = max(1, len(months) // 12)
    shown = positions[::step]
    ax.set_xticks(shown, [_month_label(months[i]) for i in shown], fontproperties=_font(8))
    for label in ax.get_xticklabels():
        label.set_rotation(45)
        label.set_horizontalalignment("right")
    ax.set_xlim(-0.5, len(months) - 0.5)
    _y_ticks(ax, top)
    ax.legend(
        prop=_font(9),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.3),
        ncol=min(3, len(series)),
        frameon=False,
    )
    fig.subplots_adjust(left=0.08, right=0.98, top=0.96, bottom=0.36)
    return fig


def replication_chart(review: dict) -> Figure | None:
    """Scheme points active at the end of each year; None without data."""
    replication = review.get("replication") or {}
    years = replication.get("years") or []
    active = replication.get("active") or []
    if not years or not any(active):
        return None
    fig = Figure(figsize=(6.3, 2.8))
    ax = fig.add_subplot()
    _style(ax)
    positions = list(range(len(years)))
    values = [v or 0 for v in active][: len(years)]
    bars = ax.bar(positions[: len(values)], values, color=COLOURS[0], width=0.6)
    for bar, value in zip(bars, values, strict=False):
        ax.annotate(
            formatting.number(value),
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontproperties=_font(9),
        )
    ax.set_xticks(positions, [str(y) for y in years], fontproperties=_font(9))
    _y_ticks(ax, max(values) * 1.12)
    ax.set_ylabel(_("Scheme points active"), fontproperties=_font(9))
    fig.subplots_adjust(left=0.11, right=0.98, top=0.95, bottom=0.12)
    return fig


def svg(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI)
    return buffer.getvalue()


CHARTS = {"trends": trends_chart, "replication": replication_chart}
