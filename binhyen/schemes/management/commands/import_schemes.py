from binhyen.core.spreadsheets.command import ImportCommand

from ...importers import KINDS, import_files


class Command(ImportCommand):
    help = (
        "Import scheme types, host organisations, scheme points, groups, households and "
        "members from CSV files and XLSX workbooks (docs/import-formats-schemes.md). "
        "All files are imported together, all or nothing; re-importing changes nothing."
    )
    import_files = staticmethod(import_files)
    kinds = KINDS
