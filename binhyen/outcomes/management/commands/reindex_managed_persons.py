"""Recompute the blind indexes of managed persons with the current key (after a key
rotation: `binhyen rotate_keys` re-encrypts, this re-keys the indexes)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from binhyen.core.audit import audit_context

from ...services import reindex_people


class Command(BaseCommand):
    help = (
        "Recompute the keyed indexes that find managed persons again, with the first key of "
        "FIELD_ENCRYPTION_KEYS. Run it right after `binhyen rotate_keys`."
    )

    def handle(self, *args, **opts):
        with audit_context(source="command"):
            n = reindex_people()
        self.stdout.write(_("%(n)d managed persons re-indexed.") % {"n": n})
