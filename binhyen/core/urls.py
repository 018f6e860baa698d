from django.urls import path

from . import health, views

app_name = "core"
urlpatterns = [path("", views.audit_log, name="audit-log")]

# Mounted at the site root by binhyen/urls.py: `path("", include(health_urlpatterns))`
health_urlpatterns = [path("healthz/", health.healthz, name="healthz")]
