"""What every registry endpoint shares: signed-in users only, jurisdiction declared,
service refusals turned into API errors (400 keyed by field, 409 for a stale edit)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from binhyen.accounts.permissions import DeclaredScoping
from binhyen.accounts.scoping import JURISDICTION
from binhyen.core.stale import STALE_DESCRIPTION
from binhyen.schemes import services

STALE = OpenApiResponse(description=STALE_DESCRIPTION)  # the 409 of an edit (core.stale)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Someone else saved this record since you read it. Reload it and retry.")
    default_code = "stale"


def api_exception(exc: Exception) -> Exception:
    """A service's refusal as the API shows it: a ValidationError keyed by field → 400
    with the same keys (translated messages); a stale edit → 409."""
    if isinstance(exc, DjangoValidationError):
        return DRFValidationError(as_serializer_error(exc))
    if isinstance(exc, services.StaleEdit):
        return Conflict()
    return exc


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not change records of this unit."))


class RegistryView:
    """Signed-in users only; every query scoped to the user's jurisdiction."""

    scoping = JURISDICTION
    permission_classes = [IsAuthenticated, DeclaredScoping]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def handle_exception(self, exc):
        return super().handle_exception(api_exception(exc))

    def write_serializer(self, serializer_class, instance=None, partial=False, **context):
        serializer = serializer_class(
            instance,
            data=self.request.data,
            partial=partial,
            context={**self.get_serializer_context(), **context},
        )
        serializer.is_valid(raise_exception=True)
        return serializer


def created(data) -> Response:
    return Response(data, status=status.HTTP_201_CREATED)
