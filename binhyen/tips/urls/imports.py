"""The spreadsheet import pages of tips and cases (views.imports)."""

from ..views.imports import pages

urlpatterns = pages.urls()
