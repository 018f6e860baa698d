from django.db import models
from django.utils.translation import gettext_lazy as _


class HostKind(models.TextChoices):
    """What a scheme point is hosted by. The first two are administrative units, the rest
    organisations (`Organization.kind`)."""

    RESIDENTIAL_AREA = "residential_area", _("Residential area")
    COMMUNE = "commune", _("Commune")
    AGENCY = "agency", _("Agency")
    ENTERPRISE = "enterprise", _("Enterprise")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    RELIGIOUS = "religious", _("Religious establishment")
    CLAN = "clan", _("Clan")
    MASS_ORGANISATION = "mass_organisation", _("Mass organisation")


UNIT_HOSTS = {HostKind.RESIDENTIAL_AREA, HostKind.COMMUNE}
ORGANIZATION_KINDS = [(k.value, k.label) for k in HostKind if k not in UNIT_HOSTS]


class Origin(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class SchoolLevel(models.TextChoices):
    PRESCHOOL = "preschool", _("Pre-school or nursery")
    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    MULTI_LEVEL = "multi_level", _("Multi-level")
    VOCATIONAL = "vocational", _("Vocational")
    HIGHER = "higher", _("College or university")


class ReligiousKind(models.TextChoices):
    PARISH = "parish", _("Parish")
    PAGODA = "pagoda", _("Pagoda")
    TEMPLE = "temple", _("Temple")
    CHURCH = "church", _("Protestant church")
    OTHER = "other", _("Other")


class EventKind(models.TextChoices):
    """Dated lifecycle events of a scheme point. Established and reactivated make it
    active, suspended pauses it, dissolved ends it."""

    ESTABLISHED = "established", _("Established")
    SUSPENDED = "suspended", _("Suspended")
    REACTIVATED = "reactivated", _("Reactivated")
    DISSOLVED = "dissolved", _("Dissolved")


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DISSOLVED = "dissolved", _("Dissolved")


STATUS_AFTER = {
    EventKind.ESTABLISHED: Status.ACTIVE,
    EventKind.REACTIVATED: Status.ACTIVE,
    EventKind.SUSPENDED: Status.SUSPENDED,
    EventKind.DISSOLVED: Status.DISSOLVED,
}
# which events may follow a point's current status
ALLOWED_EVENTS = {
    Status.ACTIVE: {EventKind.SUSPENDED, EventKind.DISSOLVED},
    Status.SUSPENDED: {EventKind.REACTIVATED, EventKind.DISSOLVED},
    Status.DISSOLVED: set(),
}


class Grade(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    AVERAGE = "average", _("Average")
    WEAK = "weak", _("Weak")


# best to worst: a composite point's overall grade is its worst component's
GRADE_RANK = {Grade.GOOD: 1, Grade.FAIR: 2, Grade.AVERAGE: 3, Grade.WEAK: 4}


class RecognitionKind(models.TextChoices):
    EXEMPLAR = "exemplar", _("Exemplar")
    MINISTRY_COMMENDATION = "ministry_commendation", _("Commended by the Ministry")
    PROVINCE_COMMENDATION = "province_commendation", _("Commended by the province")


class GroupKind(models.TextChoices):
    INTER_HOUSEHOLD = "inter_household", _("Inter-household self-management group")
    SELF_MANAGEMENT = "self_management", _("Self-management group")
    FIRE_SAFETY = "fire_safety", _("Fire-safety inter-household group")
    OTHER = "other", _("Other group")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    DEPUTY = "deputy", _("Deputy")
    MEMBER = "member", _("Member")
