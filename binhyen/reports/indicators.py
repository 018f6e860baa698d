"""The catalogue of indicators: stable codes, what each counts, how it breaks down and
rolls up. Documented in docs/indicators.md (a test keeps the two in step); computed from
records by `records.py` and combined with reported figures by `combine.py`.

- A *stock* is counted on a date (the period's end): points active, groups in force.
  A *flow* over the period: points established, tips received.
- Every indicator rolls up by summing over units under the structure of the date asked
  for (the Placement table); records that cannot be placed are "unallocated".
- A dimension is a *partition* when its parts add up to the total (by unit, by type, by
  channel) and overlapping when they do not (by label). `recorded` False: only reported
  figures carry it (groups by rural / urban area), records have no such field.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from binhyen.outcomes import registers

STOCK = "stock"
FLOW = "flow"


@dataclass(frozen=True)
class Dimension:
    code: str
    label: Promise | str
    partition: bool = True
    recorded: bool = True


@dataclass(frozen=True)
class Indicator:
    code: str
    section: str
    label: Promise | str
    kind: str
    counts: Promise | str  # what one unit of the figure is, for the docs and the API
    dimensions: tuple[Dimension, ...] = ()
    measure: str = ""
    subset_of: str | None = None  # a subset never exceeds its set (rule "subset")
    bounded_by: str | None = None  # a stock never exceeds this flow since ever ("established")

    def dimension(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code == code), None)


@dataclass(frozen=True)
class Section:
    code: str
    title: Promise | str


SECTIONS = (
    Section("schemes", _("Schemes and exemplars")),
    Section("structure", _("Self-management structure")),
    Section("tips", _("Tips, cases and arrests")),
    Section("outcomes", _("Outcome registers")),
    Section("certification", _("Certification and awards")),
)

UNIT = Dimension("unit", _("by unit"))
TYPE = Dimension("type", _("by scheme type"))
LABEL = Dimension("label", _("by label"), partition=False)
HOST = Dimension("host_kind", _("by host kind"))
AREA = Dimension("area", _("by rural / urban area"), recorded=False)
AREA_KIND = Dimension(
    "area_kind", _("in ethnic-minority, religious and border areas"), partition=False
)
CHANNEL = Dimension("channel", _("by channel"))
CATEGORY = Dimension("category", _("by category"))
POINTS = (UNIT, TYPE, LABEL, HOST, AREA_KIND)
SUBJECT_TYPE = Dimension("subject_type", _("by subject type"))
WINDOW = Dimension("window", _("by assessment window"))
AWARD_FORM = Dimension("form", _("by award form"))
AUTHORITY = Dimension("authority", _("by issuing authority"))
RECIPIENT = Dimension("recipient_kind", _("by kind of recipient"))


def _register_indicators() -> list[Indicator]:
    found = []
    for slug in registers.SLUGS:
        if slug == registers.MANAGED:
            dims = (UNIT, Dimension("kind", _("by kind")))
            counts = _("intakes: supervision periods started in the period")
        else:
            register = registers.LEDGERS[slug]
            dims = (UNIT,) + tuple(
                Dimension(
                    name,
                    register.field_label(name),
                    partition=name not in register.row_sums,
                )
                for name in register.breakdowns
            )
            counts = register.total_label
        found.append(
            Indicator(f"outcomes.{slug}", "outcomes", registers.LABELS[slug], FLOW, counts, dims)
        )
    return found


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "schemes.active",
        "schemes",
        _("Scheme points active"),
        STOCK,
        _("points established, not dissolved and not suspended on the date"),
        POINTS,
        bounded_by="schemes.established",
    ),
    Indicator(
        "schemes.established",
        "schemes",
        _("Scheme points established"),
        FLOW,
        _("points established in the period"),
        POINTS,
    ),
    Indicator(
        "schemes.dissolved",
        "schemes",
        _("Scheme points dissolved"),
        FLOW,
        _("points dissolved in the period"),
        POINTS,
    ),
    Indicator(
        "schemes.types_replicated",
        "schemes",
        _("Scheme types replicated"),
        STOCK,
        _("scheme types with at least one active point on the date"),
        (Dimension("unit", _("by unit"), partition=False),),
    ),
    Indicator(
        "schemes.residential_areas",
        "schemes",
        _("Residential areas with an active scheme point"),
        STOCK,
        _("distinct residential areas where a point is active on the date"),
        (UNIT, AREA_KIND),
    ),
    Indicator(
        "schemes.exemplars",
        "schemes",
        _("Exemplary scheme points"),
        FLOW,
        _("exemplar recognitions of the years the period touches"),
        (UNIT, TYPE, AREA_KIND),
    ),
    Indicator(
        "schemes.commended_ministry",
        "schemes",
        _("Schemes commended by the Ministry"),
        FLOW,
        _("Ministry commendations of the years the period touches"),
        (UNIT, TYPE, AREA_KIND),
    ),
    Indicator(
        "schemes.commended_province",
        "schemes",
        _("Schemes commended by the province"),
        FLOW,
        _("province commendations of the years the period touches"),
        (UNIT, TYPE, AREA_KIND),
    ),
    Indicator(
        "communes.drug_free",
        "schemes",
        _("Communes and wards declared drug-free"),
        STOCK,
        _("communes with an active commune-level point of the drug-free type on the date"),
        (UNIT, AREA_KIND),
    ),
    Indicator(
        "structure.steering_committees",
        "structure",
        _("Steering committees"),
        STOCK,
        _("steering committees in force on the date"),
        (UNIT, AREA_KIND),
    ),
    Indicator(
        "structure.boards",
        "structure",
        _("Self-management boards"),
        STOCK,
        _("self-management boards in force on the date"),
        (UNIT, AREA_KIND),
    ),
    Indicator(
        "structure.groups",
        "structure",
        _("Self-management groups"),
        STOCK,
        _("groups in force on the date"),
        (UNIT, AREA, AREA_KIND),
    ),
    Indicator(
        "structure.households",
        "structure",
        _("Households in groups"),
        STOCK,
        _("distinct households with a group membership in force on the date"),
        (UNIT, AREA, AREA_KIND),
    ),
    Indicator(
        "structure.members",
        "structure",
        _("Group members"),
        STOCK,
        _("group memberships of people (leaders, deputies, members) in force on the date"),
        (UNIT, AREA_KIND),
    ),
    Indicator(
        "structure.security_teams",
        "structure",
        _("Grassroots security teams"),
        STOCK,
        _("teams formed and not dissolved on the date"),
        (UNIT, AREA_KIND),
    ),
    Indicator(
        "structure.security_team_members",
        "structure",
        _("Security team members"),
        STOCK,
        _("team members appointed and not terminated on the date"),
        (UNIT, AREA_KIND),
    ),
    Indicator(
        "tips.received",
        "tips",
        _("Tips received"),
        FLOW,
        _("tips received in the period"),
        (UNIT, CHANNEL, CATEGORY, AREA_KIND),
    ),
    Indicator(
        "tips.actionable",
        "tips",
        _("Actionable tips"),
        FLOW,
        _("tips received in the period and assessed actionable"),
        (UNIT, CHANNEL, CATEGORY, AREA_KIND),
        subset_of="tips.received",
    ),
    Indicator(
        "tips.led_to_solved_cases",
        "tips",
        _("Tips that led to solved cases"),
        FLOW,
        _("tips received in the period linked to a case solved since"),
        (UNIT, AREA_KIND),
        subset_of="tips.received",
    ),
    Indicator(
        "cases.solved",
        "tips",
        _("Cases solved"),
        FLOW,
        _("cases closed as solved in the period"),
        (UNIT, AREA_KIND),
    ),
    Indicator(
        "cases.suspects_arrested",
        "tips",
        _("Suspects arrested"),
        FLOW,
        _("suspects arrested in the period"),
        (UNIT, AREA_KIND),
    ),
    *_register_indicators(),
    Indicator(
        "certification.registered",
        "certification",
        _("Registrations for certification as safe for security and order"),
        FLOW,
        _(
            "subjects (residential areas, communes, agencies, enterprises, schools) registered "
            "in the period"
        ),
        (UNIT, SUBJECT_TYPE, WINDOW),
    ),
    Indicator(
        "certification.certified",
        "certification",
        _("Certified safe for security and order"),
        FLOW,
        _("certifications decided (certified) in the period"),
        (UNIT, SUBJECT_TYPE, WINDOW),
        subset_of="certification.registered",
    ),
    Indicator(
        "awards.awarded",
        "certification",
        _("Awards given"),
        FLOW,
        _("nominations awarded by a decision dated in the period"),
        (UNIT, AWARD_FORM, AUTHORITY, RECIPIENT),
    ),
)

CATALOGUE: dict[str, Indicator] = {i.code: i for i in INDICATORS}


def get(code: str) -> Indicator | None:
    return CATALOGUE.get(code)


def in_section(section: str) -> list[Indicator]:
    return [i for i in INDICATORS if i.section == section]
