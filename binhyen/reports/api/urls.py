from django.urls import path
from rest_framework.routers import SimpleRouter

from .figures import register
from .review import ReviewView

router = SimpleRouter()
register(router)

urlpatterns = [
    *router.urls,
    path("review/", ReviewView.as_view(), name="api-review"),
]
