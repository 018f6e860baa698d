"""The spreadsheet import page of tips and cases (views.imports)."""

from django.urls import path

from ..views import imports

urlpatterns = [
    path("import/", imports.import_page, name="import"),
    path("import/confirm/", imports.import_confirm, name="import-confirm"),
    path("import/jobs/<str:job>/", imports.import_job, name="import-job"),
    path("import/template.xlsx", imports.import_template, name="import-template"),
]
