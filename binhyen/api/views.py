from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from binhyen.accounts.scoping import PUBLIC


class SchemaView(SpectacularAPIView):
    scoping = PUBLIC


class DocsView(SpectacularSwaggerView):
    scoping = PUBLIC
