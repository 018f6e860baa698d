"""The anonymous public channel (no sign-in): /tips/report/…"""

from django.urls import path

from ..views import public

urlpatterns = [
    path("report/", public.new, name="public-new"),
    path("report/communes/", public.commune_choices, name="public-communes"),
    path("report/areas/", public.area_choices, name="public-areas"),
    path("report/check/", public.check, name="public-check"),
    path("report/check/message/", public.message, name="public-message"),
    path("report/check/leave/", public.leave, name="public-leave"),
]
