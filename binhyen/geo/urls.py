from django.urls import path

from . import views

app_name = "geo"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("children/<int:unit_id>/", views.children, name="children"),
    path("search/", views.search, name="search"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("edit/<int:unit_id>/attributes/", views.edit_attributes, name="edit-attributes"),
]
