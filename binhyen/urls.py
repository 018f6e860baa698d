from django.urls import include, path
from django.views.i18n import set_language

from binhyen.accounts.scoping import PUBLIC, scoping
from binhyen.accounts.views import LoginView, LogoutView
from binhyen.core.urls import health_urlpatterns

urlpatterns = [
    path("", include("binhyen.portal.urls")),
    path("geo/", include("binhyen.geo.urls")),
    path("schemes/", include("binhyen.schemes.urls")),
    path("tips/", include("binhyen.tips.urls")),
    path("outcomes/", include("binhyen.outcomes.urls")),
    path("certification/", include("binhyen.certification.urls")),
    path("awards/", include("binhyen.awards.urls")),
    path("reports/figures/", include("binhyen.reports.urls_figures")),
    path("reports/", include("binhyen.reports.urls")),
    path("audit/", include("binhyen.core.urls")),
    path("", include(health_urlpatterns)),  # GET /healthz/ for load balancers and benchmarks
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", scoping(PUBLIC)(set_language), name="set_language"),
    path("api/", include("binhyen.api.urls")),
]

# JSON under /api/, the usual pages elsewhere (binhyen/api/errors.py)
handler400 = "binhyen.api.errors.bad_request"
handler404 = "binhyen.api.errors.page_not_found"
handler500 = "binhyen.api.errors.server_error"
