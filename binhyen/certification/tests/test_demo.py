"""The demo certification year: idempotent, one commune qualifies, one misses 70%."""

from __future__ import annotations

from binhyen.certification.demo import YEAR, load_certification
from binhyen.certification.models import Certification
from binhyen.certification.queries import commune_qualification
from binhyen.core.audit import audit_context


def test_demo_certification_year(demo):
    from binhyen.schemes.demo import load_registry

    with audit_context(source="test"):
        load_registry()
        first = load_certification()
        again = load_certification()
    assert first == again
    assert Certification.objects.count() == first["certifications"]
    communes = Certification.objects.filter(subject_type="commune", year=YEAR)
    results = {c.unit.code: commune_qualification(c.unit, YEAR) for c in communes}
    passed = {code: all(p.passed for p in q.parts) for code, q in results.items()}
    assert True in passed.values() and False in passed.values()
    certified = next(p for q in results.values() for p in q.parts if p.key == "certified")
    assert certified.total > 0
    assert Certification.objects.filter(steps__kind="appeal_upheld").count() == 1
