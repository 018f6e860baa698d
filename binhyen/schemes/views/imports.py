"""The registry's spreadsheet import pages (core.spreadsheets.pages): upload a file, read
the check (errors or what would change), then confirm. Every row must be in the user's
jurisdiction (the importer checks each one)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from binhyen.core.spreadsheets.pages import ImportPages, Link

from .. import exports
from ..importers import COLUMNS, import_files
from ..permissions import can_write_anywhere

KIND_LABELS = {
    "types": _("Scheme types"),
    "hosts": _("Host organisations"),
    "points": _("Scheme points"),
    "groups": _("Groups"),
    "households": _("Households"),
    "members": _("Group members"),
}

pages = ImportPages(
    namespace="schemes",
    import_files=import_files,
    labels=KIND_LABELS,
    columns=COLUMNS,
    may_import=can_write_anywhere,
    blank_workbook=lambda: exports.xlsx_response("template", None),
    too_large=_("The file is larger than %(mb)d MB: import it with the import_schemes command."),
    crumb=Link("schemes:list", _("Scheme points")),
    after=[Link("schemes:list", _("Scheme points"))],
    intro=_(
        "Upload an Excel workbook (.xlsx) whose sheets are named by kind (types, hosts, "
        "points, groups, households, members), or a CSV file (UTF-8) of one kind. The file "
        "is first checked without writing anything; you then see the errors, or what the "
        "import would create and update, and confirm."
    ),
    notes=[
        _(
            "At most %(mb)s MB. Every row must be in your jurisdiction. Nothing is imported "
            "unless every row is correct. Records are matched by their reference (ref): "
            "importing the same file again changes nothing."
        )
    ],
    columns_hint=_(
        "Dates as dd/mm/yyyy or yyyy-mm-dd. Format code, phone and tax-code columns as Text "
        "so that leading zeros stay."
    ),
)
