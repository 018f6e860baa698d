"""XLSX export of any filtered list of the registry (owned by the import/export work).

Interface used by the list pages: `xlsx_response(kind, queryset)` with kind one of
"types", "hosts", "points", "groups"; the columns are those of the import layout of the
same kind, so an exported file can be corrected and imported back.
"""

from django.http import HttpResponse
from django.db.models import QuerySet


def xlsx_response(kind: str, queryset: QuerySet) -> HttpResponse:
    raise NotImplementedError("being written")
