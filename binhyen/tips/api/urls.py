"""The tips API: the officers' endpoints and the public (Open311) channel."""

from .officer.urls import urlpatterns as officer
from .public.urls import urlpatterns as public

urlpatterns = [*officer, *public]
