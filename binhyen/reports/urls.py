from django.urls import path

from .views import quality, review

app_name = "reports"

urlpatterns = [
    path("", review.review, name="review"),
    path("download/<str:fmt>/", review.download, name="download"),
    path("issue/", review.issue, name="issue"),
    path("issued/", review.issued_list, name="issued-list"),
    path("issued/<int:pk>/", review.issued_detail, name="issued-detail"),
    path("issued/<int:pk>/<str:fmt>/", review.issued_download, name="issued-download"),
    path("quality/", quality.quality, name="quality"),
]
