import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhyen.core.audit import audit_context

from ...importers import ImportRejected, import_files
from ...registers import SLUGS


class Command(BaseCommand):
    help = (
        "Import outcome registers (weapons surrendered, managed persons, returned emigrants, "
        "registration violations, illegal entries, mediations, outreach sessions, pledges, "
        "people's patrols) from CSV files and XLSX workbooks (docs/outcomes.md). All files "
        "are imported together, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--register",
            choices=SLUGS,
            help="the register of CSV files and one-sheet workbooks (else detected)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def progress(self, slug: str, rows: int, finished: bool) -> None:
        if finished or rows % 10_000 == 0:
            mark = _("done") if finished else "…"
            self.stderr.write(f"{slug}: {rows} {mark}")

    def handle(self, *args, files, register=None, dry_run=False, **opts):
        started = time.monotonic()
        try:
            with audit_context(source="import_outcomes"):
                result = import_files(files, register, dry_run=dry_run, progress=self.progress)
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
