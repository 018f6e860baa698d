"""The certification API (binhyen/api/urls.py includes `binhyen.certification.api.urls`,
or calls `register(router)` on its own router)."""


def register(router) -> None:
    """Add /api/v1/certifications/ (list, read, create = register, POST {id}/steps/)."""
    from .views import CertificationViewSet

    router.register("certifications", CertificationViewSet, basename="api-certification")


__all__ = ["register"]
