"""Re-encrypt every protected field with the first key of FIELD_ENCRYPTION_KEYS."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from binhyen.core import crypto
from binhyen.core.audit import audit_context, record_bulk

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt protected personal data with the first key of FIELD_ENCRYPTION_KEYS "
        "(rotation: put the new key first, run this, then remove the old key). "
        "--new-key prints a fresh key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true", help="print a new key and stop")

    def handle(self, *args, new_key=False, **opts):
        if new_key:
            self.stdout.write(crypto.generate_key())
            return
        with audit_context(source="command"), transaction.atomic():
            for model, names in crypto.ENCRYPTED_FIELDS.items():
                done = 0
                rows = model.objects.order_by("pk").only("pk", *names)
                batch = []
                for obj in rows.iterator(chunk_size=BATCH):
                    for name in names:
                        setattr(obj, name, crypto.rotate(getattr(obj, name)))
                    batch.append(obj)
                    if len(batch) >= BATCH:
                        model.objects.bulk_update(batch, names)
                        done += len(batch)
                        batch = []
                model.objects.bulk_update(batch, names)
                done += len(batch)
                summary = _("%(n)d rows re-encrypted with the current key") % {"n": done}
                record_bulk(model, summary, None)
                self.stdout.write(
                    _("%(model)s: %(n)d rows re-encrypted.")
                    % {"model": model._meta.verbose_name_plural, "n": done}
                )
