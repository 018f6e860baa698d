from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.translation import gettext as _

from binhyen.core import audit
from binhyen.reports import tally_sql
from binhyen.reports.models import Tally


class Command(BaseCommand):
    help = (
        "Create the tally's triggers again and count the tally from the records, in one "
        "transaction (a repair: the triggers keep it as records are written; ADR 0012)."
    )

    def handle(self, *args, **options):
        with transaction.atomic(), audit.audit_context(source="rebuild_tallies"):
            tally_sql.install(connection)  # the triggers too, in case one went missing
            with connection.cursor() as cursor:
                for statement in tally_sql.rebuild_statements(connection.vendor):
                    cursor.execute(statement)
            cells = Tally.objects.count()
            audit.record_bulk(Tally, _("Tally counted again from the records"), cells=cells)
        self.stdout.write(self.style.SUCCESS(_("%(n)d tally cells counted.") % {"n": cells}))
