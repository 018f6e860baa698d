"""The demo fills every register through the services, across the 2025 merger."""

from __future__ import annotations

from django.db.models import Count

from binhyen.core.audit import audit_context
from binhyen.outcomes.demo import load_outcomes
from binhyen.outcomes.models import ManagedPerson, SupervisionPeriod
from binhyen.outcomes.queries import Scope, register_tally
from binhyen.outcomes.registers import MODELS

from .conftest import d


def test_the_demo_fills_every_register_once(demo):
    with audit_context(source="test"):
        made = load_outcomes(today=d(2025, 10, 31))
    assert made["records"] > 0
    for slug, model in MODELS.items():
        assert model.objects.exists(), slug
    # records before and after the merger; people taken in again after it
    assert SupervisionPeriod.objects.filter(intake_on__lt=d(2025, 7, 1)).exists()
    assert SupervisionPeriod.objects.filter(intake_on__gte=d(2025, 7, 1)).exists()
    again = ManagedPerson.objects.annotate(n=Count("periods")).filter(n__gt=1)
    assert again.exists()
    tally = register_tally("managed-persons", Scope(), d(2021, 1, 1), d(2025, 10, 31))
    assert tally.total > tally.figures["people"].value
    assert load_outcomes(today=d(2025, 10, 31)) == {"records": 0}
