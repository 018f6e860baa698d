from django.urls import path

from ..views import structure as views

urlpatterns = [
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_new, name="group-new"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/households/", views.group_join, name="group-join"),
    path(
        "groups/<int:pk>/households/<int:membership_pk>/leave/",
        views.group_leave,
        name="group-leave",
    ),
    path("groups/<int:pk>/members/", views.group_member_add, name="group-member-add"),
    path(
        "groups/<int:pk>/members/<int:member_pk>/end/",
        views.group_member_end,
        name="group-member-end",
    ),
    path("groups/<int:pk>/dissolve/", views.group_dissolve, name="group-dissolve"),
    path("households/", views.household_list, name="households"),
    path("bodies/", views.body_list, name="bodies"),
    path("bodies/<slug:kind>/<int:pk>/dissolve/", views.body_dissolve, name="body-dissolve"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_new, name="team-new"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/members/", views.team_member_add, name="team-member-add"),
    path(
        "teams/<int:pk>/members/<int:member_pk>/end/",
        views.team_member_end,
        name="team-member-end",
    ),
    path("teams/<int:pk>/dissolve/", views.team_dissolve, name="team-dissolve"),
    path("areas/options/", views.area_options, name="area-options"),
]
