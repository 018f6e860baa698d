"""Spreadsheet imports, one mechanism for every app: `reading` streams CSV files and XLSX
workbooks as tables by an app's layout (`cells`: its columns and how a cell is read),
`tables` holds what an import reads and answers, `pages` the upload → check → confirm
pages, `command` the management commands. An app keeps only its layouts, its cell rules
and its import service (which checks and writes the tables, all or nothing)."""
