from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from binhyen.accounts.scoping import JURISDICTION, scoping

from .models import AuditAction
from .queries import audit_log_for, can_read_audit, search_audit


@scoping(JURISDICTION)
@login_required
def audit_log(request):
    """The searchable audit log, read-only, for auditors and administrators."""
    if not can_read_audit(request.user):
        raise PermissionDenied
    qs = search_audit(audit_log_for(request.user), request.GET.get("q", ""))
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        qs = qs.filter(action=action)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "q": request.GET.get("q", ""),
            "action": action,
            "actions": AuditAction.choices,
        },
    )
