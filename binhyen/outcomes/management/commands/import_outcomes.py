from binhyen.core.spreadsheets.command import ImportCommand

from ...importers import import_files
from ...registers import SLUGS


class Command(ImportCommand):
    help = (
        "Import outcome registers (weapons surrendered, managed persons, returned emigrants, "
        "registration violations, illegal entries, mediations, outreach sessions, pledges, "
        "people's patrols) from CSV files and XLSX workbooks (docs/outcomes.md). All files "
        "are imported together, all or nothing."
    )
    import_files = staticmethod(import_files)
    kinds = SLUGS
    kind_option = "register"
    kind_help = "the register of CSV files and one-sheet workbooks (else detected)"
