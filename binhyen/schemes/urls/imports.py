from ..views.imports import pages

urlpatterns = pages.urls()
