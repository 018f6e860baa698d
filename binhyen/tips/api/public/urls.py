"""The public tip API, Open311 GeoReport v2 style, under /api/v1/."""

from django.urls import path

from .views import RequestCreateView, RequestMessageView, RequestStatusView, ServiceListView

urlpatterns = [
    path("services/", ServiceListView.as_view(), name="api-open311-services"),
    path("requests/", RequestCreateView.as_view(), name="api-open311-requests"),
    path("requests/status/", RequestStatusView.as_view(), name="api-open311-request-status"),
    path("requests/messages/", RequestMessageView.as_view(), name="api-open311-request-messages"),
]
