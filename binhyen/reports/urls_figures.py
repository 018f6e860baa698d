"""Pages of reported figures; the project includes them under /reports/figures/."""

from django.urls import path

from .views import figures

app_name = "reported_figures"
urlpatterns = [
    path("", figures.figure_list, name="list"),
    path("new/", figures.figure_new, name="new"),
    path("<int:pk>/edit/", figures.figure_edit, name="edit"),
    path("<int:pk>/delete/", figures.figure_delete, name="delete"),
    *figures.pages.urls(),  # import/, import/confirm/, import/jobs/<job>/, import/template.xlsx
]
