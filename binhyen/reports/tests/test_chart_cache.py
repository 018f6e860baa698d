"""Charts are drawn once per content: the same figures reuse the picture, new figures
draw a new one (never a stale chart)."""

from django.core.cache import cache

from binhyen.reports.documents import page


def test_a_chart_is_drawn_once_per_content(monkeypatch):
    cache.clear()
    drawn = []
    monkeypatch.setattr(
        page, "_draw", lambda review, name: drawn.append(name) or f"uri{len(drawn)}"
    )
    review = {"trends": {"months": ["2024-01"], "series": [{"indicator": "t", "values": [3]}]}}
    first = page.chart_uri(review, "trends")
    assert page.chart_uri(dict(review), "trends") == first
    assert len(drawn) == 1
    review["trends"]["series"][0]["values"] = [4]
    assert page.chart_uri(review, "trends") != first
    assert len(drawn) == 2
