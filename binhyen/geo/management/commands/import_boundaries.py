import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhyen.core.audit import audit_context

from ... import queries
from ...boundaries import BoundariesRejected, import_boundaries, read_geojson
from ...choices import LEVELS


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            _("Enter the date as YYYY-MM-DD, not %(text)s") % {"text": text}
        ) from exc


def tolerance(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise CommandError(_("The tolerance is a number of degrees, e.g. 0.0005")) from exc
    if not 0 <= value < 1:
        raise CommandError(_("The tolerance is a number of degrees, e.g. 0.0005"))
    return value


class Command(BaseCommand):
    help = (
        "Import unit boundaries from a GeoJSON FeatureCollection: each feature is matched "
        "to the unit bearing its code on a date. All-or-nothing; re-importing replaces "
        "the boundaries of the units in the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE.geojson")
        parser.add_argument(
            "--code-property",
            help="the feature property holding the unit code (default: the first of code, "
            "ma, ma_dvhc, ma_tinh, ma_huyen, ma_xa, MA, … that a feature has)",
        )
        parser.add_argument(
            "--on", type=iso_date, help="match codes valid on this date, YYYY-MM-DD (today)"
        )
        parser.add_argument("--level", choices=LEVELS, help="match only units of this level")
        parser.add_argument(
            "--simplify",
            type=tolerance,
            metavar="TOLERANCE",
            help="Douglas-Peucker tolerance in degrees (0.0005 ≈ 50 m); none by default",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, file, on=None, dry_run=False, **opts):
        on = on or queries.today()
        try:
            collection = read_geojson(file)
            with audit_context(source="import_boundaries"):
                result = import_boundaries(
                    collection,
                    on,
                    code_property=opts["code_property"],
                    level=opts["level"],
                    simplify=opts["simplify"],
                    source=file.name,
                    dry_run=dry_run,
                )
        except BoundariesRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            if exc.truncated:
                self.stderr.write(
                    _("Stopped after %(n)d errors; there may be more.") % {"n": len(exc.errors)}
                )
            raise CommandError(
                _("Nothing was imported: %(n)d error(s).") % {"n": len(exc.errors)}
            ) from exc
        self.stdout.write(
            _(
                "%(features)d features, %(matched)d matched to units on %(on)s: "
                "%(created)d new, %(replaced)d replaced, %(unchanged)d unchanged."
            )
            % {
                "features": result.features,
                "matched": result.matched,
                "on": on.isoformat(),
                "created": result.created,
                "replaced": result.replaced,
                "unchanged": result.unchanged,
            }
        )
        if result.unmatched:
            self.stdout.write(
                self.style.WARNING(
                    _("Codes matching no unit on %(on)s, not imported (%(n)d): %(codes)s")
                    % {
                        "n": len(result.unmatched),
                        "on": on.isoformat(),
                        "codes": ", ".join(result.unmatched),
                    }
                )
            )
        if dry_run:
            self.stdout.write(self.style.SUCCESS(_("Checked: nothing was written (dry run).")))
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported.")))
