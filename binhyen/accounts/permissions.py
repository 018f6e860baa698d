from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .jurisdiction import is_restricted
from .scoping import declared_scoping


class DeclaredScoping(BasePermission):
    """The API side of the guard: endpoints without a declared scoping are refused to
    restricted users (the middleware does the same for every view)."""

    message = _("This endpoint does not declare how it limits data to your jurisdiction.")

    def has_permission(self, request, view) -> bool:
        if declared_scoping(view) is not None:
            return True
        return request.user.is_authenticated and not is_restricted(request.user)
