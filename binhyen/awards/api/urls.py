from rest_framework.routers import SimpleRouter

from .views import register

router = SimpleRouter()
register(router)

urlpatterns = router.urls
