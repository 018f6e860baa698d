from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from binhyen.accounts.scoping import PUBLIC


class SchemaView(SpectacularAPIView):
    scoping = PUBLIC


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script served as a file (no inline script: CSP)."""

    scoping = PUBLIC
