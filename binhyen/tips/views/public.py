"""The anonymous public channel: residents send a tip without signing in, get a code and
a passphrase shown once, and come back with them to read the status and talk to the
police handling it.

What is kept, and what is not:
- the writes run under `audit_context(actor=None, ip=None, source="public")`: the audit
  entries of a public tip carry neither the visitor's address nor a signed-in account;
- the receipt (code and passphrase) is rendered in the POST response itself with
  `Cache-Control: no-store`: never in an address, never in the session;
- a resident who opened a tip stays on it for the visit: its id is kept in the session
  (expiring when the browser closes), and "leave" forgets it;
- rate-limit counters live in the cache only (hashed keys, expiring windows).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import get_usage

from binhyen.accounts.scoping import PUBLIC, scoping
from binhyen.core.audit import audit_context
from binhyen.core.forms import apply_service_errors
from binhyen.core.middleware import client_ip

from .. import services
from ..choices import Author, Status
from ..forms.public import CheckForm, MessageForm, PublicTipForm
from ..models import Tip
from ..services import codes
from ..services.tips import InformantData

SESSION_KEY = "tips.public.tip"
SERVICE_FIELDS = {"unit": "commune", "attachments": "photos"}

# ---- what a resident is told about the status -------------------------------------------


class PublicStatus(models.TextChoices):
    """The status in plain words. The assessment (actionable or not) stays with the
    police: both read "handled"."""

    RECEIVED = "received", gettext_lazy("Received")
    VERIFYING = "verifying", gettext_lazy("Being verified")
    HANDLED = "handled", gettext_lazy("Handled")
    REFERRED = "referred", gettext_lazy("Passed to another police unit")
    CLOSED = "closed", gettext_lazy("Closed")


EXPLANATIONS = {
    PublicStatus.RECEIVED: gettext_lazy(
        "The police have received your tip and will look at it soon."
    ),
    PublicStatus.VERIFYING: gettext_lazy("The police are checking the information you gave."),
    PublicStatus.HANDLED: gettext_lazy(
        "The police have checked the information and taken the steps they judged right."
    ),
    PublicStatus.REFERRED: gettext_lazy(
        "Your tip has been passed to the police unit responsible for the place."
    ),
    PublicStatus.CLOSED: gettext_lazy(
        "The police have finished with this tip. Thank you for your help."
    ),
}
_OF_STATUS = {
    Status.RECEIVED: PublicStatus.RECEIVED,
    Status.VERIFYING: PublicStatus.VERIFYING,
    Status.ACTIONABLE: PublicStatus.HANDLED,
    Status.NOT_ACTIONABLE: PublicStatus.HANDLED,
    Status.REFERRED: PublicStatus.REFERRED,
    Status.CLOSED: PublicStatus.CLOSED,
}


def public_status(tip: Tip) -> PublicStatus:
    return _OF_STATUS[Status(tip.status)]


def last_update(tip: Tip):
    """When the tip last changed for the resident: a status change or a message."""
    latest = tip.messages.aggregate(at=Max("sent_at"))["at"]
    return max(tip.updated_at, latest) if latest else tip.updated_at


def public_audit():
    """The audit context of every write from the public channel: no account, no address."""
    return audit_context(actor=None, ip=None, source="public")


# ---- rate limits (counters in the cache only) -------------------------------------------


@dataclass(frozen=True)
class Limit:
    group: str
    setting: str
    default: str

    @property
    def rate(self) -> str:
        return getattr(settings, self.setting, self.default)


SUBMIT = Limit("tips.public.submit", "PUBLIC_TIP_SUBMIT_RATE", "10/h")
TRY_ADDRESS = Limit("tips.public.try", "PUBLIC_TIP_TRY_RATE", "5/15m")
TRY_CODE = Limit("tips.public.try-code", "PUBLIC_TIP_CODE_RATE", "10/h")
MESSAGE = Limit("tips.public.message", "PUBLIC_TIP_MESSAGE_RATE", "20/h")


def address_of(request) -> str:
    """The client's network for counting (an IPv6 /64 counts as one address)."""
    raw = client_ip(request) or ""
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    prefix = 64 if ip.version == 6 else 32
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def _usage(request, limit: Limit, value: str, increment: bool) -> dict | None:
    return get_usage(
        request,
        group=limit.group,
        key=lambda _group, _request: value,
        rate=limit.rate,
        increment=increment,
    )


