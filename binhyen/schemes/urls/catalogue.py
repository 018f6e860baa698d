from django.urls import path

from ..views import catalogue as views

urlpatterns = [
    path("types/", views.type_list, name="types"),
    path("types/new/", views.type_new, name="type-new"),  # before <slug:code>
    path("types/<slug:code>/", views.type_detail, name="type"),
    path("types/<slug:code>/edit/", views.type_edit, name="type-edit"),
    path("labels/", views.label_list, name="labels"),
]
