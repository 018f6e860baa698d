"""The spreadsheet import pages of tips and cases (core.spreadsheets.pages): upload a file,
read the check (errors or what would change), then confirm.

An upload may hold informants' names and contacts in clear: like every upload it is
deleted as soon as nothing is left to confirm (after the import, or a check that found
errors or nothing to change), and in any case after a day (see docs/threat-model.md).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from binhyen.core.spreadsheets.pages import ImportPages, Link, empty_workbook
from binhyen.schemes.permissions import can_write_anywhere

from ..importers import COLUMNS, import_files

KIND_LABELS = {
    "tips": _("Tips"),
    "cases": _("Cases"),
    "suspects": _("Suspects"),
    "seized_items": _("Seized items"),
}

pages = ImportPages(
    namespace="tips",
    import_files=import_files,
    labels=KIND_LABELS,
    columns=COLUMNS,
    may_import=can_write_anywhere,
    blank_workbook=lambda: empty_workbook(COLUMNS, "tips-import-template.xlsx"),
    too_large=_("The file is larger than %(mb)d MB: import it with the import_tips command."),
    title=_("Import tips and cases"),
    crumb=Link("tips:list", _("Tips")),
    after=[Link("tips:list", _("Tips")), Link("tips:cases", _("Cases"))],
    intro=_(
        "Upload an Excel workbook (.xlsx) whose sheets are named tips, cases, suspects and "
        "seized_items, or a CSV file (UTF-8) of one kind. The file is first checked without "
        "writing anything; you then see the errors, or what the import would create, and "
        "confirm."
    ),
    notes=[
        _(
            "At most %(mb)s MB. Every row must be in your jurisdiction. Nothing is imported "
            "unless every row is correct. Importing the same file again changes nothing: a "
            "recorded tip is found by its code or by its time, place, category and "
            "description, a case by its unit and number."
        ),
        _(
            "Informants' names and contacts are encrypted as soon as they are stored. The "
            "uploaded file is deleted once it is imported or refused, and after a day in any "
            "case: delete your own copy once it is imported."
        ),
    ],
    columns_hint=_(
        "Dates as dd/mm/yyyy or yyyy-mm-dd, times as dd/mm/yyyy hh:mm. Format code, phone and "
        "case-number columns as Text so that leading zeros stay."
    ),
)
