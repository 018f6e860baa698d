from binhyen.core.spreadsheets.command import ImportCommand

from ...importers import KINDS, import_files


class Command(ImportCommand):
    help = (
        "Import tips, cases, suspects and seized items from CSV files and XLSX workbooks "
        "(docs/tips.md). All files are imported together, all or nothing; re-importing "
        "changes nothing. Informants' names and contacts are encrypted as they are stored."
    )
    import_files = staticmethod(import_files)
    kinds = KINDS
