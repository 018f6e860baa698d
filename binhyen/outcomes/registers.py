"""The outcome registers, declared once: which model, which of its fields, what its
figures sum and how they break down. Lists, forms, filters, exports, imports, the API
and the figures are generic over this table; managed persons (an encrypted identity with
supervision periods) are the one register with pages and rules of their own."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import (
    IllegalEntry,
    Ledger,
    Mediation,
    OutreachSession,
    PeoplesPatrol,
    Pledge,
    RegistrationViolation,
    ReturnedEmigrant,
    SupervisionPeriod,
    WeaponSurrender,
)

# the fields every ledger has, in form and file order (besides `ref`)
COMMON_FIELDS = ("date", "unit", "scheme", "notes")


@dataclass(frozen=True)
class Register:
    slug: str
    model: type[Ledger]
    label: Promise
    fields: tuple[str, ...]  # the register's own fields, in form, list and file order
    total: str | None  # the field summed for the headline figure; None: records counted
    total_label: Promise  # what the headline figure counts
    sums: tuple[str, ...] = ()  # further fields summed as figures of their own
    breakdowns: tuple[str, ...] = ()  # choice fields the figures break down by
    # a breakdown whose rows sum another field than the total (weapons: quantity by kind)
    row_sums: dict[str, str] = field(default_factory=dict)
    sheet_vi: str = ""  # the Vietnamese sheet name accepted by imports
    help: Promise | str = ""

    def field_label(self, name: str) -> str:
        return str(self.model._meta.get_field(name).verbose_name)

    @property
    def choice_fields(self) -> tuple[str, ...]:
        return tuple(f for f in self.fields if self.model._meta.get_field(f).choices)


LEDGERS: dict[str, Register] = {
    r.slug: r
    for r in (
        Register(
            "weapons",
            WeaponSurrender,
            _("Weapons, explosives and support tools surrendered"),
            fields=("kind", "quantity"),
            total=None,
            total_label=pgettext_lazy("outcome figure", "surrenders recorded"),
            breakdowns=("kind",),
            row_sums={"kind": "quantity"},
            sheet_vi="Vũ khí",
            help=_("One record per kind handed in: quantity in pieces, kg or rounds."),
        ),
        Register(
            "returned-emigrants",
            ReturnedEmigrant,
            _("Illegal emigrants returned"),
            fields=("sex", "returned_from"),
            total=None,
            total_label=pgettext_lazy("outcome figure", "people"),
            breakdowns=("sex", "returned_from"),
            sheet_vi="Xuất cảnh trái phép trở về",
            help=_("One record per person; no identity is kept."),
        ),
        Register(
            "registration-violations",
            RegistrationViolation,
            _("Household-registration violations detected"),
            fields=("cases",),
            total="cases",
            total_label=pgettext_lazy("outcome figure", "violations"),
            sheet_vi="Vi phạm cư trú",
        ),
        Register(
            "illegal-entries",
            IllegalEntry,
            _("Illegal entries detected"),
            fields=("nationality", "people"),
            total="people",
            total_label=pgettext_lazy("outcome figure", "people"),
            breakdowns=("nationality",),
            sheet_vi="Nhập cảnh trái phép",
        ),
        Register(
            "mediations",
            Mediation,
            _("Mediations"),
            fields=("kind", "result"),
            total=None,
            total_label=pgettext_lazy("outcome figure", "mediations"),
            breakdowns=("result", "kind"),
            sheet_vi="Hòa giải",
        ),
        Register(
            "outreach-sessions",
            OutreachSession,
            _("Outreach sessions"),
            fields=("topic", "attendees"),
            total=None,
            total_label=pgettext_lazy("outcome figure", "sessions"),
            sums=("attendees",),
            sheet_vi="Tuyên truyền",
        ),
        Register(
            "pledges",
            Pledge,
            _("Pledges signed"),
            fields=("subject", "households"),
            total="households",
            total_label=pgettext_lazy("outcome figure", "households"),
            sheet_vi="Ký cam kết",
        ),
        Register(
            "patrols",
            PeoplesPatrol,
            _("People's patrols"),
            fields=("patrols", "people"),
            total="patrols",
            total_label=pgettext_lazy("outcome figure", "patrols"),
            sums=("people",),
            sheet_vi="Tuần tra nhân dân",
        ),
    )
}

MANAGED = "managed-persons"
MANAGED_LABEL = _("Managed persons")
MANAGED_SHEET_VI = "Người được quản lý"
MANAGED_BREAKDOWNS = ("kind", "exit_reason")

# every register, in the order pages, files and figures show them
SLUGS: tuple[str, ...] = ("weapons", MANAGED, *[s for s in LEDGERS if s != "weapons"])
LABELS: dict[str, Promise] = {
    slug: (MANAGED_LABEL if slug == MANAGED else LEDGERS[slug].label) for slug in SLUGS
}
MODELS = {**{slug: r.model for slug, r in LEDGERS.items()}, MANAGED: SupervisionPeriod}
