"""Tips with the cases they led to, and the outcome registers, spread over 2021 – mid-2026
across the 2025 merger (a record before 1 Jul 2025 sits in a commune of the old
structure)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from binhyen.outcomes import models as om
from binhyen.outcomes.choices import (
    Country as Origin,
)
from binhyen.outcomes.choices import (
    MediationKind,
    MediationResult,
    Nationality,
    Sex,
    WeaponKind,
)
from binhyen.tips.choices import Category, Channel
from binhyen.tips.models import Case, Suspect, Tip

from .bulk import Writer
from .geography import Country
from .names import NAMES
from .registry import Registry, day_between
from .sizes import END, START, Size

CHANNELS = (
    [Channel.PHONE] * 4
    + [Channel.IN_PERSON] * 3
    + [Channel.HOTLINE] * 2
    + [
        Channel.SCHEME_POINT,
        Channel.SCHEME_POINT,
        Channel.WEB_FORM,
        Channel.LETTER,
        Channel.CITIZEN_APP,
    ]
)
CATEGORIES = (
    [Category.DRUGS] * 4 + [Category.THEFT] * 3 + [Category.GAMBLING] * 2 + list(Category.values)
)
TEXTS = (
    "Phát hiện nhóm thanh niên tụ tập, nghi sử dụng trái phép chất ma túy.",
    "Nghi có người lạ đến thuê trọ, không khai báo tạm trú.",
    "Có đối tượng tổ chức đánh bạc tại nhà riêng vào buổi tối.",
    "Mất trộm xe máy trước cửa nhà, đề nghị công an xác minh.",
    "Phản ánh tình trạng cho vay nặng lãi, đòi nợ có dấu hiệu đe dọa.",
)


def tips_and_cases(rng, size: Size, country: Country, registry: Registry, progress) -> None:
    tz = timezone.get_current_timezone()
    tips = Writer(
        Tip,
        [
            "code",
            "received_at",
            "channel",
            "scheme",
            "category",
            "unit",
            "description",
            "handling_unit",
            "status",
            "assessment",
            "is_public",
            "is_anonymous",
            "updated_at",
            "version",
        ],
    )
    actionable = []
    points = registry.points
    for i in range(size.tips):
        on = day_between(rng, START, END)
        at = dt.datetime.combine(on, dt.time(7 + rng.randrange(14), rng.randrange(60)), tz)
        unit = country.commune_on(rng, on)
        channel = rng.choice(CHANNELS)
        roll = rng.random()
        status, assessment = (
            ("actionable", "actionable")
            if roll < 0.4
            else ("not_actionable", "not_actionable")
            if roll < 0.7
            else ("closed", "actionable")
            if roll < 0.85
            else ("received", "")
        )
        scheme = rng.choice(points)[0] if points and channel == Channel.SCHEME_POINT else None
        pk = tips.add(
            f"GEN-{i + 1:010d}",
            at,
            channel,
            scheme,
            rng.choice(CATEGORIES),
            unit,
            rng.choice(TEXTS),
            unit,
            status,
            assessment,
            channel == Channel.WEB_FORM,
            rng.random() < 0.3,
            at,
            1,
        )
        if assessment == "actionable":
            actionable.append((pk, on, unit))
        if i % 50_000 == 0:
            progress("tips", i, size.tips)
    tips.close()
    progress("tips", size.tips, size.tips)
    _cases(rng, size, actionable, progress)


def _cases(rng, size: Size, actionable: list, progress) -> None:
    cases = Writer(
        Case,
        ["number", "category", "unit", "opened_on", "closed_on", "solved", "summary", "version"],
    )
    links = Writer(Case.tips.through, ["case", "tip"], after=[cases])
    suspects = Writer(Suspect, ["case", "full_name", "birth_year", "arrested_on"], after=[cases])
    chosen = rng.sample(actionable, min(size.cases, len(actionable)))
    for n, (tip, on, unit) in enumerate(chosen):
        opened = min(END, on + dt.timedelta(days=rng.randrange(30)))
        solved = rng.random() < 0.7
        closed = opened + dt.timedelta(days=10 + rng.randrange(200)) if solved else None
        if closed and closed > END:
            closed, solved = None, False
        case = cases.add(
            f"{n + 1}/{opened.year}/GEN",
            rng.choice(CATEGORIES),
            unit,
            opened,
            closed,
            solved,
            "Vụ việc từ tin báo",
            1,
        )
        links.add(case, tip)
        for _k in range(1 + (rng.random() < 0.5) + (rng.random() < 0.2)):
            arrested = closed if solved and rng.random() < 0.8 else None
            suspects.add(case, rng.choice(NAMES), 1970 + rng.randrange(35), arrested)
        if n % 50_000 == 0:
            progress("cases", n, len(chosen))
    for writer in (cases, links, suspects):
        writer.close()
    progress("cases", len(chosen), len(chosen))


COMMON = ["ref", "date", "unit", "scheme", "notes", "created_at"]
LEDGERS = (  # model, share of the entries, its own fields and how to draw them
    (
        om.PeoplesPatrol,
        0.30,
        ["patrols", "people"],
        lambda r: (1 + r.randrange(8), 3 + r.randrange(10)),
    ),
    (
        om.OutreachSession,
        0.25,
        ["topic", "attendees"],
        lambda r: ("Phòng chống ma túy, tội phạm", 20 + r.randrange(200)),
    ),
    (
        om.Mediation,
        0.15,
        ["kind", "result"],
        lambda r: (
            r.choice(MediationKind.values),
            r.choice([MediationResult.SUCCESSFUL] * 4 + [MediationResult.UNSUCCESSFUL]),
        ),
    ),
    (
        om.Pledge,
        0.15,
        ["subject", "households"],
        lambda r: ("Không vi phạm pháp luật", 1 + r.randrange(60)),
    ),
    (om.RegistrationViolation, 0.08, ["cases"], lambda r: (1 + r.randrange(3),)),
    (
        om.WeaponSurrender,
        0.04,
        ["kind", "quantity"],
        lambda r: (r.choice(WeaponKind.values), 1 + r.randrange(5)),
    ),
    (
        om.ReturnedEmigrant,
        0.02,
        ["sex", "returned_from"],
        lambda r: (r.choice(Sex.values), r.choice(Origin.values)),
    ),
    (
        om.IllegalEntry,
        0.01,
        ["nationality", "people"],
        lambda r: (r.choice(Nationality.values), 1 + r.randrange(4)),
    ),
)


def outcomes(rng, size: Size, country: Country, registry: Registry, progress) -> None:
    tz = timezone.get_current_timezone()
    done = 0
    for model, share, fields, draw in LEDGERS:
        writer = Writer(model, COMMON + fields)
        for _i in range(round(size.outcomes * share)):
            on = day_between(rng, START, END)
            area = rng.choice(country.areas)
            unit = area if rng.random() < 0.6 else country.commune_of_area(area, on)
            points = registry.points_by_area.get(area)
            scheme = rng.choice(points) if points and rng.random() < 0.3 else None
            at = dt.datetime.combine(on, dt.time(17), tz)
            writer.add("", on, unit, scheme, "", at, *draw(rng))
            done += 1
            if done % 100_000 == 0:
                progress("outcome entries", done, size.outcomes)
        writer.close()
    progress("outcome entries", size.outcomes, size.outcomes)
