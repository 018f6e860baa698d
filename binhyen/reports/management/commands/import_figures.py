from binhyen.core.spreadsheets.command import ImportCommand

from ...importers import KIND, import_files


class Command(ImportCommand):
    help = (
        "Import reported figures (totals published in past reports) from CSV files and XLSX "
        "workbooks (docs/reported-figures.md). All files are imported together, all or "
        "nothing; a figure of the same indicator, unit, period and breakdown is updated, so "
        "importing a file again changes nothing. Runs as the system (any unit)."
    )
    import_files = staticmethod(import_files)
    kinds = (KIND,)
    kind_help = "the kind of records (only 'figures')"
