import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ... import queries
from ...api.serializers import TransitionSerializer, UnitRefSerializer, UnitVersionSerializer
from .import_units import iso_date


class Command(BaseCommand):
    help = "Show the unit that bears a code on a date, its ancestors, predecessors and successors."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--on", type=iso_date, help="YYYY-MM-DD (today by default)")
        parser.add_argument("--level", help="province, district, commune or residential_area")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, code, on=None, level=None, json=False, **opts):
        on = on or queries.today()
        version = queries.unit_by_code(code, on, level)
        if version is None:
            data = self.missing(code, on)
        else:
            data = {
                "found": True,
                "on": on.isoformat(),
                "unit": UnitVersionSerializer(version).data,
                "ancestors": UnitVersionSerializer(
                    queries.ancestors(version.unit, on), many=True
                ).data,
                "predecessors": TransitionSerializer(
                    queries.predecessors(version.unit), many=True
                ).data,
                "successors": TransitionSerializer(
                    queries.successors(version.unit), many=True
                ).data,
            }
        if json:
            self.stdout.write(_dumps(data))
        else:
            self.stdout.write(self.as_text(data))

    def missing(self, code, on):
        bearers = []
        for unit in queries.units_with_code(code):
            bearers.append(
                {
                    "unit": UnitRefSerializer(unit).data,
                    "successors": TransitionSerializer(queries.successors(unit), many=True).data,
                }
            )
        message = _("No unit bears code %(code)s on %(date)s.") % {
            "code": code,
            "date": on.strftime("%d/%m/%Y"),
        }
        return {
            "found": False,
            "on": on.isoformat(),
            "code": code,
            "message": message,
            "units_with_code": bearers,
        }

    def as_text(self, data) -> str:
        if not data["found"]:
            lines = [data["message"]]
            for bearer in data["units_with_code"]:
                u = bearer["unit"]
                lines.append(
                    f"  {u['name']} ({u['level']}) {u['valid_from']} – {u['valid_to'] or ''}"
                )
                for t in bearer["successors"]:
                    s = t["successor"]
                    lines.append(f"    → {t['date']} {t['kind']}: {s['name']} ({s['code']})")
            return "\n".join(lines)
        u = data["unit"]
        chain = " › ".join(a["name"] for a in data["ancestors"])
        lines = [
            f"{u['name']} ({u['code']}, {u['level']}) {u['valid_from']} – {u['valid_to'] or ''}"
        ]
        if chain:
            lines.append(f"  {chain}")
        for t in data["predecessors"]:
            pred = t["predecessor"]
            lines.append(f"  ← {t['date']} {t['kind']}: {pred['name']} ({pred['code']})")
        for t in data["successors"]:
            lines.append(
                f"  → {t['date']} {t['kind']}: {t['successor']['name']} ({t['successor']['code']})"
            )
        return "\n".join(lines)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
