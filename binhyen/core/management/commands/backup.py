"""Take a consistent backup of the database with its manifest of row counts."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhyen.core import backups


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump of one snapshot; SQLite: the online "
        "backup API) into a directory, with a manifest of row counts read in the same "
        "snapshot. Prove it restores with `binhyen verify_backup DIRECTORY`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            help="directory to create (default: BINHYEN_VAR_DIR/backups/binhyen-<UTC time>)",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, output=None, database="default", **opts):
        target = Path(output) if output else backups.default_target(Path(settings.VAR_DIR))
        try:
            manifest = backups.create_backup(target, using=database)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Backup written to %(path)s: %(tables)d tables, %(rows)d rows, "
                "%(migrations)d migrations applied."
            )
            % {
                "path": target,
                "tables": len(manifest["tables"]),
                "rows": sum(manifest["tables"].values()),
                "migrations": len(manifest["migrations"]),
            }
        )
        self.stdout.write(
            _("Keep FIELD_ENCRYPTION_KEYS apart from this backup: never store them together.")
        )
