import datetime as dt
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhyen.core.audit import audit_context

from ...importers import FileRejected, read_lineage, read_units
from ...services import ImportRejected, import_structure


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            _("Enter the date as YYYY-MM-DD, not %(text)s") % {"text": text}
        ) from exc


class Command(BaseCommand):
    help = (
        "Import administrative units valid from a date (project CSV layout, the statistics "
        "office's flat export in CSV/XLSX, or residential areas with their commune code), "
        "with an optional commune lineage. All-or-nothing; re-running changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--valid-from", required=True, type=iso_date, help="YYYY-MM-DD")
        parser.add_argument("--lineage", type=Path, help="old_commune_code,new_commune_code")
        parser.add_argument("--decision", default="", help="the decision that made the change")

    def handle(self, *args, **opts):
        started = time.monotonic()
        try:
            rows = read_units(opts["file"])
            lineage = read_lineage(opts["lineage"]) if opts["lineage"] else []
            self.stdout.write(
                _("Read %(n)d units and %(m)d lineage rows; importing…")
                % {"n": len(rows), "m": len(lineage)}
            )
            with audit_context(source="import_units"):
                result = import_structure(
                    rows,
                    opts["valid_from"],
                    lineage,
                    files=(opts["file"].name, opts["lineage"].name if opts["lineage"] else ""),
                    decision=opts["decision"],
                )
        except (FileRejected, ImportRejected) as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("Nothing was imported: %(n)d error(s).") % {"n": len(exc.errors)}
            ) from exc
        for note in result.notes:
            self.stdout.write("  " + note)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Done in %(s).1f s: %(created)d created, %(changed)d changed, "
                    "%(unchanged)d unchanged, %(closed)d closed, %(transitions)d transitions."
                )
                % {
                    "s": time.monotonic() - started,
                    "created": result.created,
                    "changed": result.changed,
                    "unchanged": result.unchanged,
                    "closed": result.closed,
                    "transitions": result.transitions,
                }
            )
        )
