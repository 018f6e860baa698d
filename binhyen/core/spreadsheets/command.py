"""The management command of a spreadsheet import: FILE [FILE...] [--<kind option>]
[--dry-run]. Progress goes to stderr, the counts to stdout; a refused import lists its
errors on stderr and fails (CommandError), nothing written."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhyen.core.audit import audit_context

from .tables import ImportRejected, ImportResult


class ImportCommand(BaseCommand):
    """Subclasses set `help`, `import_files` (a staticmethod: files, kind, *, dry_run,
    progress → ImportResult), `kinds` and the kind option's name and help."""

    import_files: Callable[..., ImportResult]
    kinds: Sequence[str] = ()
    kind_option = "kind"
    kind_help = "the kind of records in CSV files and one-sheet workbooks (else detected)"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(f"--{self.kind_option}", choices=self.kinds, help=self.kind_help)
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def progress(self, kind: str, rows: int, finished: bool) -> None:
        if finished or rows % 10_000 == 0:
            mark = _("done") if finished else "…"
            self.stderr.write(f"{kind}: {rows} {mark}")

    def handle(self, *args, files, dry_run=False, **opts):
        started = time.monotonic()
        kind = opts.get(self.kind_option)
        try:
            with audit_context(source=self.source):
                result = self.import_files(files, kind, dry_run=dry_run, progress=self.progress)
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

    @property
    def source(self) -> str:
        """The audit source: the command's name (import_schemes, ...)."""
        return self.__module__.rsplit(".", 1)[-1]
