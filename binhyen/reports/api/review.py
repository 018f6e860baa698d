"""The review through the API: the stable JSON format (docs/review-format.md), or a
document with `document=xlsx|docx|pdf|html`."""

import logging

from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from binhyen.core.db_router import reads_from_replica
from binhyen.schemes.api.views.base import RegistryView

from .. import output
from ..choices import ReviewKind
from ..documents import DocumentUnavailable
from ..review import build_review
from ..review_form import ReviewForm

DOCUMENTS = [f for f in output.FORMATS if f != "json"]
# the JSON review, or a file in the content type of its format
RESPONSES = {
    (200, "application/json"): OpenApiTypes.OBJECT,
    **{(200, output.CONTENT_TYPES[d].split(";")[0]): OpenApiTypes.BINARY for d in DOCUMENTS},
    503: OpenApiResponse(description="This server cannot produce this format (PDF without Pango)."),
}


class Unavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE


class ReviewView(RegistryView, APIView):
    """The review of a unit (default: your own; the whole country for administrators)
    over a period, under the structure of a date (default today), within your
    jurisdiction: every indicator from records and reported figures, the previous
    period, breakdowns, broken validation rules and the sources of reported figures."""

    http_method_names = ["get", "head", "options"]

    @extend_schema(
        tags=["reports"],
        parameters=[
            OpenApiParameter("unit", str, description="unit code under the structure date"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="period start"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="period end (default today)"),
            OpenApiParameter("structure_date", OpenApiTypes.DATE),
            OpenApiParameter("kind", str, enum=ReviewKind.values),
            OpenApiParameter("document", str, enum=DOCUMENTS, description="a file instead"),
        ],
        responses=RESPONSES,
    )
    @method_decorator(reads_from_replica)
    def get(self, request):
        q = request.query_params
        form = ReviewForm(
            {
                "unit": q.get("unit", ""),
                "start": q.get("from", ""),
                "end": q.get("to", ""),
                "structure_on": q.get("structure_date", ""),
                "kind": q.get("kind", ""),
            },
            user=request.user,
        )
        document = q.get("document", "")
        if document and document not in DOCUMENTS:
            raise serializers.ValidationError(
                {"document": [_("Choose one of: %(formats)s.") % {"formats": ", ".join(DOCUMENTS)}]}
            )
        if not form.is_valid():
            names = {"start": "from", "end": "to", "structure_on": "structure_date"}
            raise serializers.ValidationError(
                {names.get(k, k): [str(e) for e in v] for k, v in form.errors.items()}
            )
        data = form.cleaned_data
        review = build_review(
            data["unit_obj"],
            data["start"],
            data["end"],
            data.get("structure_on"),
            user=request.user,
            kind=data["kind"],
        )
        if not document:
            return Response(review)
        try:
            body = output.render(review, document)
        except DocumentUnavailable as exc:  # the cause (library paths) goes to the log only
            logging.getLogger(__name__).error("review document unavailable: %s", exc)
            raise Unavailable(_("This server cannot produce this format.")) from exc
        response = HttpResponse(body, content_type=output.CONTENT_TYPES[document])
        response["Content-Disposition"] = (
            f'attachment; filename="{output.filename(review, document)}"'
        )
        return response
