"""Audit machinery: every save and delete of a registered model writes an AuditEntry.

The entry is written by signal handlers inside the same transaction as the change, so
a rolled-back change leaves no audit row and a committed change always has one. Who and
from where come from the audit context: the middleware sets it per request, commands
and the demo set it with `audit_context(...)`. Bulk writes (imports) that bypass signals
call `record_bulk` with a summary.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save

from .models import AuditAction, AuditEntry


@dataclass(frozen=True)
class AuditContext:
    actor: Any = None
    ip: str | None = None
    source: str = "system"
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)


_context: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)

# model class → function returning the AdminUnit id an object belongs to (for scoping)
_registry: dict[type[models.Model], Callable[[Any], int | None]] = {}


def current() -> AuditContext:
    return _context.get() or AuditContext()


@contextmanager
def audit_context(
    actor: Any = None, ip: str | None = None, source: str = "command"
) -> Iterator[AuditContext]:
    ctx = AuditContext(actor=actor, ip=ip, source=source)
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def register(unit_of: Callable[[Any], int | None] | None = None):
    """Class decorator: audit every save and delete of this model."""

    def decorate(model: type[models.Model]) -> type[models.Model]:
        _registry[model] = unit_of or (lambda obj: None)
        return model

    return decorate


# Fields never copied into the log: a password is replaced by a short fingerprint of its
# hash (a change shows, the secret does not); the time of the last sign-in is no change.
_SKIPPED = {"last_login"}
_SECRETS = {"password", "passphrase_hash"}


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's concrete field values as JSON-safe data (passwords never included)."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in _SKIPPED:
            continue
        if f.name in _SECRETS:
            value = f.value_from_object(obj) or ""
            data[f"{f.name}_fingerprint"] = hashlib.sha256(value.encode()).hexdigest()[:12]
            continue
        value = f.value_from_object(obj)
        if isinstance(value, FieldFile):
            value = value.name or ""
        data[f.attname] = DjangoJSONEncoder().default(value) if _needs_encoding(value) else value
    return data


def _needs_encoding(value: Any) -> bool:
    return value is not None and not isinstance(value, str | int | float | bool | list | dict)


def _context_fields() -> dict[str, Any]:
    """Who, from where and in which request: the same on every entry."""
    ctx = current()
    actor = ctx.actor
    known = actor is not None and getattr(actor, "is_authenticated", False)
    return {
        "actor": actor if known else None,
        "actor_label": actor.get_username() if known else "",
        "ip": ctx.ip,
        "request_id": ctx.request_id,
        "source": ctx.source,
    }


def _object_fields(obj: models.Model) -> dict[str, Any]:
    return {
        "model": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:255],
    }


def _write(action: str, obj: models.Model, before: Any, after: Any, unit_id: int | None) -> None:
    AuditEntry.objects.create(
        **_context_fields(),
        **_object_fields(obj),
        action=action,
        unit_id=unit_id,
        before=before,
        after=after,
    )


def record_bulk(
    model: type[models.Model], summary: str, unit_id: int | None = None, **details: Any
) -> AuditEntry:
    """One entry for a bulk write that bypassed the per-object signals."""
    return AuditEntry.objects.create(
        **_context_fields(),
        action=AuditAction.BULK,
        model=model._meta.label_lower,
        unit_id=unit_id,
        after=details or None,
        summary=summary,
    )


def record_access(obj: models.Model, reason: str, unit_id: int | None = None) -> AuditEntry:
    """An access to confidential data (who looked, why)."""
    return AuditEntry.objects.create(
        **_context_fields(),
        **_object_fields(obj),
        action=AuditAction.ACCESS,
        unit_id=unit_id,
        summary=reason,
    )


def _on_pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _on_post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return  # a save that changed nothing is not a change
    action = AuditAction.CREATE if created else AuditAction.UPDATE
    _write(action, instance, before, after, _registry[sender](instance))


def _on_post_delete(sender, instance, **kwargs):
    _write(AuditAction.DELETE, instance, snapshot(instance), None, _registry[sender](instance))


def connect_signals() -> None:
    """Connect the handlers to each registered model only: unaudited models (the
    placement table) keep Django's fast bulk delete."""
    for model in _registry:
        uid = model._meta.label_lower
        pre_save.connect(_on_pre_save, sender=model, dispatch_uid=f"audit_pre_save:{uid}")
        post_save.connect(_on_post_save, sender=model, dispatch_uid=f"audit_post_save:{uid}")
        post_delete.connect(_on_post_delete, sender=model, dispatch_uid=f"audit_delete:{uid}")
