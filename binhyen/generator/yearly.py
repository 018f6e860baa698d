"""Five years of certification (windows 2022 – 2026: residential areas, communes and
organisations registering, certified or not) and awards (a conference in each province
every year, nominations of schemes, individuals and households)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from binhyen.awards.choices import (
    AuthorityLevel,
    CollectiveKind,
    FormKind,
    NominationStatus,
    OccasionKind,
    RecipientKind,
)
from binhyen.awards.models import AwardForm, Nomination, Occasion, Person
from binhyen.certification.choices import Status, StepKind, SubjectType, window
from binhyen.certification.models import Certification, CertificationStep, CriteriaSet
from binhyen.geo.choices import Level
from binhyen.geo.models import Placement
from binhyen.schemes.choices import HostKind

from .bulk import Writer
from .geography import Country
from .names import NAMES, folded
from .registry import Registry
from .sizes import BEFORE, REFORM, Size

WINDOWS = range(2022, 2027)
ORG_SUBJECTS = {
    HostKind.AGENCY: SubjectType.AGENCY,
    HostKind.ENTERPRISE: SubjectType.ENTERPRISE,
    HostKind.SCHOOL: SubjectType.SCHOOL,
}


def certification(rng: random.Random, country: Country, registry: Registry, progress) -> None:
    sets = {
        s.subject_type: s.pk
        for s in CriteriaSet.objects.filter(province__isnull=True).order_by("effective_from")
    }
    certs = Writer(
        Certification,
        [
            "subject_type",
            "unit",
            "organization",
            "year",
            "status",
            "registered_on",
            "households_total",
            "households_registered",
            "criteria_set",
            "decision_number",
            "decision_date",
            "decision_authority",
            "certificate_code",
            "certificate_issued_on",
            "created_at",
            "updated_at",
        ],
    )
    steps = Writer(
        CertificationStep,
        ["certification", "kind", "date", "document", "reason", "created_at"],
        after=[certs],
    )
    tz = timezone.get_current_timezone()
    done = 0
    for year in WINDOWS:
        on = dt.date(year, 3, 31)
        subjects = [(SubjectType.RESIDENTIAL_AREA, a, None) for a in country.areas]
        communes = country.new_communes if on >= REFORM else country.old_communes
        subjects += [(SubjectType.COMMUNE, c, None) for c in communes]
        subjects += [
            (ORG_SUBJECTS[k], c, o) for o, c, k in registry.organizations if k in ORG_SUBJECTS
        ]
        end = window(SubjectType.COMMUNE, year)[1]
        decided = end + dt.timedelta(days=20) <= dt.date(2026, 11, 20)
        for subject_type, unit, organization in subjects:
            if rng.random() > (0.9 if organization is None else 0.5):
                continue
            registered = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(90))
            households = (
                80 + rng.randrange(200) if subject_type == SubjectType.RESIDENTIAL_AREA else None
            )
            status, number, decision_day, code = Status.REGISTERED, "", None, ""
            if decided:
                status = Status.CERTIFIED if rng.random() < 0.85 else Status.NOT_CERTIFIED
                decision_day = window(subject_type, year)[1] + dt.timedelta(days=15)
                number = f"{done + 1}/QĐ-UBND"
                code = f"G{year}{done + 1:08d}" if status == Status.CERTIFIED else ""
            at = dt.datetime.combine(registered, dt.time(9), tz)
            pk = certs.add(
                subject_type,
                unit,
                organization,
                year,
                status,
                registered,
                households,
                households,
                sets.get(subject_type),
                number,
                decision_day,
                "Chủ tịch UBND" if decided else "",
                code,
                decision_day if code else None,
                at,
                at,
            )
            steps.add(pk, StepKind.REGISTERED, registered, "", "", at)
            if decided:
                steps.add(pk, status, decision_day, number, "", at)
            done += 1
        progress("certifications", year - WINDOWS.start + 1, len(WINDOWS))
    certs.close()
    steps.close()


def awards(rng: random.Random, size: Size, country: Country, registry: Registry, progress):
    old_province = dict(
        Placement.objects.filter(structure_date=BEFORE, unit__level=Level.COMMUNE).values_list(
            "unit_id", "province_id"
        )
    )
    old_provinces = sorted({old_province[c] for c in country.old_communes if c in old_province})
    pairs = [
        (form.pk, authority.pk, form.kind)
        for form in AwardForm.objects.filter(
            kind__in=[FormKind.CERTIFICATE_OF_MERIT, FormKind.COMMENDATION]
        ).prefetch_related("authorities")
        for authority in form.authorities.all()
        if authority.level in (AuthorityLevel.PROVINCE, AuthorityLevel.PROVINCIAL_POLICE)
    ]
    if not pairs:
        return
    occasions = Writer(Occasion, ["name", "kind", "held_on", "unit", "period_start", "period_end"])
    people = Writer(
        Person,
        [
            "search_name",
            "full_name",
            "birth_year",
            "unit",
            "position",
            "service_since",
            "under_prosecution",
            "id_number",
            "id_key",
        ],
    )
    nominations = Writer(
        Nomination,
        [
            "occasion",
            "form",
            "authority",
            "recipient_kind",
            "collective_kind",
            "scheme",
            "person",
            "household",
            "unit",
            "period_start",
            "period_end",
            "summary",
            "status",
            "decision_number",
            "decision_date",
            "signer",
            "created_at",
            "updated_at",
        ],
        after=[occasions, people],
    )
    tz = timezone.get_current_timezone()
    first_household, last_household = registry.households
    for year in range(2021, 2026):
        held = dt.date(year, 8, 19)
        provinces = country.provinces if held >= REFORM else old_provinces
        period = (dt.date(year, 1, 1), dt.date(year, 12, 31))
        of_province = {}
        for province in provinces:
            of_province[province] = occasions.add(
                f"Ngày hội toàn dân bảo vệ ANTQ {year}",
                OccasionKind.MOVEMENT_DAY,
                held,
                province,
                *period,
            )
        at = dt.datetime.combine(held, dt.time(8), tz)
        for n in range(size.nominations_per_year):
            province = provinces[n % len(provinces)]
            form, authority, _kind = rng.choice(pairs)
            roll = rng.random()
            scheme = person = household = None
            collective = ""
            if roll < 0.6 and registry.points:
                kind, collective = RecipientKind.COLLECTIVE, CollectiveKind.SCHEME
                scheme = rng.choice(registry.points)[0]
            elif roll < 0.9 or last_household < first_household:
                kind = RecipientKind.INDIVIDUAL
                name = rng.choice(NAMES)
                person = people.add(
                    folded(name),
                    name,
                    1960 + rng.randrange(40),
                    country.commune_on(rng, held),
                    "Tổ trưởng tổ tự quản",
                    None,
                    False,
                    "",
                    "",
                )
            else:
                kind = RecipientKind.HOUSEHOLD
                household = rng.randint(first_household, last_household)
            status = NominationStatus.AWARDED if rng.random() < 0.9 else NominationStatus.REJECTED
            nominations.add(
                of_province[province],
                form,
                authority,
                kind,
                collective,
                scheme,
                person,
                household,
                province,
                *period,
                "Có thành tích xuất sắc trong phong trào",
                status,
                f"{n + 1}/QĐ-UBND" if status == NominationStatus.AWARDED else "",
                held if status == NominationStatus.AWARDED else None,
                "",
                at,
                at,
            )
        progress("award rounds", year - 2020, 5)
    for writer in (occasions, people, nominations):
        writer.close()
