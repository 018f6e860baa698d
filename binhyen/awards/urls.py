"""Pages of emulation and awards, under /awards/."""

from django.urls import path

from .views import catalogue, occasions, people

app_name = "awards"
urlpatterns = [
    path("", occasions.index, name="index"),
    path("catalogue/", catalogue.catalogue, name="catalogue"),
    path("catalogue/forms/new/", catalogue.form_edit, name="form-new"),
    path("catalogue/forms/<int:pk>/edit/", catalogue.form_edit, name="form-edit"),
    path("catalogue/authorities/new/", catalogue.authority_edit, name="authority-new"),
    path("catalogue/authorities/<int:pk>/edit/", catalogue.authority_edit, name="authority-edit"),
    path("occasions/new/", occasions.occasion_edit, name="occasion-new"),
    path("occasions/<int:pk>/", occasions.occasion_detail, name="occasion"),
    path("occasions/<int:pk>/edit/", occasions.occasion_edit, name="occasion-edit"),
    path("occasions/<int:pk>/propose/", occasions.propose, name="propose"),
    path("occasions/<int:pk>/conference/", occasions.conference, name="conference"),
    path("nominations/<int:pk>/", occasions.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/review/", occasions.nomination_review, name="nomination-review"),
    path("nominations/<int:pk>/decide/", occasions.nomination_decide, name="nomination-decide"),
    path("people/", people.person_list, name="people"),
    path("people/new/", people.person_edit, name="person-new"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    path("people/<int:pk>/edit/", people.person_edit, name="person-edit"),
]
