"""Prove a backup restores: restore it into a scratch database and compare the counts."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhyen.core import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `binhyen backup` into a scratch database (PostgreSQL: a "
        "new database, dropped afterwards; SQLite: a temporary file), count every table, "
        "compare with the manifest and check the migrations. Exits non-zero on any "
        "difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup directory (or its manifest.json)")
        parser.add_argument(
            "--database", default="default", help="alias of the PostgreSQL server to restore on"
        )

    def handle(self, *args, path, database="default", **opts):
        try:
            result = backups.verify_backup(path, using=database)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            _(
                "Backup of %(created)s (%(engine)s, version %(version)s), "
                "restored into a scratch database."
            )
            % {
                "created": manifest["created_at"],
                "engine": manifest["engine"],
                "version": manifest["app_version"],
            }
        )
        if not result.checksum_ok:
            self.stdout.write(_("The file's checksum differs from the manifest's."))
        for name, expected, found in result.mismatches:
            self.stdout.write(
                _("Table %(table)s: %(expected)s rows in the manifest, %(found)s restored.")
                % {
                    "table": name,
                    "expected": "-" if expected is None else expected,
                    "found": "-" if found is None else found,
                }
            )
        if result.migrations_differ:
            self.stdout.write(_("The restored migration records differ from the manifest's."))
        if result.pending_migrations:
            self.stdout.write(
                _("Migrations of this version not applied in the backup: %(names)s")
                % {"names": ", ".join(result.pending_migrations)}
            )
        tables, rows = len(result.counts), sum(result.counts.values())
        if not result.ok:
            raise CommandError(
                _(
                    "The restore does NOT match the backup's manifest "
                    "(%(tables)d tables, %(rows)d rows restored)."
                )
                % {"tables": tables, "rows": rows}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restore verified: %(tables)d tables and %(rows)d rows match the manifest; "
                    "every migration is applied."
                )
                % {"tables": tables, "rows": rows}
            )
        )
