from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from .scoping import PUBLIC


class LoginView(auth_views.LoginView):
    """Django's login with a limit on attempts per username and per address."""

    scoping = PUBLIC
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        limited = any(
            is_ratelimited(
                request,
                group="login",
                key=key,
                rate=settings.LOGIN_RATE,
                method="POST",
                increment=True,
            )
            for key in ("ip", "post:username")
        )
        if limited:
            form = self.get_form()
            form.is_valid()  # keeps what was typed; the error below replaces the result
            form.errors.clear()
            form.add_error(None, _("Too many sign-in attempts. Wait a few minutes and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    scoping = PUBLIC
