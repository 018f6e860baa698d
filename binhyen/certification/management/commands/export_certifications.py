"""binhyen export_certifications --unit CODE --year YYYY -o FILE: the registrations and
decisions of every certification under a unit (any level, under today's structure) for
a window, as the workbook the officers' page downloads (exports.py). Run by an
administrator: nothing is filtered by jurisdiction."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...exports import title_of, under, unit_for_code, workbook
from ...models import Certification


class Command(BaseCommand):
    help = (
        "Write the registration and decision lists of the certification “Safe for security "
        "and order” under a unit for a year as an XLSX workbook (two sheets)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="code of the unit (commune, district…)")
        parser.add_argument("--year", required=True, type=int, help="the window (the year it ends)")
        parser.add_argument("-o", "--output", required=True, type=Path, help="the .xlsx to write")

    def handle(self, *args, unit, year, output, **options):
        found = unit_for_code(unit)
        if found is None:
            raise CommandError(f"No unit has the code {unit} today.")
        if not 2000 <= year <= 2100:
            raise CommandError("The year must be from 2000 to 2100.")
        qs = under(Certification.objects.all(), found, year)
        output.write_bytes(workbook(qs, title_of(found, year)))
        self.stdout.write(f"{found}: {qs.count()} certification(s) of {year} written to {output}")