def exhausted(request, limit: Limit, value: str) -> bool:
    """True once the window's allowance has been used up (nothing counted here)."""
    usage = _usage(request, limit, value, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def spend(request, limit: Limit, value: str) -> None:
    _usage(request, limit, value, increment=True)


def code_key(code: str) -> str:
    return codes.normalize(code)


TOO_MANY_TRIES = gettext_lazy(
    "Too many attempts. For your safety, wait a quarter of an hour and try again."
)
TOO_MANY_TIPS = gettext_lazy(
    "Too many tips have been sent from this connection. Wait an hour and try again, or "
    "call the police."
)
TOO_MANY_MESSAGES = gettext_lazy("Too many messages. Wait a while and try again.")
WRONG_CODE = gettext_lazy("The tip code or the passphrase is not right. Check both and try again.")


# ---- sending a tip --------------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


def contact_of(full_name: str, phone: str) -> InformantData | None:
    data = InformantData(full_name=full_name.strip(), contact=phone.strip())
    return data or None


@scoping(PUBLIC)
@require_http_methods(["GET", "HEAD", "POST"])
def new(request):
    """The tip form; on success, the receipt, shown once in this response."""
    if request.method != "POST":
        return render(request, "tips/public_new.html", {"form": PublicTipForm()})
    if "refresh" in request.POST:  # without JavaScript: reload the place choices
        form = PublicTipForm(initial=request.POST.dict())
        return _private(render(request, "tips/public_new.html", {"form": form}))
    form = PublicTipForm(request.POST, request.FILES)
    address = address_of(request)
    if exhausted(request, SUBMIT, address):
        form.is_valid()
        form.errors.clear()
        form.add_error(None, str(TOO_MANY_TIPS))
        return _private(render(request, "tips/public_new.html", {"form": form}, status=429))
    if form.is_valid():
        data = form.cleaned_data
        try:
            with public_audit():
                receipt = services.submit_public_tip(
                    category=data["category"],
                    unit=form.place(),
                    description=data["description"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    contact=contact_of(data["full_name"], data["phone"]),
                    photos=data["photos"],
                )
        except ValidationError as exc:
            apply_service_errors(form, exc, rename=SERVICE_FIELDS)
        else:
            spend(request, SUBMIT, address)
            context = {
                "code": receipt.code,
                "passphrase": receipt.passphrase,
                "code_groups": receipt.code.split("-"),
                "passphrase_groups": receipt.passphrase.split("-"),
                "commune": receipt.tip.handling_unit,
                "anonymous": receipt.tip.is_anonymous,
                "photos": len(data["photos"]),
            }
            return _private(render(request, "tips/public_receipt.html", context))
    return _private(render(request, "tips/public_new.html", {"form": form}))


@scoping(PUBLIC)
@require_GET
def commune_choices(request):
    """HTMX: the commune select for the province chosen (and an emptied area select)."""
    form = PublicTipForm(initial={"province": request.GET.get("province", "")})
    return render(request, "tips/public_commune_field.html", {"form": form, "oob": True})


@scoping(PUBLIC)
@require_GET
def area_choices(request):
    """HTMX: the residential-area select for the commune chosen."""
    form = PublicTipForm(initial={"commune": request.GET.get("commune", "")})
    return render(request, "tips/public_area_field.html", {"form": form})


# ---- coming back with the code and passphrase ------------------------------------------


def session_tip(request) -> Tip | None:
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return Tip.objects.filter(pk=pk, is_public=True).select_related("handling_unit").first()


def _status_page(request, tip: Tip, form: MessageForm | None = None, status: int = 200):
    shown = public_status(tip)
    context = {
        "tip": tip,
        "public_status": shown.value,
        "status_label": shown.label,
        "status_explanation": EXPLANATIONS[shown],
        "updated": last_update(tip),
        "thread": list(tip.messages.order_by("sent_at", "pk")),
        "photos": tip.attachments.count(),
        "can_write": tip.status != Status.CLOSED,
        "form": form or MessageForm(),
        "RESIDENT": Author.RESIDENT,
    }
    return _private(render(request, "tips/public_status.html", context, status=status))


def _check_page(request, form: CheckForm, status: int = 200):
    return _private(render(request, "tips/public_check.html", {"form": form}, status=status))


@scoping(PUBLIC)
@require_http_methods(["GET", "HEAD", "POST"])
def check(request):
    """GET: the tip opened during this visit, or the form. POST: open a tip with its
    code and passphrase (never read from the address: a GET carrying them is ignored)."""
    if request.method != "POST":
        tip = session_tip(request)
        return _status_page(request, tip) if tip else _check_page(request, CheckForm())
    form = CheckForm(request.POST)
    address = address_of(request)
    if exhausted(request, TRY_ADDRESS, address):
        return _too_many(request, form)
    if not form.is_valid():
        return _check_page(request, form)
    code = code_key(form.cleaned_data["code"])
    if exhausted(request, TRY_CODE, code):
        return _too_many(request, form)
    tip = services.open_public_tip(code, form.cleaned_data["passphrase"])
    if tip is None:
        spend(request, TRY_ADDRESS, address)
        spend(request, TRY_CODE, code)
        form.add_error(None, str(WRONG_CODE))
        return _check_page(request, _forget_passphrase(form))
    request.session.cycle_key()
    request.session[SESSION_KEY] = tip.pk
    return redirect("tips:public-check")


def _forget_passphrase(form: CheckForm) -> CheckForm:
    """The form shown again keeps the code typed, never the passphrase."""
    form.data = form.data.copy()
    form.data["passphrase"] = ""
    return form


def _too_many(request, form: CheckForm):
    form.is_valid()
    form.errors.clear()
    form.add_error(None, str(TOO_MANY_TRIES))
    return _check_page(request, _forget_passphrase(form), status=429)


@scoping(PUBLIC)
@require_POST
def message(request):
    """The resident writes to the police about the tip opened during this visit."""
    tip = session_tip(request)
    if tip is None:
        return redirect("tips:public-check")
    form = MessageForm(request.POST)
    address = address_of(request)
    if exhausted(request, MESSAGE, address):
        form.add_error(None, str(TOO_MANY_MESSAGES))
        return _status_page(request, tip, form, status=429)
    if form.is_valid():
        try:
            with public_audit():
                services.resident_message(tip, form.cleaned_data["body"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            spend(request, MESSAGE, address)
            messages.success(request, _("Your message has been sent."))
            return redirect("tips:public-check")
    return _status_page(request, tip, form)


@scoping(PUBLIC)
@require_POST
def leave(request):
    """Forget the tip opened during this visit."""
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    return redirect("tips:public-check")
