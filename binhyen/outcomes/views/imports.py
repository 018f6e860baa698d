"""The registers' spreadsheet import pages (core.spreadsheets.pages): upload a file, read
the check (errors, or what would change), then confirm. Every row must be in the user's
jurisdiction. Uploads wait under VAR_DIR/uploads/outcomes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from binhyen.core.spreadsheets.pages import ImportPages, Link

from .. import exports
from ..importers import COLUMNS, import_files
from ..permissions import can_write_anywhere
from ..registers import LABELS

pages = ImportPages(
    namespace="outcomes",
    import_files=import_files,
    labels=LABELS,
    columns=COLUMNS,
    may_import=can_write_anywhere,
    blank_workbook=lambda: exports.xlsx_response("template", None),
    too_large=_("The file is larger than %(mb)d MB: import it with the import_outcomes command."),
    crumb=Link("outcomes:index", _("Outcome registers")),
    after=[Link("outcomes:index", _("Outcome registers"))],
    intro=_(
        "Upload an Excel workbook (.xlsx) with one sheet per register (named as in the table "
        "below), or a CSV file (UTF-8) of one register. The file is first checked without "
        "writing anything; you then see the errors, or what the import would create and "
        "update, and confirm."
    ),
    notes=[
        _(
            "At most %(mb)s MB. Every row must be in your jurisdiction. Nothing is imported "
            "unless every row is correct. A row with a reference (ref) updates the record of "
            "that reference, so importing the same file again changes nothing; a row without "
            "one is a new record. Managed persons are given by their code, or by full name and "
            "year of birth."
        )
    ],
    columns_title=_("Columns of each register"),
    columns_hint=_(
        "Dates as dd/mm/yyyy or yyyy-mm-dd. Format code columns as Text so that leading zeros "
        "stay. Choices by their code or their label."
    ),
    kind_field="register",
    kind_label=_("Register"),
    upload_dir="uploads/outcomes",
)
