from django.urls import path

from .views import UnitDetailView, UnitListView

urlpatterns = [
    path("units/", UnitListView.as_view(), name="api-unit-list"),
    path("units/<str:code>/", UnitDetailView.as_view(), name="api-unit-detail"),
]
