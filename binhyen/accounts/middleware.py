from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .jurisdiction import is_restricted
from .scoping import declared_scoping


class JurisdictionGuardMiddleware:
    """Safe by default: a view that does not declare its scoping serves only the
    unrestricted (system administrators); everybody else is refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if declared_scoping(view_func) is not None:
            return None
        user = request.user
        if user.is_authenticated and not is_restricted(user):
            return None
        message = _("This page does not declare how it limits data to your jurisdiction.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return render(request, "403.html", {"message": message}, status=403)
