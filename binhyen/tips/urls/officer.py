"""The officers' pages of tips and cases (views.tips, views.cases)."""

from django.urls import path

from ..views import cases, tips

urlpatterns = [
    path("", tips.tip_list, name="list"),
    path("queue/", tips.queue, name="queue"),
    path("new/", tips.tip_new, name="new"),
    path("<int:pk>/", tips.tip_detail, name="detail"),
    path("<int:pk>/status/", tips.tip_status, name="status"),
    path("<int:pk>/refer/", tips.tip_refer, name="refer"),
    path("<int:pk>/acknowledge/", tips.tip_acknowledge, name="acknowledge"),
    path("<int:pk>/duplicate/", tips.tip_duplicate, name="duplicate"),
    path("<int:pk>/assign/", tips.tip_assign, name="assign"),
    path("<int:pk>/reveal/", tips.tip_reveal, name="reveal"),
    path("<int:pk>/reply/", tips.tip_reply, name="reply"),
    path("<int:pk>/attachments/", tips.tip_attach, name="attach"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        tips.tip_attachment,
        name="attachment",
    ),
    path("cases/", cases.case_list, name="cases"),
    path("cases/new/", cases.case_new, name="case-new"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case-edit"),
    path("cases/<int:pk>/suspects/", cases.case_suspect, name="case-suspect"),
    path("cases/<int:pk>/arrests/", cases.case_arrest, name="case-arrest"),
    path("cases/<int:pk>/items/", cases.case_item, name="case-item"),
    path("cases/<int:pk>/tips/", cases.case_link, name="case-link"),
]
