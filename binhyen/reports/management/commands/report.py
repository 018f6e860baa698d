"""binhyen report: the review of a unit and period as JSON, HTML, XLSX, DOCX or PDF."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from binhyen.core.audit import audit_context

from ...choices import ReviewKind
from ...documents import DocumentUnavailable
from ...output import FORMATS, filename, render
from ...review import build_review
from ...review_form import IssueForm, ReviewForm
from ...services.issuing import issue_report


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
            data = self._review(opts)
            if opts["issue"]:
                with audit_context(source="command"):
                    issued = issue_report(data["review"], data["unit"], opts["issue"])
                data["review"] = issued.review
                self.stderr.write(
                    _("Issued as number %(n)d/BC-%(code)s of %(year)d.")
                    % {"n": issued.number, "code": issued.issuer_code, "year": issued.year}
                )
            try:
                body = render(data["review"], opts["format"])
            except DocumentUnavailable as exc:
                raise CommandError(str(exc)) from exc
        if opts["output"]:
            with open(opts["output"], "wb") as out:
                out.write(body)
            self.stderr.write(
                _("Written %(file)s (%(size)d bytes).")
                % {"file": opts["output"], "size": len(body)}
            )
            return
        sys.stdout.buffer.write(body)
        if opts["format"] != "json":
            name = filename(data["review"], opts["format"])
            self.stderr.write(_("(suggested file name: %(name)s)") % {"name": name})

    @staticmethod
    def _review(opts) -> dict:
        if opts["issue"] and not IssueForm({"issuer_code": opts["issue"]}).is_valid():
            raise CommandError(_("--issue: capital letters, digits and hyphens only."))
        form = ReviewForm(
            {
                "unit": opts["unit"] or "",
                "start": opts["start"],
                "end": opts["end"],
                "structure_on": opts["structure_date"] or "",
                "kind": opts["kind"],
            },
            user=None,
        )
        if not form.is_valid():
            raise CommandError(
                "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
            )
        data = form.cleaned_data
        review = build_review(
            data["unit_obj"],
            data["start"],
            data["end"],
            data.get("structure_on"),
            kind=data["kind"],
        )
        return {"review": review, "unit": data["unit_obj"]}
