from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhyen.core import audit

from .choices import Role


@audit.register(unit_of=lambda user: None)
class User(AbstractUser):
    """A person who signs in. What they may see comes from their role assignments."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


@audit.register(unit_of=lambda assignment: assignment.unit_id)
class RoleAssignment(models.Model):
    """A role held on a unit; it covers the unit's descendants and what was merged into it.

    The system administrator role is held without a unit and covers everything.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="accounts_role_unique"),
            models.CheckConstraint(
                condition=Q(role=Role.SYSTEM_ADMIN, unit__isnull=True)
                | (~Q(role=Role.SYSTEM_ADMIN) & Q(unit__isnull=False)),
                name="accounts_role_unit_matches",
            ),
        ]

    def __str__(self) -> str:
        where = f" @ {self.unit}" if self.unit_id else ""
        return f"{self.user}: {self.get_role_display()}{where}"
