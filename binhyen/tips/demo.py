"""The demo province's tips and cases, built through the same services as real data.

A few hundred tips from 2021 to today in the residential areas of the fictional
provinces (old communes before the 1 Jul 2025 merger, new ones after), across channels
and categories: some passed on through scheme points of the demo registry, some with an
informant (encrypted like any other), and since the merger some sent through the public
web form, with the resident's messages and the officers' replies. Statuses spread over
the workflow (older tips mostly closed), a few referred to another commune (most of
them acknowledged), a few duplicates; cases opened from actionable tips, with suspects,
arrests and seized items. Deterministic for a seed and a day; does nothing if there are
tips already.

The services stamp timelines with the current time; the demo then dates each tip's
events, messages and public receipts to the story it tells (one `record_bulk` entry
says so), so that timelines read as they would have happened.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from binhyen.accounts.jurisdiction import covered_unit_ids
from binhyen.accounts.models import User
from binhyen.core import audit
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes.demo import FAMILY, GIVEN, MIDDLE
from binhyen.schemes.models import Scheme

from . import services
from .choices import Category, Channel, Status
from .models import Case, Tip, TipEvent, TipMessage

START = dt.date(2021, 1, 1)
REFORM = dt.date(2025, 7, 1)
PLACES = {
    Category.DRUGS: ["bãi đất trống cuối {p}", "quán karaoke gần {p}", "nhà hoang ở {p}"],
    Category.THEFT: ["chợ {p}", "nhà văn hóa {p}", "đường liên thôn qua {p}"],
    Category.GAMBLING: ["nhà kho phía sau {p}", "quán nước đầu {p}", "bờ đê {p}"],
    Category.HUMAN_TRAFFICKING: ["{p}", "bến xe gần {p}"],
    Category.ILLEGAL_RESIDENCE: ["khu nhà trọ {p}", "{p}"],
    Category.ILLEGAL_BORDER_CROSSING: ["đường mòn phía tây {p}", "{p}"],
    Category.WEAPONS: ["{p}", "xưởng cơ khí gần {p}"],
    Category.FRAUD: ["{p}", "điểm giao dịch điện thoại ở {p}"],
    Category.PUBLIC_DISORDER: ["đường liên xã qua {p}", "quán nhậu ở {p}"],
    Category.SOCIAL_EVILS: ["nhà nghỉ gần {p}", "quán cà phê ở {p}"],
    Category.OTHER: ["{p}"],
}
STORIES = {
    Category.DRUGS: [
        "Nhiều thanh niên lạ tụ tập ở {w} sau 22 giờ, nghi sử dụng ma túy.",
        "Có người thường xuyên giao nhận các gói nhỏ ở {w}, nghi mua bán ma túy.",
        "Phát hiện bơm kim tiêm vứt ở {w}.",
    ],
    Category.THEFT: [
        "Mất trộm xe máy dựng trước {w} khoảng 20 giờ.",
        "Kẻ gian cạy cửa lấy trộm tài sản ở {w}.",
        "Mất trộm gia súc đêm qua, dấu vết dẫn về {w}.",
    ],
    Category.GAMBLING: [
        "Có tụ tập đánh bạc bằng hình thức xóc đĩa ở {w}.",
        "Ghi lô đề công khai ở {w}.",
    ],
    Category.HUMAN_TRAFFICKING: [
        "Có người lạ đến {w} rủ phụ nữ trẻ đi làm việc nhẹ lương cao ở nước ngoài.",
    ],
    Category.ILLEGAL_RESIDENCE: [
        "Nhiều người lạ đến ở {w} nhưng không khai báo tạm trú.",
    ],
    Category.ILLEGAL_BORDER_CROSSING: [
        "Có nhóm người lạ qua lại {w} vào ban đêm, nghi xuất nhập cảnh trái phép.",
    ],
    Category.WEAPONS: [
        "Nghi có người cất giấu súng tự chế ở {w}.",
        "Phát hiện vật nghi là đầu đạn cũ ở {w}.",
    ],
    Category.FRAUD: [
        "Người dân ở {w} bị gọi điện giả danh công an yêu cầu chuyển tiền.",
        "Nhiều người ở {w} bị lừa đầu tư tiền ảo qua mạng xã hội.",
    ],
    Category.PUBLIC_DISORDER: [
        "Nhóm thanh niên đua xe, lạng lách trên {w} về đêm.",
        "Xô xát, gây rối ở {w}.",
    ],
    Category.SOCIAL_EVILS: ["Nghi có hoạt động mại dâm ở {w}."],
    Category.OTHER: ["Phản ánh tình hình an ninh trật tự phức tạp ở {w}."],
}
CATEGORY_WEIGHTS = {
    Category.DRUGS: 18,
    Category.THEFT: 22,
    Category.GAMBLING: 12,
    Category.HUMAN_TRAFFICKING: 2,
    Category.ILLEGAL_RESIDENCE: 6,
    Category.ILLEGAL_BORDER_CROSSING: 2,
    Category.WEAPONS: 4,
    Category.FRAUD: 14,
    Category.PUBLIC_DISORDER: 12,
    Category.SOCIAL_EVILS: 4,
    Category.OTHER: 4,
}
CHANNEL_WEIGHTS = {
    Channel.IN_PERSON: 30,
    Channel.PHONE: 25,
    Channel.HOTLINE: 12,
    Channel.LETTER: 5,
    Channel.SCHEME_POINT: 18,
    Channel.CITIZEN_APP: 10,
}
SEIZED = {
    Category.DRUGS: [("Heroin", "gam", 0.5, 30), ("Ma túy đá", "gam", 0.2, 15)],
    Category.THEFT: [("Xe máy", "chiếc", 1, 3), ("Điện thoại di động", "chiếc", 1, 4)],
    Category.GAMBLING: [("Tiền mặt", "đồng", 500_000, 20_000_000), ("Bộ bát đĩa", "bộ", 1, 2)],
    Category.WEAPONS: [("Súng tự chế", "khẩu", 1, 2), ("Đạn", "viên", 1, 20)],
    Category.FRAUD: [("Điện thoại di động", "chiếc", 1, 5), ("Sim điện thoại", "chiếc", 2, 30)],
    Category.PUBLIC_DISORDER: [("Xe máy", "chiếc", 1, 6), ("Dao", "con", 1, 3)],
}
REPLIES = [
    "Công an xã đã tiếp nhận tin báo, cảm ơn bạn đã cung cấp thông tin.",
    "Chúng tôi đang xác minh nội dung bạn phản ánh.",
    "Vụ việc đã được xử lý theo quy định. Cảm ơn bạn.",
]
RESIDENT_NOTES = [
    "Tối nay họ lại tụ tập ở đó.",
    "Tôi có thể gửi thêm ảnh nếu cần.",
    "Đã hơn một tuần, vụ việc được xử lý chưa ạ?",
]


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Demo:
    def __init__(self, seed: int, now: dt.datetime):
        self.rng = random.Random(seed)
        self.now = now
        self.tz = timezone.get_current_timezone()
        self.officer = User.objects.filter(username="congan.xa").first()
        self.chief = User.objects.filter(username="truong.ca").first()
        self.covered = (
            set(covered_unit_ids(self.officer).values_list("unit_id", flat=True))
            if self.officer
            else set()
        )
        areas = AdminUnit.objects.filter(level=Level.RESIDENTIAL_AREA, code__startswith="9")
        self.areas = list(areas.order_by("code", "valid_from"))
        communes = AdminUnit.objects.filter(level=Level.COMMUNE, code__startswith="9")
        self.communes = list(communes.order_by("code", "valid_from"))
        self.schemes: dict[int, list[Scheme]] = {}
        for scheme in Scheme.objects.filter(unit__level=Level.RESIDENTIAL_AREA).order_by("pk"):
            self.schemes.setdefault(scheme.unit_id, []).append(scheme)
        self.case_numbers: dict[tuple[int, int], int] = {}
        self.stamps: dict[int, list[dt.datetime]] = {}  # tip → its events' times, in order
        self.tips: list[Tip] = []
        self.cases = 0

    # ---- helpers -------------------------------------------------------------------------
    def person(self) -> str:
        r = self.rng
        return f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"

    def phone(self) -> str:
        return "09" + "".join(self.rng.choice("0123456789") for _ in range(8))

    def moment(self, start: dt.date, end: dt.date) -> dt.datetime:
        day = start + dt.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))
        at = dt.datetime.combine(day, dt.time(self.rng.randint(6, 22), self.rng.randint(0, 59)))
        return min(at.replace(tzinfo=self.tz), self.now - dt.timedelta(hours=1))

    def later(self, at: dt.datetime, low: int, high: int) -> dt.datetime:
        hours = self.rng.randint(low * 24, high * 24)
        return min(at + dt.timedelta(hours=hours), self.now - dt.timedelta(minutes=5))

    def area_on(self, day: dt.date) -> AdminUnit:
        return self.rng.choice([a for a in self.areas if a.in_force_on(day)])

    def description(self, category: str, area: AdminUnit) -> str:
        where = self.rng.choice(PLACES[category]).format(p=area.name.lower())
        return self.rng.choice(STORIES[category]).format(w=where)

    def stamp(self, tip: Tip, at: dt.datetime) -> dt.datetime:
        self.stamps.setdefault(tip.pk, []).append(at)
        return at

    # ---- tips ----------------------------------------------------------------------------
    def officer_tip(self, received: dt.datetime) -> Tip:
        r = self.rng
        channel = _weighted(r, CHANNEL_WEIGHTS)
        category = _weighted(r, CATEGORY_WEIGHTS)
        area = self.area_on(received.date())
        scheme = None
        if channel == Channel.SCHEME_POINT:
            points = [
                s
                for a in self.areas
                if a.in_force_on(received.date())
                for s in self.schemes.get(a.pk, [])
                if s.established_on <= received.date()
            ]
            if points:
                scheme = r.choice(points)
                area = scheme.unit
            else:
                channel = Channel.IN_PERSON
        informant = None
        if channel != Channel.CITIZEN_APP and r.random() < 0.35:
            informant = services.InformantData(full_name=self.person(), contact=self.phone())
        tip = services.record_tip(
            received_at=received,
            channel=channel,
            category=category,
            unit=area,
            description=self.description(category, area),
            scheme=scheme,
            informant=informant,
            by=self.officer,
        )
        self.stamp(tip, received)
        return tip

    def public_tip(self, received: dt.datetime) -> Tip:
        r = self.rng
        category = _weighted(r, CATEGORY_WEIGHTS)
        area = self.area_on(self.now.date())
        contact = None
        if r.random() < 0.3:
            contact = services.InformantData(contact=self.phone())
        receipt = services.submit_public_tip(
            category=category,
            unit=area,
            description=self.description(category, area),
            contact=contact,
        )
        tip = receipt.tip
        Tip.objects.filter(pk=tip.pk).update(received_at=received)
        tip.received_at = received
        self.stamp(tip, received)
        return tip

    def follow(self, tip: Tip) -> None:
        """Take the tip along its workflow as far as its age makes likely."""
        r = self.rng
        at = tip.received_at
        age = (self.now - at).days
        if r.random() < 0.04 and self.tips:
            earlier = [
                t for t in self.tips[-40:] if t.unit_id == tip.unit_id and t.pk != tip.pk
            ] or [t for t in self.tips[-10:] if t.category == tip.category]
            if earlier:
                at = self.stamp(tip, self.later(at, 0, 2))
                original = r.choice(earlier)
                services.link_duplicate(tip, original, "Trùng nội dung với tin đã tiếp nhận.")
                self.close(tip, at, "Tin trùng, đã gộp xử lý.")
                return
        if self.officer and tip.handling_unit_id in self.covered and r.random() < 0.6:
            at = self.stamp(tip, self.later(at, 0, 1))
            if self.chief is not None and services.is_chief_of(self.chief, tip.handling_unit):
                services.assign_officer(tip, self.officer, by=self.chief)
            else:  # the officer took it on when recording it
                services.assign_officer(tip, self.officer, by=self.officer, recorder=True)
        if age < 7 and r.random() < 0.6:
            return  # still waiting for a first look
        if r.random() < (0.06 if age > 30 else 0.2):
            self.referral(tip, at)
            return
        at = self.stamp(tip, self.later(at, 0, 3))
        services.set_status(tip, Status.VERIFYING, "Phân công cán bộ xác minh.", by=self.officer)
        if age < 15 and r.random() < 0.5:
            return
        actionable = r.random() < 0.45
        outcome = Status.ACTIONABLE if actionable else Status.NOT_ACTIONABLE
        reason = (
            "Xác minh có căn cứ, nội dung tin báo đúng sự thật."
            if actionable
            else "Xác minh không có căn cứ."
        )
        at = self.stamp(tip, self.later(at, 2, 20))
        services.set_status(tip, outcome, reason, by=self.officer)
        if actionable and r.random() < 0.45 and age > 20:
            self.case_from(tip, at)
        if age > 60 and r.random() < 0.85:
            self.close(tip, self.later(at, 5, 60), "Kết thúc xử lý tin báo.")

    def close(self, tip: Tip, at: dt.datetime, reason: str) -> None:
        self.stamp(tip, at)
        services.set_status(tip, Status.CLOSED, reason, by=self.officer)

    def referral(self, tip: Tip, at: dt.datetime) -> None:
        day = tip.received_at.date()
        here = tip.handling_unit_id
        targets = [c for c in self.communes if c.in_force_on(self.now.date()) and c.pk != here]
        if not targets:
            return
        target = self.rng.choice(targets)
        at = self.stamp(tip, self.later(at, 1, 4))
        services.refer(tip, target, "Nội dung thuộc địa bàn đơn vị khác quản lý.")
        if (self.now.date() - day).days > 30 or self.rng.random() < 0.4:
            self.stamp(tip, self.later(at, 1, 5))
            services.acknowledge_referral(tip, note="Đã tiếp nhận tin được chuyển đến.")

    # ---- cases ---------------------------------------------------------------------------
    def case_from(self, tip: Tip, at: dt.datetime) -> None:
        r = self.rng
        opened = self.later(at, 1, 10).date()
        unit = tip.handling_unit
        if not unit.in_force_on(opened):  # merged since: the commune the place is in now
            unit = services.commune_of(tip.unit, opened)
        key = (unit.pk, opened.year)
        self.case_numbers[key] = self.case_numbers.get(key, 0) + 1
        number = f"{self.case_numbers[key]:02d}/{opened.year}/VV"
        others = [
            t
            for t in self.tips[-30:]
            if t.handling_unit_id == unit.pk and t.category == tip.category and t.is_actionable
        ][:1]
        case = services.save_case(
            None,
            number=number,
            category=tip.category,
            unit=unit,
            opened_on=opened,
            summary=f"Vụ việc phát sinh từ tin báo {tip.code[:9]}…: {tip.description}",
            tips=[tip, *[t for t in others if t.pk != tip.pk]],
        )
        self.cases += 1
        for _ in range(r.choice([0, 1, 1, 2, 2, 3, 4])):
            arrested = None
            if r.random() < 0.7:
                arrested = min(opened + dt.timedelta(days=r.randint(0, 40)), self.now.date())
            services.add_suspect(
                case,
                full_name=self.person(),
                birth_year=r.randint(1965, 2006),
                arrested_on=arrested,
            )
        for description, measure, low, high in SEIZED.get(tip.category, []):
            if r.random() < 0.6:
                if isinstance(low, float):
                    quantity = Decimal(str(round(r.uniform(low, high), 2)))
                else:
                    quantity = Decimal(r.randint(low, high))
                services.add_seized_item(
                    case, description=description, quantity=quantity, measure=measure
                )
        closing = opened + dt.timedelta(days=r.randint(20, 200))
        if closing < self.now.date() and r.random() < 0.75:
            services.save_case(case, closed_on=closing, solved=r.random() < 0.8)

    # ---- messages of public tips ----------------------------------------------------------
    def conversation(self, tip: Tip) -> list[tuple[TipMessage, dt.datetime]]:
        r = self.rng
        made = []
        at = tip.received_at
        if r.random() < 0.5:
            at = self.later(at, 0, 2)
            made.append((services.resident_message(tip, r.choice(RESIDENT_NOTES)), at))
        for reply in REPLIES[: r.randint(0, 2)]:
            at = self.later(at, 0, 4)
            made.append((services.officer_reply(tip, self.officer or self.chief, reply), at))
        return made

    def reveals(self, n: int = 3) -> None:
        """A few reveals by the assigned officer, so that the access log has entries."""
        if self.officer is None:
            return
        assigned = Tip.objects.filter(officers=self.officer, is_anonymous=False).order_by("pk")
        for tip in assigned[:n]:
            self.stamp(tip, self.later(tip.received_at, 1, 3))
            services.reveal_informant(
                self.officer, tip, "Liên hệ lại người cung cấp tin để xác minh thêm."
            )

    # ---- the story's dates -----------------------------------------------------------------
    def date_timelines(self) -> None:
        for tip_pk, stamps in self.stamps.items():
            events = list(TipEvent.objects.filter(tip_id=tip_pk).order_by("pk").values_list("pk"))
            for (pk,), at in zip(events, stamps, strict=False):
                TipEvent.objects.filter(pk=pk).update(at=at)
            Tip.objects.filter(pk=tip_pk).update(updated_at=max(stamps))


@transaction.atomic
def load_tips(seed: int = 2025, now: dt.datetime | None = None, count: int = 360) -> dict:
    """Build the demo tips and cases (after portal.demo.load_demo and
    schemes.demo.load_registry). Returns how many tips and cases it made."""
    if Tip.objects.exists():
        return {"tips": Tip.objects.count(), "cases": Case.objects.count(), "created": 0}
    now = now or timezone.now()
    demo = _Demo(seed, now)
    if not demo.areas:
        return {"tips": 0, "cases": 0, "created": 0}
    public_from = REFORM + dt.timedelta(days=14)
    recent = now.date() - dt.timedelta(days=21)  # a busy last three weeks: a full queue
    moments = sorted(
        [demo.moment(START, now.date()) for _ in range(count)]
        + [demo.moment(recent, now.date()) for _ in range(count // 20)]
    )
    messages: list[tuple[TipMessage, dt.datetime]] = []
    for received in moments:
        public = received.date() >= public_from and demo.rng.random() < 0.2
        tip = demo.public_tip(received) if public else demo.officer_tip(received)
        if public:
            messages += demo.conversation(tip)
        demo.follow(tip)
        demo.tips.append(tip)
    demo.reveals()
    for message, at in messages:
        TipMessage.objects.filter(pk=message.pk).update(sent_at=at)
    demo.date_timelines()
    audit.record_bulk(
        Tip,
        "demo: tips' timelines, messages and public receipts dated to the demo's story",
        tips=len(demo.tips),
    )
    return {"tips": len(demo.tips), "cases": demo.cases, "created": len(demo.tips)}
