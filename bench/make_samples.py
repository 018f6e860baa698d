"""Write the XLSX samples of docs/samples from the CSV samples (one workbook per kind and
registry.xlsx with every sheet), with the cell formats of the app's exports: codes as
text, dates as date cells, numbers as numbers.

    DEBUG=1 .venv/bin/python bench/make_samples.py
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "docs" / "samples"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhyen.settings.base")
    import django

    django.setup()
    from openpyxl import Workbook

    from binhyen.schemes.exports import write_sheet
    from binhyen.schemes.importers.columns import BOOL, COLUMNS, DATE, DECIMAL, INT, parse_cell
    from binhyen.schemes.services.imports import KINDS

    typed = {DATE, INT, DECIMAL, BOOL}
    sheets = {}
    for kind in KINDS:
        with (SAMPLES / f"{kind}.csv").open(encoding="utf-8-sig", newline="") as fh:
            header, *rows = list(csv.reader(fh))
        columns = {c.name: c for c in COLUMNS[kind]}
        assert header == list(columns), (kind, header)
        sheets[kind] = [
            [
                parse_cell(columns[name], cell) if columns[name].type in typed else cell
                for name, cell in zip(header, row, strict=True)
            ]
            for row in rows
        ]
    for kind, rows in sheets.items():
        book = Workbook(write_only=True)
        write_sheet(book, kind, rows)
        book.save(SAMPLES / f"{kind}.xlsx")
    book = Workbook(write_only=True)
    for kind, rows in sheets.items():
        write_sheet(book, kind, rows)
    book.save(SAMPLES / "registry.xlsx")
    print(f"wrote {len(sheets) + 1} workbooks to {SAMPLES}")


if __name__ == "__main__":
    main()
