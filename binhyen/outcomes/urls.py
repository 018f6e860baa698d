"""Pages of the outcome registers, under /outcomes/."""

from django.urls import path

from .views import figures, imports, ledgers, managed

app_name = "outcomes"
urlpatterns = [
    path("", ledgers.index, name="index"),
    path("figures/", figures.figures, name="figures"),
    *imports.pages.urls(),  # import/, import/confirm/, import/jobs/<job>/, import/template.xlsx
    # managed persons (before the generic <slug:slug>)
    path("managed-persons/", managed.period_list, name="periods"),
    path("managed-persons/new/", managed.period_new, name="period-new"),
    path("managed-persons/periods/<int:pk>/edit/", managed.period_edit, name="period-edit"),
    path("managed-persons/periods/<int:pk>/delete/", managed.period_delete, name="period-delete"),
    path("managed-persons/<slug:code>/", managed.person_detail, name="person"),
    path("managed-persons/<slug:code>/reveal/", managed.person_reveal, name="person-reveal"),
    path("managed-persons/<slug:code>/identity/", managed.person_identity, name="person-identity"),
    path("managed-persons/<slug:code>/intake/", managed.person_intake, name="person-intake"),
    # every other register
    path("<slug:slug>/", ledgers.record_list, name="list"),
    path("<slug:slug>/new/", ledgers.record_new, name="new"),
    path("<slug:slug>/<int:pk>/edit/", ledgers.record_edit, name="edit"),
    path("<slug:slug>/<int:pk>/delete/", ledgers.record_delete, name="delete"),
]
