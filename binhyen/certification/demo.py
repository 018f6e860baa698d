"""The demo's certification year 2026 in province 99 (2025 structure): every
residential area, agency, enterprise and school of its communes registered in the first
quarter, self-assessed, taken to a decision; most certified, some not (one appealed),
so that one commune qualifies and one misses the 70% threshold. Each commune is decided
after its units, by the province: certified when its qualification passes, else not.
Through the services, as the system; idempotent (a subject already registered for the
year is left as is)."""

from __future__ import annotations

import datetime as dt
import random

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes.models import Household

from . import services
from .choices import StepKind, SubjectType
from .models import Certification
from .queries import commune_qualification, member_areas, member_organizations

YEAR = 2026
AUTHORITY = {
    SubjectType.RESIDENTIAL_AREA: "Chủ tịch UBND xã",
    SubjectType.COMMUNE: "Chủ tịch UBND tỉnh",
}
ORG_KIND = {
    "agency": SubjectType.AGENCY,
    "enterprise": SubjectType.ENTERPRISE,
    "school": SubjectType.SCHOOL,
}


def _run(subject_type, rng: random.Random, fail_share: float, **subject) -> Certification:
    found = Certification.objects.filter(year=YEAR, subject_type=subject_type, **subject).first()
    if found is not None:
        return found
    extra = {}
    if subject_type == SubjectType.RESIDENTIAL_AREA:
        n = Household.objects.filter(residential_area=subject["unit"]).count() or rng.randint(
            40, 160
        )
        extra = {"households_total": n, "households_registered": n}
    cert = services.register(
        None,
        subject_type=subject_type,
        year=YEAR,
        registered_on=dt.date(YEAR, 2, rng.randint(1, 28)),
        **subject,
        **extra,
    )
    criteria = services.criteria_set_for(subject_type, cert.unit, dt.date(YEAR, 6, 1))
    fails = rng.random() < fail_share
    results = {
        c.code: (not (fails and i == 1), "Báo cáo tự đánh giá của đơn vị (mô phỏng)")
        for i, c in enumerate(criteria.criteria.all())
    }
    services.self_assess(
        None,
        cert,
        date=dt.date(YEAR, 9, rng.randint(1, 20)),
        results=results,
        document="Biên bản tự đánh giá",
    )
    services.record_step(
        None,
        cert,
        kind=StepKind.DOSSIER,
        date=dt.date(YEAR, 10, 5),
        document="Biên bản họp, hồ sơ đề nghị",
    )
    services.record_step(
        None,
        cert,
        kind=StepKind.APPRAISED,
        date=dt.date(YEAR, 11, 1)
        if subject_type != SubjectType.RESIDENTIAL_AREA
        else dt.date(YEAR, 10, 20),
        document="Biên bản thẩm định",
    )
    decided_on = (
        dt.date(YEAR, 11, 18)
        if subject_type != SubjectType.RESIDENTIAL_AREA
        else (dt.date(YEAR, 11, 3))
    )
    authority = AUTHORITY.get(subject_type, "Chủ tịch UBND xã")
    number = f"{rng.randint(10, 300)}/QĐ-UBND"
    if subject_type == SubjectType.COMMUNE and not fails:
        # the province certifies a commune only when its qualification passes
        fails = not commune_qualification(cert.unit, YEAR).passed
    if fails:
        return services.decide(
            None,
            cert,
            certified=False,
            date=decided_on,
            decision_number=number,
            decision_authority=authority,
            reason="Chưa đạt tiêu chí: còn xảy ra vụ việc phức tạp về trật tự",
        )
    return services.decide(
        None,
        cert,
        certified=True,
        date=decided_on,
        decision_number=number,
        decision_authority=authority,
    )


def load_certification(seed: int = 1) -> dict:
    rng = random.Random(seed + 7)
    province = AdminUnit.objects.get(level=Level.PROVINCE, code="99", valid_to__isnull=True)
    on = dt.date(YEAR, 6, 1)
    communes = [
        v.unit for v in geo_queries.children_on(province, on) if v.unit.level == Level.COMMUNE
    ]
    count = 0
    appealed = Certification.objects.filter(year=YEAR, steps__kind=StepKind.APPEALED).exists()
    for index, commune in enumerate(communes[:4]):
        # the second commune misses: most of its units fail
        fail_share = 0.6 if index == 1 else 0.1
        for area in member_areas(commune, YEAR):
            cert = _run(SubjectType.RESIDENTIAL_AREA, rng, fail_share, unit=area)
            count += 1
            if (
                not appealed
                and cert.status == "not_certified"
                and not cert.steps.filter(kind=StepKind.APPEALED).exists()
            ):
                services.record_step(
                    None,
                    cert,
                    kind=StepKind.APPEALED,
                    date=dt.date(YEAR, 11, 5),
                    reason="Vụ việc đã được giải quyết trước thời điểm đánh giá",
                )
                services.decide(
                    None,
                    cert,
                    certified=True,
                    date=dt.date(YEAR, 11, 15),
                    decision_number="15/QĐ-UBND",
                    decision_authority="Chủ tịch UBND xã",
                )
                appealed = True
        for org in member_organizations(commune, YEAR):
            _run(ORG_KIND[org.kind], rng, fail_share, organization=org)
            count += 1
        _run(SubjectType.COMMUNE, rng, 1.0 if index == 1 else 0.0, unit=commune)
        count += 1
    return {"certifications": count}
