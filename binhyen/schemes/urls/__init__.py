"""Pages of the registry. Each area of pages keeps its own URL list in this package."""

from . import catalogue, figures, hosts, imports, points, structure

app_name = "schemes"
urlpatterns = [
    *points.urlpatterns,
    *catalogue.urlpatterns,
    *hosts.urlpatterns,
    *structure.urlpatterns,
    *imports.urlpatterns,
    *figures.urlpatterns,
]
