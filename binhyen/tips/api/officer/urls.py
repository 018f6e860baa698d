"""The officers' tips and cases API (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CaseViewSet, TipFiguresView, TipViewSet

router = SimpleRouter()
router.register("tips", TipViewSet, basename="api-tip")
router.register("cases", CaseViewSet, basename="api-case")

urlpatterns = [
    *router.urls,
    path("tip-figures/", TipFiguresView.as_view(), name="api-tip-figures"),
]
