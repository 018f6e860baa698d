from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import BadRequest

from .audit import AuditContext, _context


def client_ip(request) -> str | None:
    """The client's address; X-Forwarded-For is trusted only behind a declared proxy."""
    if getattr(settings, "TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Every change made while serving a request is attributed to it (one request id)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "web"
        token = _context.set(AuditContext(actor=request.user, ip=client_ip(request), source=source))
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)


def ratelimit_ip(request) -> str:
    """The address rate limits count (settings.RATELIMIT_IP_META_KEY)."""
    return client_ip(request) or "0.0.0.0"


class NullCharacterMiddleware:
    """PostgreSQL cannot store or compare text holding a NUL character: an address that
    carries one (in its path or its query) is refused with 400 before any query sees it,
    on pages as in the API (forms and serializers refuse NUL in bodies themselves)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)
