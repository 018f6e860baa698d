from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import VIEWSETS, PeriodViewSet, TotalsView

router = SimpleRouter()
router.register("outcomes/managed-persons", PeriodViewSet, basename="api-outcome-managed-persons")
for slug, viewset in VIEWSETS.items():
    router.register(f"outcomes/{slug}", viewset, basename=f"api-outcome-{slug}")

urlpatterns = [
    *router.urls,
    path("outcome-totals/", TotalsView.as_view(), name="api-outcome-totals"),
]
