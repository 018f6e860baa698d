from rest_framework.routers import SimpleRouter

from . import register

router = SimpleRouter()
register(router)

urlpatterns = [*router.urls]
