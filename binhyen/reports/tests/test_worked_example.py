"""The public worked examples, loaded from the sample files of docs/samples/reports with
`binhyen import_figures`, give reviews that state them, on the command line and in the
documents; docs/indicators.md lists every indicator of the catalogue."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from binhyen.core.audit import audit_context
from binhyen.geo.choices import Level
from binhyen.geo.services.imports import UnitRow, import_structure
from binhyen.reports.indicators import INDICATORS

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "docs" / "samples" / "reports"


@pytest.fixture
def provinces(nghe_an):
    with audit_context(source="test"):
        import_structure(
            [UnitRow(1, "42", "Tỉnh Hà Tĩnh", "Tỉnh", Level.PROVINCE)],
            dt.date(2010, 1, 1),
            files=("test-42", ""),
        )
    call_command("import_figures", str(SAMPLES / "figures-nghe-an.csv"), stdout=io.StringIO())
    call_command("import_figures", str(SAMPLES / "figures-2017.csv"), stdout=io.StringIO())


def review(tmp_path, *args, fmt="json"):
    out = tmp_path / f"review.{fmt}"
    call_command("report", *args, "--format", fmt, "-o", str(out), stderr=io.StringIO())
    return out


def by_code(data: dict) -> dict:
    return {f["indicator"]: f for s in data["sections"] for f in s["figures"]}


def test_nghe_an_sample_gives_the_published_review(provinces, tmp_path):
    out = review(tmp_path, "--unit", "40", "--from", "2018-01-01", "--to", "2023-06-15")
    found = by_code(json.loads(out.read_text()))
    expected = {
        "structure.steering_committees": "480",
        "structure.boards": "7.588",
        "structure.groups": "38.578",
        "schemes.types_replicated": "32",
        "schemes.residential_areas": "1.420",
        "schemes.commended_ministry": "12",
        "communes.drug_free": "96",
    }
    for code, display in expected.items():
        assert found[code]["display"] == display, code
        assert found[code]["reported"], code


def test_2017_sample_keeps_over_2000_in_the_document(provinces, tmp_path):
    args = ("--unit", "42", "--from", "2017-01-01", "--to", "2017-12-31")
    found = by_code(json.loads(review(tmp_path, *args).read_text()))
    assert (found["tips.actionable"]["value"], found["tips.actionable"]["qualifier"]) == (
        2000,
        "at_least",
    )
    assert found["cases.solved"]["value"] == 1275
    assert found["cases.suspects_arrested"]["value"] == 1321
    from docx import Document

    text = "\n".join(p.text for p in Document(str(review(tmp_path, *args, fmt="docx"))).paragraphs)
    with translation.override("vi"):
        from binhyen.reports import formatting

        over = formatting.with_qualifier(2000, "at_least")
    assert over in text
    assert "1.275" in text and "1.321" in text


def test_every_indicator_is_documented():
    text = (ROOT / "docs" / "indicators.md").read_text()
    missing = [i.code for i in INDICATORS if f"`{i.code}`" not in text]
    assert missing == []
