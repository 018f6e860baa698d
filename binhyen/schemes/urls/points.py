from django.urls import path

from ..views import points as views

urlpatterns = [
    path("", views.point_list, name="list"),
    path("new/", views.point_new, name="new"),
    path("map/", views.point_map, name="map"),
    path("map/points.json", views.point_map_data, name="map-data"),
    path("<int:pk>/", views.point_detail, name="point"),
    path("<int:pk>/edit/", views.point_edit, name="edit"),
    path("<int:pk>/event/", views.point_event, name="event"),
    path("<int:pk>/grade/", views.point_grade, name="grade"),
    path("<int:pk>/recognize/", views.point_recognize, name="recognize"),
]
