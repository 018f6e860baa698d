"""The demo's award round: made through the services, idempotent."""

from __future__ import annotations

import pytest

from binhyen.accounts.models import User
from binhyen.awards import queries
from binhyen.awards.demo import NAME, REVIEWER, load_awards
from binhyen.awards.models import Nomination, Occasion
from binhyen.core.audit import audit_context
from binhyen.portal.demo import DEMO_PASSWORD
from binhyen.schemes.demo import load_registry

pytestmark = pytest.mark.django_db


def test_demo_round(demo):
    with audit_context(source="test"):
        load_registry(households=(2, 3))
        made = load_awards()
        assert load_awards() == made  # idempotent: the same round, nothing added
    assert 10 <= made["nominations"] <= 14
    assert Nomination.objects.count() == made["nominations"]
    occasion = Occasion.objects.get(name=NAME)
    statuses = list(Nomination.objects.filter(occasion=occasion).values_list("status", flat=True))
    assert statuses.count("rejected") == 1
    assert statuses.count("awarded") >= len(statuses) - 2
    rejected = Nomination.objects.get(occasion=occasion, status="rejected")
    assert rejected.reason
    assert Nomination.objects.filter(form__once_per_life=True, status="awarded").count() == 1
    kinds = set(Nomination.objects.values_list("recipient_kind", flat=True))
    assert kinds == {"collective", "individual", "household"}
    # four eyes: pv05 proposes, another officer of the province reviews and decides
    assert set(Nomination.objects.values_list("proposed_by__username", flat=True)) == {"pv05"}
    reviewer = User.objects.get(username=REVIEWER[0])
    assert reviewer.check_password(DEMO_PASSWORD)
    assert queries.nominations_for_user(reviewer).count() == made["nominations"]
    groups = queries.conference_list(occasion)
    assert sum(g.total for g in groups) == statuses.count("awarded")
