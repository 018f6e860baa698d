"""Sentences written from a review's figures, in the review's language.

Every number comes from the figure's `display` string, so qualifiers stay ("trên 2.000",
"khoảng 6.000"). The caller activates the review's language (see `render`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .. import formatting


def mid(label: str) -> str:
    """A label inside an English sentence starts in lower case (not acronyms)."""
    if formatting.locale() != "en" or not label:
        return label
    if len(label) > 1 and label[1].isupper():
        return label
    return label[0].lower() + label[1:]


def join(items: list[str]) -> str:
    """ "a, b and c" in the active language."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return pgettext("list", "%(head)s and %(last)s") % {
        "head": ", ".join(items[:-1]),
        "last": items[-1],
    }


def _count(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def counted(figure: dict, singular: str, plural: str) -> str:
    """ "38.578 self-management groups" (ngettext on the value, the display printed)."""
    return ngettext(singular, plural, _count(figure["value"])) % {"n": figure["display"]}


def figures_by_code(section: dict) -> dict[str, dict]:
    return {f["indicator"]: f for f in section.get("figures", [])}


def _present(figure: dict | None) -> bool:
    return bool(figure) and bool(figure.get("value"))


def scope(review: dict) -> str:
    """ "toàn tỉnh" / "the whole province"."""
    unit = review.get("unit")
    if not unit:
        return pgettext("scope", "the whole country")
    level = unit.get("level")
    name = (unit.get("name") or "").lower()
    if level == "province":
        return pgettext("scope", "the whole province")
    if level == "district":
        return pgettext("scope", "the whole district")
    if name.startswith(("phường", "ward")):
        return pgettext("scope", "the whole ward")
    return pgettext("scope", "the whole commune")


def on_date(review: dict) -> str:
    return formatting.short_date(review["period"]["end"])


def structure_paragraphs(review: dict, figures: dict[str, dict]) -> list[str]:
    out = []
    items = []
    if _present(sc := figures.get("structure.steering_committees")):
        items.append(
            ngettext("%(n)s steering committee", "%(n)s steering committees", _count(sc["value"]))
            % {"n": sc["display"]}
        )
    if _present(b := figures.get("structure.boards")):
        items.append(
            ngettext(
                "%(n)s self-management board", "%(n)s self-management boards", _count(b["value"])
            )
            % {"n": b["display"]}
        )
    if _present(g := figures.get("structure.groups")):
        items.append(
            ngettext(
                "%(n)s self-management group", "%(n)s self-management groups", _count(g["value"])
            )
            % {"n": g["display"]}
        )
    if items:
        out.append(
            _("As of %(date)s, %(scope)s had %(items)s.")
            % {"date": on_date(review), "scope": scope(review), "items": join(items)}
        )
    members = []
    if _present(h := figures.get("structure.households")):
        members.append(
            ngettext("%(n)s household", "%(n)s households", _count(h["value"]))
            % {"n": h["display"]}
        )
    if _present(m := figures.get("structure.members")):
        members.append(
            ngettext("%(n)s member", "%(n)s members", _count(m["value"])) % {"n": m["display"]}
        )
    if members:
        out.append(_("The groups bring together %(items)s.") % {"items": join(members)})
    if _present(t := figures.get("structure.security_teams")):
        teams = ngettext(
            "%(n)s grassroots security team", "%(n)s grassroots security teams", _count(t["value"])
        ) % {"n": t["display"]}
        if _present(tm := figures.get("structure.security_team_members")):
            out.append(
                _("%(teams)s are in place, with %(members)s members.")
                % {"teams": teams, "members": tm["display"]}
            )
        else:
            out.append(_("%(teams)s are in place.") % {"teams": teams})
    return out


def _replicated_types(review: dict, limit: int = 12) -> str:
    types = (review.get("replication") or {}).get("types") or []
    items = [
        ngettext("%(label)s (%(n)s point)", "%(label)s (%(n)s points)", _count(t["points"]))
        % {"label": t["label"], "n": formatting.number(t["points"])}
        for t in types[:limit]
    ]
    if len(types) > limit:
        items.append(
            ngettext("%(n)s other type", "%(n)s other types", len(types) - limit)
            % {"n": formatting.number(len(types) - limit)}
        )
    return join(items)


def schemes_paragraphs(review: dict, figures: dict[str, dict]) -> list[str]:
    out = []
    types = figures.get("schemes.types_replicated")
    areas = figures.get("schemes.residential_areas")
    among = _replicated_types(review)
    if _present(types) and _present(areas):
        sentence = ngettext(
            "%(types)s scheme type has been replicated to %(areas)s residential areas",
            "%(types)s scheme types have been replicated to %(areas)s residential areas",
            _count(types["value"]),
        ) % {"types": types["display"], "areas": areas["display"]}
    elif _present(types):
        sentence = ngettext(
            "%(types)s scheme type has been replicated",
            "%(types)s scheme types have been replicated",
            _count(types["value"]),
        ) % {"types": types["display"]}
    elif _present(areas):
        sentence = ngettext(
            "Scheme points are active in %(areas)s residential area",
            "Scheme points are active in %(areas)s residential areas",
            _count(areas["value"]),
        ) % {"areas": areas["display"]}
    else:
        sentence = ""
    if sentence:
        if among:
            sentence = _("%(sentence)s, among them: %(types)s") % {
                "sentence": sentence,
                "types": among,
            }
        out.append(sentence + ".")
    if _present(active := figures.get("schemes.active")):
        text = ngettext(
            "As of %(date)s, %(n)s scheme point is active",
            "As of %(date)s, %(n)s scheme points are active",
            _count(active["value"]),
        ) % {"date": on_date(review), "n": active["display"]}
        changes = []
        if _present(est := figures.get("schemes.established")):
            changes.append(
                ngettext("%(n)s was established", "%(n)s were established", _count(est["value"]))
                % {"n": est["display"]}
            )
        if _present(dis := figures.get("schemes.dissolved")):
            changes.append(
                ngettext("%(n)s was dissolved", "%(n)s were dissolved", _count(dis["value"]))
                % {"n": dis["display"]}
            )
        if changes:
            text = _("%(text)s; in the period %(changes)s") % {
                "text": text,
                "changes": join(changes),
            }
        out.append(text + ".")
    honours = []
    if _present(ex := figures.get("schemes.exemplars")):
        honours.append(
            ngettext(
                "%(n)s scheme point was recognised as exemplary",
                "%(n)s scheme points were recognised as exemplary",
                _count(ex["value"]),
            )
            % {"n": ex["display"]}
        )
    if _present(cm := figures.get("schemes.commended_ministry")):
        honours.append(
            ngettext(
                "%(n)s scheme was commended by the Ministry of Public Security",
                "%(n)s schemes were commended by the Ministry of Public Security",
                _count(cm["value"]),
            )
            % {"n": cm["display"]}
        )
    if _present(cp := figures.get("schemes.commended_province")):
        honours.append(
            ngettext(
                "%(n)s scheme was commended by the province",
                "%(n)s schemes were commended by the province",
                _count(cp["value"]),
            )
            % {"n": cp["display"]}
        )
    if _present(df := figures.get("communes.drug_free")):
        honours.append(
            ngettext(
                "%(n)s commune or ward was declared drug-free",
                "%(n)s communes and wards were declared drug-free",
                _count(df["value"]),
            )
            % {"n": df["display"]}
        )
    if honours:
        text = join(honours)
        out.append(text[0].upper() + text[1:] + ".")
    return out


def tips_paragraphs(review: dict, figures: dict[str, dict]) -> list[str]:
    out = []
    received = figures.get("tips.received")
    actionable = figures.get("tips.actionable")
    cases = figures.get("cases.solved")
    suspects = figures.get("cases.suspects_arrested")
    tips = ""
    if _present(received) and _present(actionable):
        tips = ngettext(
            "During the period, the people provided %(received)s tip, "
            "of which %(actionable)s actionable",
            "During the period, the people provided %(received)s tips, "
            "of which %(actionable)s actionable",
            _count(received["value"]),
        ) % {"received": received["display"], "actionable": actionable["display"]}
    elif _present(received):
        tips = ngettext(
            "During the period, the people provided %(received)s tip",
            "During the period, the people provided %(received)s tips",
            _count(received["value"]),
        ) % {"received": received["display"]}
    elif _present(actionable):
        tips = ngettext(
            "During the period, the people provided %(actionable)s actionable tip",
            "During the period, the people provided %(actionable)s actionable tips",
            _count(actionable["value"]),
        ) % {"actionable": actionable["display"]}
    solved = (
        ngettext("%(n)s case", "%(n)s cases", _count(cases["value"])) % {"n": cases["display"]}
        if _present(cases)
        else ""
    )
    arrested = (
        ngettext("%(n)s suspect", "%(n)s suspects", _count(suspects["value"]))
        % {"n": suspects["display"]}
        if _present(suspects)
        else ""
    )
    if tips:
        if solved and arrested:
            tail = _("helping to solve %(cases)s and arrest %(suspects)s") % {
                "cases": solved,
                "suspects": arrested,
            }
        elif solved:
            tail = _("helping to solve %(cases)s") % {"cases": solved}
        elif arrested:
            tail = _("helping to arrest %(suspects)s") % {"suspects": arrested}
        else:
            tail = ""
        out.append((_("%(tips)s, %(tail)s") % {"tips": tips, "tail": tail} if tail else tips) + ".")
    elif solved and arrested:
        out.append(
            _("During the period, %(cases)s were solved and %(suspects)s arrested.")
            % {"cases": solved, "suspects": arrested}
        )
    elif solved:
        out.append(_("During the period, %(cases)s were solved.") % {"cases": solved})
    elif arrested:
        out.append(_("During the period, %(suspects)s were arrested.") % {"suspects": arrested})
    if _present(led := figures.get("tips.led_to_solved_cases")):
        out.append(
            ngettext(
                "%(n)s tip received in the period led to a solved case.",
                "%(n)s tips received in the period led to solved cases.",
                _count(led["value"]),
            )
            % {"n": led["display"]}
        )
    return out


WRITERS = {
    "structure": structure_paragraphs,
    "schemes": schemes_paragraphs,
    "tips": tips_paragraphs,
}


def generic_paragraphs(review: dict, section: dict) -> list[str]:
    items = [
        pgettext("prose", "%(label)s: %(n)s") % {"label": mid(f["label"]), "n": f["display"]}
        for f in section.get("figures", [])
        if f.get("value")
    ]
    if not items:
        return []
    return [_("During the period: %(items)s.") % {"items": "; ".join(items)}]


def breakdown_sentences(section: dict, limit: int = 12) -> list[str]:
    """Breakdowns other than by unit (those go to tables): "Tổ tự quản theo khu vực:
    nông thôn 32.150, thành thị 6.408." Overlapping breakdowns say so."""
    out = []
    for figure in section.get("figures", []):
        if not figure.get("value"):
            continue
        for breakdown in figure.get("breakdowns", []):
            if breakdown.get("by") == "unit" or not breakdown.get("rows"):
                continue
            rows = [r for r in breakdown["rows"] if r.get("value")]
            items = [f"{r['label']} {r['display']}" for r in rows[:limit]]
            if len(rows) > limit:
                items.append(
                    ngettext("%(n)s other", "%(n)s others", len(rows) - limit)
                    % {"n": formatting.number(len(rows) - limit)}
                )
            sentence = pgettext("breakdown", "%(figure)s %(by)s: %(items)s") % {
                "figure": figure["label"],
                "by": breakdown["label"],
                "items": ", ".join(items),
            }
            if not breakdown.get("partition", True):
                sentence = _("%(sentence)s (the parts overlap)") % {"sentence": sentence}
            out.append(sentence + ".")
    return out


def comparison_sentence(review: dict, section: dict, limit: int = 8) -> str:
    """The change against the previous period of the same length, for figures that have
    one. Qualified figures ("trên 2.000") are stated side by side, never subtracted."""
    previous = review.get("previous_period")
    if not previous:
        return ""
    items = []
    for figure in section.get("figures", []):
        prev = figure.get("previous") or {}
        if not prev.get("value") or not figure.get("value"):
            continue
        label = mid(figure["label"])
        exact = figure.get("qualifier") == "exact" and prev.get("qualifier") == "exact"
        if exact:
            diff = figure["value"] - prev["value"]
            if diff > 0:
                text = pgettext("change", "%(label)s up %(diff)s (from %(prev)s to %(now)s)")
            elif diff < 0:
                text = pgettext("change", "%(label)s down %(diff)s (from %(prev)s to %(now)s)")
            else:
                text = pgettext("change", "%(label)s unchanged (%(now)s)")
            items.append(
                text
                % {
                    "label": label,
                    "diff": formatting.number(abs(diff)),
                    "prev": prev["display"],
                    "now": figure["display"],
                }
            )
        else:
            items.append(
                pgettext("change", "%(label)s from %(prev)s to %(now)s")
                % {"label": label, "prev": prev["display"], "now": figure["display"]}
            )
        if len(items) >= limit:
            break
    if not items:
        return ""
    return _("Compared with the previous period (%(start)s – %(end)s): %(items)s.") % {
        "start": formatting.short_date(previous["start"]),
        "end": formatting.short_date(previous["end"]),
        "items": "; ".join(items),
    }


def section_paragraphs(review: dict, section: dict) -> list[str]:
    writer = WRITERS.get(section.get("code"))
    figures = figures_by_code(section)
    paragraphs = writer(review, figures) if writer else generic_paragraphs(review, section)
    if writer:
        # figures of the section the writer does not phrase still get a sentence
        known = _phrased(section.get("code"))
        rest = [f for f in section.get("figures", []) if f["indicator"] not in known]
        if rest:
            paragraphs += generic_paragraphs(review, {"figures": rest})
    if not paragraphs:
        paragraphs = [_("No figures were recorded for this section in the period.")]
    paragraphs += breakdown_sentences(section)
    if comparison := comparison_sentence(review, section):
        paragraphs.append(comparison)
    return paragraphs


def _phrased(code: str | None) -> set[str]:
    return {
        "structure": {
            "structure.steering_committees",
            "structure.boards",
            "structure.groups",
            "structure.households",
            "structure.members",
            "structure.security_teams",
            "structure.security_team_members",
        },
        "schemes": {
            "schemes.types_replicated",
            "schemes.residential_areas",
            "schemes.active",
            "schemes.established",
            "schemes.dissolved",
            "schemes.exemplars",
            "schemes.commended_ministry",
            "schemes.commended_province",
            "communes.drug_free",
        },
        "tips": {
            "tips.received",
            "tips.actionable",
            "cases.solved",
            "cases.suspects_arrested",
            "tips.led_to_solved_cases",
        },
    }.get(code or "", set())


def introduction(review: dict) -> str:
    unit = (review.get("unit") or {}).get("name") or pgettext("scope", "the whole country")
    period = review["period"]
    structure = (review.get("structure") or {}).get("date") or period["end"]
    return _(
        "This report states the results for %(unit)s from %(start)s to %(end)s, counted "
        "under the administrative structure in force on %(structure)s. Figures combine the "
        "records kept in the system with figures reported earlier (listed in the annex); "
        "“over” and “about” keep the qualifier of the reported figure."
    ) % {
        "unit": unit,
        "start": formatting.short_date(period["start"]),
        "end": formatting.short_date(period["end"]),
        "structure": formatting.short_date(structure),
    }
