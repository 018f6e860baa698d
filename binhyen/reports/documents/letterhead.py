"""What a review document needs beyond the figures: who issues it, who signs, who
receives it, where and when (Decree 30/2020/NĐ-CP). Defaults come from the review."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# The signer's authority (Decree 30/2020, art. 13): on behalf of a collective body (TM.),
# deputy signing for the head (KT.), signing by order of the head (TL.), or the head
# signing directly ("").
AUTHORITY_MODES = ("", "TM.", "KT.", "TL.")

# Centrally-run cities: their police is "Công an thành phố …" (CATP), not "tỉnh".
CITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}


def _upper(text: str) -> str:
    return text.upper()


def _police_of(name: str) -> str:
    """The police of a unit, in capitals: "Tỉnh Nghệ An" → "CÔNG AN TỈNH NGHỆ AN"."""
    return _upper(pgettext("letterhead", "%(unit)s Police") % {"unit": name})


def _province_unit_name(province: str) -> str:
    if province in CITIES:
        return pgettext("letterhead", "%(name)s City") % {"name": province}
    return pgettext("letterhead", "%(name)s Province") % {"name": province}


def _commune_kind(name: str) -> str:
    lowered = name.lower()
    if lowered.startswith(("phường", "ward")):
        return "ward"
    if lowered.startswith(("đặc khu", "special")):
        return "zone"
    if lowered.startswith(("thị trấn", "township")):
        return "township"
    return "commune"


@dataclasses.dataclass
class Letterhead:
    """The heading, signature and distribution of a review document.

    `superior` is printed in regular capitals above the bold issuing body; `issuer_code`
    follows "BC-" in the number ("Số: 12/BC-CAT"). `authority` is one of
    AUTHORITY_MODES, `on_behalf_of` what follows it ("GIÁM ĐỐC" in "KT. GIÁM ĐỐC"),
    `title` the signer's position and `signer` the name (blank: written by hand).
    """

    superior: str = ""
    issuer: str = ""
    issuer_code: str = ""
    document_code: str = "BC"
    authority: str = ""
    on_behalf_of: str = ""
    title: str = ""
    signer: str = ""
    recipients: list[str] = dataclasses.field(default_factory=list)
    place: str = ""
    day: dt.date | None = None

    @classmethod
    def for_review(cls, review: dict) -> Letterhead:
        unit = review.get("unit") or None
        province = (review.get("province") or {}).get("name") or ""
        level = (unit or {}).get("level") or ""
        issue = review.get("issue") or None
        if issue and issue.get("issued_on"):
            day = dt.date.fromisoformat(issue["issued_on"])
        else:
            day = timezone.localdate()
        ministry = _upper(pgettext("letterhead", "Ministry of Public Security"))
        if unit is None:
            head = cls(
                superior="",
                issuer=ministry,
                issuer_code=pgettext("issuer code", "BCA"),
                title=_upper(pgettext("signer", "Minister")),
                recipients=[
                    pgettext("recipient", "The Government (for reporting);"),
                    pgettext("recipient", "Ministry leaders (for information);"),
                    pgettext("recipient", "Filed: Records, V05."),
                ],
                place=pgettext("letterhead", "Hanoi"),
            )
        elif level == "province":
            city = province in CITIES
            head = cls(
                superior=ministry,
                issuer=_police_of(unit["name"]),
                issuer_code=(
                    pgettext("issuer code", "CATP") if city else pgettext("issuer code", "CAT")
                ),
                title=_upper(pgettext("signer", "Director")),
                recipients=[
                    pgettext("recipient", "Ministry of Public Security (V05) (for reporting);"),
                    pgettext("recipient", "Provincial People's Committee (for reporting);"),
                    pgettext("recipient", "Filed: Records, PV05."),
                ],
            )
        else:
            kind = _commune_kind(unit["name"]) if level == "commune" else "district"
            codes = {
                "commune": pgettext("issuer code", "CAX"),
                "ward": pgettext("issuer code", "CAP"),
                "township": pgettext("issuer code", "CATT"),
                "zone": pgettext("issuer code", "CAĐK"),
                "district": pgettext("issuer code", "CAH"),
            }
            titles = {
                "commune": pgettext("signer", "Chief of the commune police"),
                "ward": pgettext("signer", "Chief of the ward police"),
                "township": pgettext("signer", "Chief of the township police"),
                "zone": pgettext("signer", "Chief of the special zone police"),
                "district": pgettext("signer", "Chief of the district police"),
            }
            superior = _police_of(_province_unit_name(province)) if province else ministry
            head = cls(
                superior=superior,
                issuer=_police_of(unit["name"]),
                issuer_code=codes[kind],
                title=_upper(titles[kind]),
                recipients=[
                    pgettext("recipient", "%(unit)s Police (PV05) (for reporting);")
                    % {"unit": _province_unit_name(province)}
                    if province
                    else pgettext("recipient", "The level above (for reporting);"),
                    pgettext("recipient", "Party committee, People's Committee (for reporting);"),
                    pgettext("recipient", "Filed: Records."),
                ],
            )
        if issue and issue.get("issuer_code"):
            head.issuer_code = issue["issuer_code"]
        if not head.place:
            head.place = province or ""
        head.day = day
        return head

    def with_defaults(self, review: dict) -> Letterhead:
        """Blank fields filled from `for_review` (callers may set only a few)."""
        base = Letterhead.for_review(review)
        filled = {
            f.name: getattr(self, f.name) or getattr(base, f.name)
            for f in dataclasses.fields(self)
            if f.name not in ("signer", "authority", "on_behalf_of")
        }
        return dataclasses.replace(self, **filled)

    def number(self, review: dict) -> str:
        """ "Số: 12/BC-CAT" once issued, "Số:      /BC-CAT" for the clerk before."""
        issue = review.get("issue") or None
        code = (
            f"{self.document_code}-{self.issuer_code}" if self.issuer_code else self.document_code
        )
        label = pgettext("document number", "No.")
        if issue and issue.get("number"):
            return f"{label} {issue['number']}/{code}"
        return f"{label}\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/{code}"

    def signature_lines(self) -> list[str]:
        """The capitalised lines above the signature: ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]."""
        lines = []
        if self.authority:
            lines.append(f"{self.authority} {self.on_behalf_of}".strip())
        if self.title:
            lines.append(self.title)
        return lines


def authority_label(mode: str) -> str:
    return {
        "": _("signs as head"),
        "TM.": _("on behalf of the body (TM.)"),
        "KT.": _("deputy signing for the head (KT.)"),
        "TL.": _("by order of the head (TL.)"),
    }[mode]
