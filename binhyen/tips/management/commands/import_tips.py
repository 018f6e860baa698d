import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhyen.core.audit import audit_context

from ...importers import KINDS, ImportRejected, import_files


class Command(BaseCommand):
    help = (
        "Import tips, cases, suspects and seized items from CSV files and XLSX workbooks "
        "(docs/tips.md). All files are imported together, all or nothing; re-importing "
        "changes nothing. Informants' names and contacts are encrypted as they are stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--kind",
            choices=KINDS,
            help="the kind of records in CSV files and one-sheet workbooks (else detected)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def progress(self, kind: str, rows: int, finished: bool) -> None:
        if finished or rows % 10_000 == 0:
            mark = _("done") if finished else "…"
            self.stderr.write(f"{kind}: {rows} {mark}")

    def handle(self, *args, files, kind=None, dry_run=False, **opts):
        started = time.monotonic()
        try:
            with audit_context(source="import_tips"):
                result = import_files(files, kind, dry_run=dry_run, progress=self.progress)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            if exc.truncated:
                self.stderr.write(
                    _("Stopped after %(n)d errors; there may be more.") % {"n": len(exc.errors)}
                )
            raise CommandError(
                _("Nothing was imported: %(n)d error(s).") % {"n": len(exc.errors)}
            ) from exc
        for sheet in result.skipped:
            self.stdout.write(_("Skipped %(sheet)s: not a sheet of records.") % {"sheet": sheet})
        for name, c in result.counts.items():
            self.stdout.write(
                _("%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                % {
                    "kind": name,
                    "created": c.created,
                    "updated": c.updated,
                    "unchanged": c.unchanged,
                }
            )
        seconds = time.monotonic() - started
        if dry_run:
            message = _("Checked in %(s).1f s: nothing was written (dry run).")
        else:
            message = _("Imported in %(s).1f s.")
        self.stdout.write(self.style.SUCCESS(message % {"s": seconds}))
