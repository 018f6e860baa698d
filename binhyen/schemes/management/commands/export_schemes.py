from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhyen.geo import queries as geo_queries

from ...exports import EXPORT_KINDS, write_xlsx
from ...models import Group, Organization, Scheme, SchemeType
from ...queries import under

MODELS = {
    "types": (SchemeType, None),
    "hosts": (Organization, "commune"),
    "points": (Scheme, "unit"),
    "groups": (Group, "residential_area"),
}


class Command(BaseCommand):
    help = (
        "Export scheme types, host organisations, scheme points or groups (with their "
        "households and members) to an XLSX workbook in the import layout."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=EXPORT_KINDS)
        parser.add_argument(
            "--unit",
            metavar="CODE",
            help="only records under this unit (today's structure; coarsest level first)",
        )
        parser.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.xlsx")

    def handle(self, *args, kind, unit=None, output, **opts):
        model, unit_field = MODELS[kind]
        qs = model.objects.all()
        if unit:
            if unit_field is None:
                raise CommandError(_("--unit does not apply to scheme types."))
            today = geo_queries.today()
            version = geo_queries.unit_by_code(unit, today)
            if version is None:
                raise CommandError(
                    _("No unit has the code %(code)s on %(date)s.")
                    % {"code": unit, "date": today.strftime("%d/%m/%Y")}
                )
            qs = under(qs, unit_field, version.unit, today)
        with output.open("wb") as fh:
            write_xlsx(kind, qs, fh)
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote %(n)d %(kind)s to %(file)s.")
                % {"n": qs.count(), "kind": kind, "file": output}
            )
        )
