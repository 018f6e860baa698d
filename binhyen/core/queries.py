from django.db.models import Q, QuerySet

from .models import AuditEntry


def can_read_audit(user) -> bool:
    from binhyen.accounts.choices import Role
    from binhyen.accounts.jurisdiction import jurisdiction_of

    scope = jurisdiction_of(user)
    return scope.unrestricted or Role.AUDITOR in scope.roles


def audit_log_for(user) -> QuerySet[AuditEntry]:
    """Audit entries an auditor may read: those of units in their jurisdiction
    (system administrators read everything)."""
    from binhyen.accounts.choices import Role
    from binhyen.accounts.jurisdiction import jurisdiction_of, restrict

    if not can_read_audit(user):
        return AuditEntry.objects.none()
    if jurisdiction_of(user).unrestricted:
        return AuditEntry.objects.all()
    return restrict(AuditEntry.objects.all(), user, "unit_id", roles={Role.AUDITOR})


def audit_entries_for(user, obj) -> QuerySet[AuditEntry]:
    """The history of one object, if the user may read the audit log."""
    from binhyen.geo.models import AdminUnit

    entries = audit_log_for(user).filter(model=obj._meta.label_lower, object_id=str(obj.pk))
    if isinstance(obj, AdminUnit):
        entries |= audit_log_for(user).filter(unit_id=obj.pk, model="geo.unitversion")
    return entries


def search_audit(qs: QuerySet[AuditEntry], text: str) -> QuerySet[AuditEntry]:
    text = text.strip()
    if not text:
        return qs
    return qs.filter(
        Q(object_repr__icontains=text)
        | Q(actor_label__icontains=text)
        | Q(model__icontains=text)
        | Q(summary__icontains=text)
        | Q(request_id=text)
        | Q(object_id=text)
    )
