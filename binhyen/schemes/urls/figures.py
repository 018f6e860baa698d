from django.urls import path

from ..views import figures

urlpatterns = [path("figures/", figures.figures, name="figures")]
