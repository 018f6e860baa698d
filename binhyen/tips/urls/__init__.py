"""Pages of tips and cases: the officers' pages, the public channel, spreadsheet import."""

from . import imports, officer, public

app_name = "tips"
urlpatterns = [*officer.urlpatterns, *public.urlpatterns, *imports.urlpatterns]
