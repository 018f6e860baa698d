"""The public check of a certificate (no sign-in): a code, typed or carried in the
address (?code=, as the certificate's QR code does), is answered "genuine, for this
subject, unit, year and decision" or "no certificate bears this code".

What it reveals, and what not:
- only what the certificate itself prints (the subject, its type, its commune and
  province, the year, the decision's number, date and authority, the issue date);
  never the households, the criteria, the steps, ids, nor who did what;
- a certification that is not (or no longer) certified answers exactly like an unknown
  code: one query, one template, whatever the code;
- codes are random (services.codes) and every check counts against the address's
  allowance (CERTIFICATE_CHECK_RATE, counters in the cache only, as the tips channel).
"""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from binhyen.accounts.scoping import PUBLIC, scoping
from binhyen.tips.views.public import Limit, address_of, exhausted, spend

from ..certificates import Certificate, certificate_of
from ..choices import Status
from ..models import Certification
from ..services.codes import normalize_code

CHECK = Limit("certification.public.check", "CERTIFICATE_CHECK_RATE", "30/h")
MAX_CODE = 64
TOO_MANY_CHECKS = _("Too many checks from this connection. Wait a while and try again.")


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=MAX_CODE,
        help_text=_("As printed under the QR code of the certificate, e.g. 7KQ2-M9XD-4H0T."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Type the code printed on the certificate."))
        return code


def genuine(code: str) -> Certificate | None:
    """The facts of the certificate bearing `code`, or None (unknown, or not certified):
    one query either way."""
    found = (
        Certification.objects.filter(certificate_code=code, status=Status.CERTIFIED)
        .select_related("unit", "organization", "organization__commune")
        .first()
    )
    return certificate_of(found) if found is not None else None


def verify_url(request, code: str = "") -> str:
    """The absolute address of the check page (with the code), as certificates print it."""
    url = request.build_absolute_uri(reverse("certification:verify"))
    return f"{url}?code={code}" if code else url


@scoping(PUBLIC)
@require_GET
def verify(request):
    """The check form; with a code, the answer below it."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    context = {"form": form, "checked": False, "certificate": None}
    status = 200
    if form.is_bound and form.is_valid():
        address = address_of(request)
        if exhausted(request, CHECK, address):
            form.add_error(None, str(TOO_MANY_CHECKS))
            status = 429
        else:
            spend(request, CHECK, address)
            context["checked"] = True
            context["code"] = form.cleaned_data["code"]
            context["certificate"] = genuine(form.cleaned_data["code"])
    response = render(request, "certification/verify.html", context, status=status)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
