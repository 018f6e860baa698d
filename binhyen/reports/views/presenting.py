"""A review dict made ready for the page: changes against the previous period,
drill-down links, charts as images, the map's configuration."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from ..documents.page import chart_uri

MAP_INDICATORS = ("schemes.active", "structure.groups", "tips.received", "tips.actionable")


def _change(figure: dict) -> dict:
    now, before = figure["value"], figure["previous"]["value"]
    diff = now - before
    return {
        "diff": diff,
        "pct": round(100 * diff / before) if before and abs(diff) < 10 * before else None,
        "up": diff > 0,
        "down": diff < 0,
    }


def _drill(query: dict | None, code: str) -> str:
    if query is None or not code:
        return ""
    return f"{reverse('reports:review')}?{urlencode({**query, 'unit': code})}"


def _figures(review: dict) -> dict[str, dict]:
    return {f["indicator"]: f for s in review["sections"] for f in s["figures"]}


def _unit_values(figure: dict) -> dict[str, object]:
    rows = next((b["rows"] for b in figure["breakdowns"] if b["by"] == "unit"), [])
    return {r["code"]: r["value"] for r in rows if r.get("code")}


def _boundaries_url(review: dict) -> str:
    try:
        url = reverse("api-boundaries")
    except NoReverseMatch:
        return ""
    params = {"on": review["structure"]["asked"]}
    if review["unit"]:
        params["within"] = review["unit"]["code"]
    return f"{url}?{urlencode(params)}"


def map_config(review: dict, query: dict | None) -> dict:
    found = _figures(review)
    indicators = [
        {"code": c, "label": found[c]["label"], "values": _unit_values(found[c])}
        for c in MAP_INDICATORS
        if c in found
    ]
    drill = _drill(query, "{code}").replace("%7Bcode%7D", "{code}") if query else ""
    return {
        "points": review["map"]["points"],
        "values": indicators[0]["values"] if indicators else {},
        "indicator_label": indicators[0]["label"] if indicators else "",
        "indicators": indicators,
        "boundaries_url": _boundaries_url(review),
        "tiles_url": getattr(settings, "MAP_TILES_URL", ""),
        "drill_url": drill,
    }


def page_context(review: dict, query: dict | None) -> dict:
    found = _figures(review)
    sections = []
    for section in review["sections"]:
        rows = []
        for figure in section["figures"]:
            breakdowns = []
            for b in figure["breakdowns"]:
                if not b["rows"]:
                    continue
                breakdowns.append(
                    {
                        **b,
                        "rows": [
                            {**r, "drill": _drill(query, r.get("code") or "")} for r in b["rows"]
                        ],
                    }
                )
            rows.append({"figure": figure, "change": _change(figure), "breakdowns": breakdowns})
        sections.append({**section, "rows": rows})
    headline = [
        {"figure": found[c], "change": _change(found[c])} for c in review["headline"] if c in found
    ]
    points_url = ""
    if review["unit"] and (not review["sublevel"] or review["sublevel"] == "residential_area"):
        points_url = f"{reverse('schemes:list')}?{urlencode({'unit': review['unit']['code']})}"
    return {
        "review": review,
        "headline": headline,
        "sections": sections,
        "trends_chart": chart_uri(review, "trends"),
        "replication_chart": chart_uri(review, "replication"),
        "map_config": map_config(review, query),
        "points_url": points_url,
        "used_sources": [s for s in review["sources"] if s["used"]],
    }


def silent_units(review: dict, units) -> list:
    """Units (sub-units of the review's unit) with nothing recorded or reported in the
    period: no flow figure has a row for them."""
    heard = set()
    for section in review["sections"]:
        for figure in section["figures"]:
            if figure["kind"] != "flow":
                continue
            for b in figure["breakdowns"]:
                if b["by"] == "unit":
                    heard |= {r["code"] for r in b["rows"] if r.get("code") and r["value"]}
    return [u for u in units if u.code not in heard]
