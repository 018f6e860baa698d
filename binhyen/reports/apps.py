from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_tally_triggers(sender, using, **kwargs):
    """After every migrate: SQLite drops a table's triggers when a migration rebuilds
    the table, so the tally's triggers are created again (ADR 0012)."""
    from django.db import connections

    from . import tally_sql

    tally_sql.install(connections[using])


class ReportsConfig(AppConfig):
    name = "binhyen.reports"
    label = "reports"
    verbose_name = _("Reviews and reports")

    def ready(self):
        post_migrate.connect(_install_tally_triggers, sender=self)
