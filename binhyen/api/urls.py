"""The central API router: every app's API under /api/v1/, schema and docs beside it."""

from django.urls import include, path

from .views import DocsView, SchemaView

urlpatterns = [
    path("v1/", include("binhyen.geo.api.urls")),
    path("v1/", include("binhyen.geo.api.boundaries")),
    path("v1/", include("binhyen.schemes.api.urls")),
    path("v1/", include("binhyen.tips.api.urls")),
    path("v1/", include("binhyen.outcomes.api.urls")),
    path("v1/", include("binhyen.reports.api.urls")),
    path("v1/", include("binhyen.certification.api.urls")),
    path("v1/", include("binhyen.awards.api.urls")),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
]
