"""The project's URLs with the awards pages and API, for these tests (until the lead wires
them into binhyen/urls.py and binhyen/api/urls.py; then nothing is added twice)."""

from django.urls import NoReverseMatch, include, path, reverse

from binhyen.urls import urlpatterns as project


def _wired(name: str) -> bool:
    try:
        reverse(name, urlconf="binhyen.urls")
    except NoReverseMatch:
        return False
    return True


urlpatterns = list(project)
if not _wired("awards:index"):
    urlpatterns.append(path("awards/", include("binhyen.awards.urls")))
if not _wired("api-award-form-list"):
    urlpatterns.append(path("api/v1/", include("binhyen.awards.api.urls")))
