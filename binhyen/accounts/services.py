"""All writes of users and their roles (audited through the model registry)."""

from __future__ import annotations

from django.db import transaction

from binhyen.geo.models import AdminUnit

from .choices import Role
from .models import RoleAssignment, User


@transaction.atomic
def create_user(username: str, password: str, full_name: str = "", **extra) -> User:
    user = User(username=username, full_name=full_name, **extra)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def grant_role(user: User, role: str, unit: AdminUnit | None = None) -> RoleAssignment:
    if role == Role.SYSTEM_ADMIN:
        unit = None
    elif unit is None:
        raise ValueError("this role is held on a unit")
    assignment, _ = RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
    user.__dict__.pop("_jurisdiction_cache", None)
    return assignment


@transaction.atomic
def revoke_role(assignment: RoleAssignment) -> None:
    assignment.user.__dict__.pop("_jurisdiction_cache", None)
    assignment.delete()
