"""Bulk import of tips and cases from spreadsheet rows (read by `tips.importers`).

All-or-nothing, like the registry import (schemes.services.imports, whose run frame,
errors and results this reuses): one transaction, rolled back if any row is refused or
for a dry run. Kinds in order: tips, cases, suspects, seized items. Every row goes
through the services (record_tip, set_status, refer, save_case, add_suspect,
add_seized_item), so their rules, audit entries and the encryption of informants apply
unchanged; each refusal is a RowError (file, sheet, line, column, message).

Matching, so that importing the same file twice changes nothing:
- a tip whose `ref` is the code of a recorded tip is that tip; any other tip is matched
  on its particulars (received at, place, category, description). A recorded tip is
  never changed by an import: a row that differs from it is refused. `ref` otherwise
  only names the tip within the file (for the cases' `tip_codes`).
- a case is matched by its unit and number and updated from the row;
- a suspect by case, name and year of birth (a new arrest date is recorded);
- a seized item by case, description, quantity and measure.

Informants' names and contacts are encrypted by the service as the tip is recorded;
no error message repeats them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.core import audit
from binhyen.core.spreadsheets.tables import run_all_or_nothing
from binhyen.geo.choices import Level
from binhyen.schemes import queries as scheme_queries
from binhyen.schemes.models import Scheme
from binhyen.schemes.services.imports.base import (
    FAILED,
    MAX_ERRORS,
    OUTSIDE,
    ImportRejected,
    ImportResult,
    KindCounts,
    Progress,
    Row,
    RowError,
    RunBase,
    Table,
)

from .. import queries
from ..choices import Status
from ..models import Case, SeizedItem, Suspect, Tip
from . import codes
from .cases import add_seized_item, add_suspect, record_arrest, save_case
from .tips import InformantData, record_tip, refer, set_status

KINDS = ("tips", "cases", "suspects", "seized_items")
MODELS = {"tips": Tip, "cases": Case, "suspects": Suspect, "seized_items": SeizedItem}
# a service's field → the file's column, per kind
FIELD_COLUMNS = {
    "tips": {
        "unit": "unit_code",
        "scheme": "scheme_ref",
        "to_unit": "referred_to_code",
        "reason": "status_reason",
        "attachments": "",
    },
    "cases": {"unit": "unit_code", "tips": "tip_codes"},
    "suspects": {},
    "seized_items": {},
}
TIP_CODE_SPLIT = re.compile(r"[;,\n]")
QUANTITY_STEP = Decimal("0.001")
SECOND = dt.timedelta(seconds=1)  # spreadsheets keep times to about a millisecond
MAX_QUANTITY = Decimal("999999999")


def status_steps(status: str, assessment: str) -> list[str]:
    """The workflow steps that take a new tip from received to `status` (a referral,
    which has its own service, comes after them)."""
    assessed = assessment or (
        status if status in (Status.ACTIONABLE, Status.NOT_ACTIONABLE) else ""
    )
    steps = [Status.VERIFYING, assessed] if assessed else []
    if status == Status.VERIFYING:
        steps = [Status.VERIFYING]
    if status == Status.CLOSED:
        steps.append(Status.CLOSED)
    return steps


def _text(value) -> str:
    return value or ""


def split_tip_codes(text: str | None) -> list[str]:
    """The codes or refs of a `tip_codes` cell (separated by ";")."""
    return [c.strip() for c in TIP_CODE_SPLIT.split(text or "") if c.strip()]


class _Run(RunBase):
    def __init__(self, user, progress: Progress | None, max_errors: int, sources: str):
        super().__init__(user, progress, max_errors)
        self.counts = {kind: KindCounts() for kind in KINDS}
        self.sources = sources
        self.tips: dict[str, Any] = {}  # ref or code → Tip, or FAILED
        self.cases: dict[tuple[str, str], Any] = {}  # (unit code, number) → Case, or FAILED
        self.schemes: dict[str, Any] = {}
        self.seen_tips: dict[tuple, str] = {}  # particulars → where first given

    # ---- the run --------------------------------------------------------------------------
    def run(self, tables: Iterable[Table]) -> None:
        for table in sorted(tables, key=lambda t: KINDS.index(t.kind)):
            self.table = table
            if table.kind not in self.seen_kinds:
                self.seen_kinds.append(table.kind)
            handle = getattr(self, f"{table.kind}_row")
            for row in self.counted(table.rows):
                handle(row)

    def record(self, sources: str) -> None:
        for kind in self.seen_kinds:
            c = self.counts[kind]
            audit.record_bulk(
                MODELS[kind],
                _("Imported %(kind)s from %(file)s") % {"kind": kind, "file": sources},
                created=c.created,
                updated=c.updated,
                unchanged=c.unchanged,
            )

    def service_errors(self, row: Row, exc: ValidationError, columns=None) -> None:
        """On the columns of this kind's fields (core ImportRun.service_errors)."""
        columns = {**FIELD_COLUMNS[self.table.kind], **(columns or {})}
        super().service_errors(row, exc, columns)

    # ---- tips -----------------------------------------------------------------------------
    def tips_row(self, row: Row) -> None:
        ref = row.values.get("ref")
        if ref and not self.first_seen(ref, row, "ref"):
            return
        tip = None if self.reading_errors(row) else self.tip(row)
        if ref:
            self.tips[ref] = tip or FAILED

    def tip(self, row: Row) -> Tip | None:
        v = row.values
        received: dt.datetime = v["received_at"]
        if received > timezone.now():
            self.error(row, "received_at", _("The date cannot be in the future."))
            return None
        on = timezone.localdate(received)
        unit = self.resolve(row, "unit_code", on, None)
        if unit is None:
            return None
        if unit.level not in (Level.COMMUNE, Level.RESIDENTIAL_AREA):
            self.error(row, "unit_code", _("The place is a commune or a residential area."))
            return None
        if not self.may_write(row, "unit_code", unit):
            return None
        status = v.get("status") or Status.RECEIVED
        if not self.status_fits(row, status):
            return None
        if not self.first_tip(row, unit):
            return None
        recorded = self.recorded_tip(row, unit)
        if recorded is FAILED:
            return None
        if recorded is not None:
            self.count()
            return recorded
        scheme = None
        if v.get("scheme_ref"):
            scheme = self.referenced(self.schemes, row, "scheme_ref", self.load_schemes)
            if scheme is None:
                return None
        referred_to = None
        if status == Status.REFERRED:
            referred_to = self.resolve(row, "referred_to_code", self.today, None)
            if referred_to is None:
                return None
        tip = self.through_service(row, lambda: self.new_tip(row, unit, scheme, referred_to))
        if tip is not None:
            self.count(created=True)
        return tip

    def status_fits(self, row: Row, status: str) -> bool:
        """The file's status, assessment and referral target agree (column errors)."""
        v = row.values
        assessment = v.get("assessment") or ""
        if assessment and status in (Status.RECEIVED, Status.VERIFYING):
            message = _("A tip received or under verification has no assessment yet.")
            self.error(row, "assessment", message)
            return False
        verified = status in (Status.ACTIONABLE, Status.NOT_ACTIONABLE)
        if assessment and verified and assessment != status:
            message = _("The assessment must match the status (%(status)s).") % {
                "status": Status(status).label.lower()
            }
            self.error(row, "assessment", message)
            return False
        if status == Status.REFERRED and not v.get("referred_to_code"):
            message = _("Give the code of the unit the tip was referred to.")
            self.error(row, "referred_to_code", message)
            return False
        if status != Status.REFERRED and v.get("referred_to_code"):
            message = _("Only a referred tip has a unit it was referred to.")
            self.error(row, "referred_to_code", message)
            return False
        return True

    def first_tip(self, row: Row, unit) -> bool:
        """False (with an error) when an earlier row gives the same tip (same time, place,
        category and description)."""
        v = row.values
        key = (v["received_at"], unit.pk, v["category"], v["description"])
        t = self.table
        here = RowError(t.file, t.sheet, row.line, "", "").where
        first = self.seen_tips.setdefault(key, here)
        if first != here:
            message = _("The same tip is given at %(where)s.") % {"where": first}
            self.error(row, "description", message)
            return False
        return True

    def recorded_tip(self, row: Row, unit) -> Tip | None:
        """The recorded tip the row names (its code as `ref`, or the same particulars):
        the tip, None (a new one), or FAILED when the row differs from it."""
        v = row.values
        ref = v.get("ref") or ""
        tips = queries.tips_for_user(self.user) if self.user is not None else Tip.objects
        tip = None
        code = codes.normalize(ref)
        if ref and len(code.replace("-", "")) == 26:
            tip = tips.filter(code=code).first()
            if tip is None and Tip.objects.filter(code=code).exists():
                self.bad_ref(row, "ref", OUTSIDE)
                return FAILED
        if tip is None:
            tip = tips.filter(
                received_at__gte=v["received_at"] - SECOND,
                received_at__lte=v["received_at"] + SECOND,
                unit=unit,
                category=v["category"],
                description=v["description"],
            ).first()
        if tip is None:
            return None
        expected = {
            "received_at": (0, int(abs(tip.received_at - v["received_at"]) >= SECOND)),
            "channel": (tip.channel, v["channel"]),
            "category": (tip.category, v["category"]),
            "unit_code": (tip.unit_id, unit.pk),
            "description": (tip.description, v["description"]),
        }
        if v.get("status"):
            expected["status"] = (tip.status, v["status"])
        for column, (recorded, given) in expected.items():
            if recorded != given:
                message = _(
                    "The tip %(code)s is recorded with another value: an import does not "
                    "change recorded tips (change it on its page)."
                ) % {"code": tip.code}
                self.error(row, column, message)
                return FAILED
        return tip

    def load_schemes(self, refs: set) -> dict:
        return self.by_refs(Scheme, scheme_queries.schemes_for_user, refs)

    def new_tip(self, row: Row, unit, scheme, referred_to) -> Tip:
        v = row.values
        informant = InformantData(
            full_name=_text(v.get("informant_name")), contact=_text(v.get("informant_contact"))
        )
        tip = record_tip(
            received_at=v["received_at"],
            channel=v["channel"],
            category=v["category"],
            unit=unit,
            description=v["description"],
            scheme=scheme,
            latitude=v.get("latitude"),
            longitude=v.get("longitude"),
            informant=informant or None,
            by=self.user,
        )
        status = v.get("status") or Status.RECEIVED
        reason = v.get("status_reason") or _("Recorded by a spreadsheet import.")
        for step in status_steps(status, v.get("assessment") or ""):
            set_status(tip, step, reason, by=self.user)
        if referred_to is not None:
            refer(tip, referred_to, reason, by=self.user)
        return tip

    # ---- cases ----------------------------------------------------------------------------
    def cases_row(self, row: Row) -> None:
        v = row.values
        key = (v.get("unit_code"), v.get("number"))
        if self.reading_errors(row):
            self.cases.setdefault(key, FAILED)
            return
        if not self.first_seen(f"{key[0]} {key[1]}", row, "number"):
            return
        self.cases[key] = self.case(row) or FAILED

    def case(self, row: Row) -> Case | None:
        v = row.values
        unit = self.resolve(row, "unit_code", v["opened_on"], None)
        if unit is None:
            return None
        if unit.level not in (Level.PROVINCE, Level.COMMUNE):
            self.error(row, "unit_code", _("A case is handled by a province or a commune."))
            return None
        if not self.may_write(row, "unit_code", unit):
            return None
        tips = None
        if "tip_codes" in v:
            tips = self.tips_named(row)
            if tips is None:
                return None
        existing = (
            Case.objects.filter(unit=unit, number=v["number"]).prefetch_related("tips").first()
        )
        values: dict[str, Any] = {
            "number": v["number"],
            "unit": unit,
            "category": v["category"],
            "opened_on": v["opened_on"],
        }
        if "closed_on" in v or existing is None:
            values["closed_on"] = v.get("closed_on")
        if "solved" in v or existing is None:
            values["solved"] = bool(v.get("solved"))
        if "summary" in v or existing is None:
            values["summary"] = _text(v.get("summary"))
        if existing is not None and self.same_case(existing, values, tips):
            self.count()
            return existing
        saved = self.through_service(row, lambda: save_case(existing, tips=tips, **values))
        if saved is not None:
            self.count(created=existing is None, updated=existing is not None)
        return saved

    @staticmethod
    def same_case(case: Case, values: dict, tips: list[Tip] | None) -> bool:
        for name, value in values.items():
            current = case.unit_id if name == "unit" else getattr(case, name)
            if current != (value.pk if name == "unit" else value):
                return False
        return tips is None or {t.pk for t in tips} == {t.pk for t in case.tips.all()}

    def tips_named(self, row: Row) -> list[Tip] | None:
        """The tips of the `tip_codes` cell: refs of this file's tips, or codes of recorded
        tips you may see. None (with an error) when one is unknown."""
        found: list[Tip] = []
        visible = queries.tips_for_user(self.user) if self.user is not None else Tip.objects
        for name in split_tip_codes(row.values.get("tip_codes")):
            tip = self.tips.get(name)
            if tip is FAILED:
                return None
            if tip is None:
                tip = visible.filter(code=codes.normalize(name)).first()
            if tip is None:
                message = _("No tip has the code or reference %(code)s.") % {"code": name}
                self.error(row, "tip_codes", message)
                return None
            if tip not in found:
                found.append(tip)
        return found

    # ---- suspects and seized items --------------------------------------------------------
    def case_of(self, row: Row) -> Case | None:
        """The case a suspect or item row names: from this file's cases, else a recorded
        case you may see, of that number, whose unit bears the code (one you may write)."""
        v = row.values
        key = (v["unit_code"], v["case_number"])
        case = self.cases.get(key)
        if case is FAILED:
            return None
        if case is None:
            cases = queries.cases_for_user(self.user) if self.user is not None else Case.objects
            case = (
                cases.filter(number=v["case_number"], unit__code=v["unit_code"])
                .select_related("unit")
                .order_by("-unit__valid_from")
                .first()
            )
            if case is None:
                message = _("No case %(number)s of the unit %(code)s.") % {
                    "number": v["case_number"],
                    "code": v["unit_code"],
                }
                self.error(row, "case_number", message)
                self.cases[key] = FAILED
                return None
            self.cases[key] = case
        if not self.may_write(row, "unit_code", case.unit):
            self.cases[key] = FAILED
            return None
        return case

    def suspects_row(self, row: Row) -> None:
        if self.reading_errors(row):
            return
        case = self.case_of(row)
        if case is None:
            return
        v = row.values
        key = f"{case.pk} {v['full_name']} {v.get('birth_year')}"
        if not self.first_seen(key, row, "full_name"):
            return
        recorded = Suspect.objects.filter(
            case=case, full_name=v["full_name"], birth_year=v.get("birth_year")
        ).first()
        arrested = v.get("arrested_on")
        if recorded is not None:
            if arrested is None or arrested == recorded.arrested_on:
                self.count()
                return
            if self.through_service(row, lambda: record_arrest(recorded, arrested)):
                self.count(updated=True)
            return
        suspect = self.through_service(
            row,
            lambda: add_suspect(
                case, full_name=v["full_name"], birth_year=v.get("birth_year"), arrested_on=arrested
            ),
        )
        if suspect is not None:
            self.count(created=True)

    def seized_items_row(self, row: Row) -> None:
        if self.reading_errors(row):
            return
        v = row.values
        quantity: Decimal = v["quantity"]
        if quantity <= 0 or quantity > MAX_QUANTITY:
            self.error(row, "quantity", _("Give a quantity above zero."))
            return
        if quantity != quantity.quantize(QUANTITY_STEP):
            self.error(row, "quantity", _("At most three decimals."))
            return
        quantity = quantity.quantize(QUANTITY_STEP)
        case = self.case_of(row)
        if case is None:
            return
        measure = _text(v.get("measure"))
        key = f"{case.pk} {v['description']} {quantity} {measure}"
        if not self.first_seen(key, row, "description"):
            return
        if SeizedItem.objects.filter(
            case=case, description=v["description"], quantity=quantity, measure=measure
        ).exists():
            self.count()
            return
        item = self.through_service(
            row,
            lambda: add_seized_item(
                case, description=v["description"], quantity=quantity, measure=measure
            ),
        )
        if item is not None:
            self.count(created=True)


def import_tables(
    tables: Iterable[Table],
    *,
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
    max_errors: int = MAX_ERRORS,
    sources: str = "",
) -> ImportResult:
    """Import the tables as one all-or-nothing change (see the module doc). `user` is the
    importing user, whose jurisdiction every row must be in (None: the system, no limit).
    Raises ImportRejected listing the errors; a dry run returns the plan, writes nothing."""
    run = _Run(user, progress, max_errors, sources)
    return run_all_or_nothing(
        run, tables, dry_run=dry_run, sources=sources, order=KINDS, seen=lambda: run.seen_kinds
    )


__all__ = [
    "KINDS",
    "ImportRejected",
    "ImportResult",
    "Progress",
    "Row",
    "RowError",
    "Table",
    "import_tables",
    "status_steps",
]
