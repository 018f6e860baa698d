"""The demo province's award round, built through the services like real data: the
review conference of province 99 for 2025, a dozen nominations of scheme points, groups,
a commune, people and a household, most awarded, one rejected with its reason, one
commemorative medal, one still waiting for its review. Deterministic (fixed seed);
does nothing if the occasion already exists. The proposer never reviews nor decides
their own nomination (services.nominations): the provincial officer "pv05" proposes,
a second officer of province 99, "pv05.tdkt" (the awards officer, created here with
the demo password when absent), reviews and decides. Run after the registry demo (its points,
groups and households are the collectives nominated) and, optionally, the tips demo
(solved cases become achievements)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from binhyen.accounts.choices import Role
from binhyen.accounts.models import User
from binhyen.accounts.services import create_user, grant_role
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes import queries as scheme_queries
from binhyen.schemes.demo import FAMILY, GIVEN, MIDDLE
from binhyen.tips import queries as tip_queries

from . import services
from .choices import CollectiveKind, OccasionKind, RecipientKind
from .models import Authority, AwardForm, Occasion

NAME = "Hội nghị tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2025"
HELD_ON = dt.date(2025, 12, 20)
PERIOD = (dt.date(2024, 12, 1), dt.date(2025, 11, 30))
DECIDED_ON = dt.date(2025, 12, 15)
DECISIONS = {
    "chu-tich-ubnd-tinh": ("2415/QĐ-UBND", "Chủ tịch UBND tỉnh (demo)"),
    "giam-doc-cat": ("1873/QĐ-CAT", "Giám đốc Công an tỉnh (demo)"),
    "bo-truong-bca": ("9120/QĐ-BCA", "Bộ trưởng Bộ Công an (demo)"),
}
DEEDS = (
    "Duy trì hoạt động hiệu quả, không để xảy ra tội phạm nghiêm trọng trên địa bàn",
    "Phát hiện, cung cấp nhiều tin có giá trị giúp cơ quan công an phá án",
    "Vận động nhân dân giao nộp vũ khí, vật liệu nổ",
    "Hòa giải thành nhiều vụ mâu thuẫn ở cơ sở",
    "Tham gia tuần tra, giữ gìn an ninh trật tự khu dân cư",
)


REVIEWER = ("pv05.tdkt", "Cán bộ thi đua – khen thưởng (demo)")


def _officer() -> User:
    from binhyen.portal.demo import ensure_demo_users

    user = User.objects.filter(username="pv05").first()
    if user is None:
        ensure_demo_users()
        user = User.objects.get(username="pv05")
    return user


def _reviewer(province: AdminUnit) -> User:
    """The officer of the province who reviews and decides (not the proposer)."""
    from binhyen.portal.demo import DEMO_PASSWORD

    username, full_name = REVIEWER
    user = User.objects.filter(username=username).first()
    if user is None:
        user = create_user(username, DEMO_PASSWORD, full_name=full_name)
    grant_role(user, Role.PROVINCIAL_OFFICER, province)
    return user


@transaction.atomic
def load_awards(seed: int = 2025) -> dict[str, int]:
    """Build the award round (portal.demo.load_demo first; schemes.demo.load_registry
    for the collectives); idempotent. Returns how many nominations the round holds."""
    province = AdminUnit.objects.filter(
        level=Level.PROVINCE, code="99", valid_to__isnull=True
    ).first()
    if province is None:
        return {"nominations": 0}
    existing = Occasion.objects.filter(name=NAME, unit=province).first()
    if existing is not None:  # already loaded: say what the round holds
        return {"nominations": existing.nominations.count()}
    rng = random.Random(seed + 6)
    user = _officer()
    reviewer = _reviewer(province)
    form = {f.code: f for f in AwardForm.objects.all()}
    authority = {a.code: a for a in Authority.objects.all()}
    occasion = services.create_occasion(
        user,
        name=NAME,
        kind=OccasionKind.REVIEW_CONFERENCE,
        held_on=HELD_ON,
        unit=province,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
    )
    communes = list(
        AdminUnit.objects.filter(
            level=Level.COMMUNE, code__startswith="99", valid_to__isnull=True
        ).order_by("code")
    )
    schemes = list(
        scheme_queries.schemes_for_user(user)
        .filter(dissolved_on__isnull=True, established_on__lte=PERIOD[0])
        .select_related("unit")
        .order_by("pk")[:40]
    )
    groups = list(
        scheme_queries.groups_for_user(user).filter(dissolved_on__isnull=True).order_by("pk")[:20]
    )
    households = list(scheme_queries.households_for_user(user).order_by("pk")[:20])
    cases = list(
        tip_queries.cases_for_user(user).filter(solved=True).select_related("unit").order_by("pk")
    )
    made = []

    def deed() -> str:
        return rng.choice(DEEDS)

    def nominate(form_code, authority_code, **values):
        values.setdefault("achievements", [deed()])
        made.append(
            services.propose(
                user,
                occasion,
                form=form[form_code],
                authority=authority[authority_code],
                **values,
            )
        )
        return made[-1]

    for scheme in rng.sample(schemes, min(4, len(schemes))):
        nominate(
            "bang-khen" if len(made) < 3 else "giay-khen",
            "chu-tich-ubnd-tinh" if len(made) < 3 else "giam-doc-cat",
            recipient_kind=RecipientKind.COLLECTIVE,
            collective_kind=CollectiveKind.SCHEME,
            scheme=scheme,
            achievements=[scheme, deed()],
        )
    for group in rng.sample(groups, min(2, len(groups))):
        nominate(
            "giay-khen",
            "giam-doc-cat",
            recipient_kind=RecipientKind.COLLECTIVE,
            collective_kind=CollectiveKind.GROUP,
            group=group,
        )
    if communes:
        nominate(
            "co-thi-dua",
            "chu-tich-ubnd-tinh",
            recipient_kind=RecipientKind.COLLECTIVE,
            collective_kind=CollectiveKind.UNIT,
            recipient_unit=communes[0],
        )
    people = []
    for i in range(5):
        commune = communes[i % len(communes)] if communes else province
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        people.append(
            services.create_person(
                user,
                full_name=name,
                birth_year=rng.randint(1960, 1990),
                id_number=f"0990{seed % 100:02d}{rng.randrange(10**6):06d}",
                unit=commune,
                position=rng.choice(("Tổ trưởng tổ tự quản", "Công an viên", "Trưởng thôn")),
                service_since=rng.randint(2005, 2015),
            )
        )
    for person in people[:3]:
        case = next((c for c in cases if c.unit_id == person.unit_id), None)
        nominate(
            "bang-khen",
            "chu-tich-ubnd-tinh",
            recipient_kind=RecipientKind.INDIVIDUAL,
            person=person,
            achievements=[case, deed()] if case else [deed()],
        )
    medal = nominate(
        "kniem-chuong-bvantq",
        "bo-truong-bca",
        recipient_kind=RecipientKind.INDIVIDUAL,
        person=people[3],
        achievements=["Có nhiều năm đóng góp cho phong trào bảo vệ an ninh Tổ quốc"],
    )
    pending = nominate(
        "giay-khen",
        "giam-doc-cat",
        recipient_kind=RecipientKind.INDIVIDUAL,
        person=people[4],
    )
    if households:
        nominate(
            "giay-khen",
            "giam-doc-cat",
            recipient_kind=RecipientKind.HOUSEHOLD,
            household=households[0],
            achievements=["Gia đình gương mẫu chấp hành tốt pháp luật, tích cực tố giác tội phạm"],
        )
    rejected = next(
        n for n in made if n.recipient_kind == RecipientKind.INDIVIDUAL and n.pk != medal.pk
    )
    for n in made:
        if n.pk == pending.pk:
            continue
        services.review(reviewer, n, approve=True)
        if n.pk == rejected.pk:
            services.decide(
                reviewer,
                n,
                awarded=False,
                reason="Thành tích chưa tiêu biểu so với các cá nhân khác trong tỉnh.",
            )
            continue
        number, signer = DECISIONS[n.authority.code]
        services.decide(
            reviewer,
            n,
            awarded=True,
            decision_number=number,
            decision_date=DECIDED_ON,
            signer=signer,
        )
    return {"nominations": len(made)}
