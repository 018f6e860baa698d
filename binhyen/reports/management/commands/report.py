"""binhyen report: the review of a unit and period as JSON, HTML, XLSX, DOCX or PDF."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from binhyen.core.audit import audit_context
from binhyen.geo import queries as geo_queries

from ...choices import ReviewKind
from ...output import FORMATS, filename, render
from ...review import build_review
from ...services.issuing import issue_report


def parse_date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CommandError(_("%(text)s is not a date (YYYY-MM-DD or DD/MM/YYYY).") % {"text": text})


class Command(BaseCommand):
    help = (
        "Write the review of a unit (or the whole country) for a period: every indicator "
        "from records and reported figures, compared with the previous period, broken "
        "down by sub-unit, with broken validation rules and sources (docs/review-format.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="unit code under the structure date (default: country)")
        parser.add_argument("--from", dest="start", required=True, help="period start")
        parser.add_argument("--to", dest="end", required=True, help="period end")
        parser.add_argument(
            "--structure-date", help="roll up under the structure of this date (default today)"
        )
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument("--kind", choices=ReviewKind.values, default=ReviewKind.REVIEW)
        parser.add_argument("--language", choices=("vi", "en"), default="vi")
        parser.add_argument(
            "--issue",
            metavar="ABBREVIATION",
            help="issue the review: give it the next number of the year for this issuer "
            "(e.g. CAT for 'Số: 12/BC-CAT') and store it as issued",
        )

    def handle(self, *args, **opts):
        with translation.override(opts["language"]):
            start, end = parse_date(opts["start"]), parse_date(opts["end"])
            if start > end:
                raise CommandError(_("The period starts after it ends."))
            structure_on = parse_date(opts["structure_date"]) if opts["structure_date"] else None
            unit = self._unit(opts["unit"], structure_on or geo_queries.today())
            review = build_review(unit, start, end, structure_on, kind=opts["kind"])
            if opts["issue"]:
                with audit_context(source="command"):
                    issued = issue_report(review, unit, opts["issue"])
                review = issued.review
                self.stderr.write(
                    _("Issued as number %(n)d/BC-%(code)s of %(year)d.")
                    % {"n": issued.number, "code": issued.issuer_code, "year": issued.year}
                )
            try:
                data = render(review, opts["format"])
            except Exception as exc:  # a document that cannot be made says why
                if exc.__class__.__name__ == "DocumentUnavailable":
                    raise CommandError(str(exc)) from exc
                raise
        if opts["output"]:
            with open(opts["output"], "wb") as out:
                out.write(data)
            self.stderr.write(
                _("Written %(file)s (%(size)d bytes).")
                % {"file": opts["output"], "size": len(data)}
            )
        else:
            sys.stdout.buffer.write(data)
            self.stderr.write(
                _("(suggested file name: %(name)s)") % {"name": filename(review, opts["format"])}
            ) if opts["format"] != "json" else None

    @staticmethod
    def _unit(code, on):
        if not code:
            return None
        version = geo_queries.unit_by_code(code.strip(), on)
        if version is None:
            raise CommandError(
                _("No unit has the code %(code)s under the structure of %(on)s.")
                % {"code": code, "on": on.strftime("%d/%m/%Y")}
            )
        return version.unit
