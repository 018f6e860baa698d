"""Pages of the certification "An toàn về an ninh, trật tự", under /certification/."""

from django.urls import path

from .views import criteria, exports, files, pages, public

app_name = "certification"
urlpatterns = [
    path("", pages.overview, name="index"),
    path("list/", pages.certification_list, name="list"),
    path("register/<slug:kind>/", pages.register, name="register"),
    path("<int:pk>/", pages.detail, name="detail"),
    path("<int:pk>/self-assessment/", pages.self_assess, name="self-assess"),
    path("<int:pk>/step/", pages.record_step, name="step"),
    path("<int:pk>/decision/", pages.decide, name="decide"),
    path("<int:pk>/steps/<int:step>/file/", files.step_file, name="step-file"),
    path("<int:pk>/results/<int:result>/file/", files.result_file, name="result-file"),
    # criteria sets
    path("criteria/", criteria.set_list, name="criteria"),
    path("criteria/new/", criteria.set_new, name="criteria-new"),
    path("criteria/<int:pk>/", criteria.set_detail, name="criteria-set"),
    path("criteria/<int:pk>/edit/", criteria.set_edit, name="criteria-edit"),
    path("criteria/<int:pk>/copy/", criteria.set_copy, name="criteria-copy"),
    path("criteria/<int:pk>/delete/", criteria.set_delete, name="criteria-delete"),
    path("criteria/<int:pk>/add/", criteria.criterion_add, name="criterion-add"),
    path("criteria/<int:pk>/<int:criterion>/edit/", criteria.criterion_edit, name="criterion-edit"),
    path(
        "criteria/<int:pk>/<int:criterion>/remove/",
        criteria.criterion_remove,
        name="criterion-remove",
    ),
    # certificate, public check, lists and import (views/exports.py, views/public.py)
    path("<int:pk>/certificate.pdf", exports.certificate_pdf, name="certificate"),
    path("verify/", public.verify, name="verify"),
    path("lists.xlsx", exports.lists_xlsx, name="lists-xlsx"),
    *exports.pages.urls(),  # import/, import/confirm/, import/jobs/<job>/, import/template.xlsx
]
