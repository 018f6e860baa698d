from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial movement officer")
    COMMUNE_OFFICER = "commune_officer", _("Commune police officer")
    UNIT_CHIEF = "unit_chief", _("Chief of the unit's police")
    GROUP_LEADER = "group_leader", _("Group leader")
    VIEWER = "viewer", _("Viewer (leader)")
    AUDITOR = "auditor", _("Auditor")


# Roles that may write domain records in their jurisdiction.
WRITER_ROLES = {
    Role.PROVINCIAL_OFFICER,
    Role.COMMUNE_OFFICER,
    Role.UNIT_CHIEF,
    Role.GROUP_LEADER,
}
