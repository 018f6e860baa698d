from binhyen.core.spreadsheets.command import ImportCommand

from ...importers import KINDS, import_files


class Command(ImportCommand):
    help = (
        "Import a year's registrations for the certification “Safe for security and order” "
        "from CSV files and XLSX workbooks (docs/certification-files.md): one row per "
        "residential area, commune, agency, enterprise or school. All files are imported "
        "together, all or nothing; a subject already registered with the same values is "
        "left unchanged."
    )
    import_files = staticmethod(import_files)
    kinds = KINDS
    kind_help = "always 'registrations' (the only kind)"
