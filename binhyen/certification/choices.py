import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectType(models.TextChoices):
    """What is certified "safe for security and order" (Circular 124/2021/TT-BCA)."""

    RESIDENTIAL_AREA = "residential_area", _("Residential area")
    COMMUNE = "commune", _("Commune")
    AGENCY = "agency", _("Agency")
    ENTERPRISE = "enterprise", _("Enterprise")
    SCHOOL = "school", _("School")


UNIT_SUBJECTS = {SubjectType.RESIDENTIAL_AREA, SubjectType.COMMUNE}
ORGANIZATION_SUBJECTS = {SubjectType.AGENCY, SubjectType.ENTERPRISE, SubjectType.SCHOOL}
# the units a commune's own qualification counts (all but the commune itself)
COMMUNE_MEMBERS = (
    SubjectType.RESIDENTIAL_AREA,
    SubjectType.AGENCY,
    SubjectType.ENTERPRISE,
    SubjectType.SCHOOL,
)


def window(subject_type: str, year: int) -> tuple[dt.date, dt.date]:
    """The assessment window named by the year it ends: 1 Nov – 31 Oct for residential
    areas, 16 Nov – 15 Nov for the others."""
    if subject_type == SubjectType.RESIDENTIAL_AREA:
        return dt.date(year - 1, 11, 1), dt.date(year, 10, 31)
    return dt.date(year - 1, 11, 16), dt.date(year, 11, 15)


def window_of(subject_type: str, day: dt.date) -> int:
    """The year naming the window that contains `day`."""
    start, _end = window(subject_type, day.year + 1)
    return day.year + 1 if day >= start else day.year


def registration_opens(year: int) -> dt.date:
    """Registration happens in the first quarter of the year naming the window."""
    return dt.date(year, 1, 1)


def registration_deadline(year: int) -> dt.date:
    """Registration happens in the first quarter of the year naming the window."""
    return dt.date(year, 3, 31)


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    SELF_ASSESSED = "self_assessed", _("Self-assessed")
    DOSSIER = "dossier", _("Meeting held, dossier sent")
    APPRAISED = "appraised", _("Appraised")
    CERTIFIED = "certified", _("Certified")
    NOT_CERTIFIED = "not_certified", _("Not certified")
    APPEALED = "appealed", _("Appealed")


class StepKind(models.TextChoices):
    REGISTERED = "registered", _("Registration")
    SELF_ASSESSED = "self_assessed", _("Self-assessment")
    DOSSIER = "dossier", _("Meeting and dossier")
    APPRAISED = "appraised", _("Appraisal")
    CERTIFIED = "certified", _("Decision: certified")
    NOT_CERTIFIED = "not_certified", _("Decision: not certified")
    APPEALED = "appealed", _("Appeal")
    APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld: certified")
    APPEAL_REJECTED = "appeal_rejected", _("Appeal rejected")


# step → (statuses it may follow, status it leads to)
FLOW = {
    StepKind.SELF_ASSESSED: ({Status.REGISTERED}, Status.SELF_ASSESSED),
    StepKind.DOSSIER: ({Status.SELF_ASSESSED}, Status.DOSSIER),
    StepKind.APPRAISED: ({Status.DOSSIER}, Status.APPRAISED),
    StepKind.CERTIFIED: ({Status.APPRAISED}, Status.CERTIFIED),
    StepKind.NOT_CERTIFIED: ({Status.DOSSIER, Status.APPRAISED}, Status.NOT_CERTIFIED),
    StepKind.APPEALED: ({Status.NOT_CERTIFIED}, Status.APPEALED),
    StepKind.APPEAL_UPHELD: ({Status.APPEALED}, Status.CERTIFIED),
    StepKind.APPEAL_REJECTED: ({Status.APPEALED}, Status.NOT_CERTIFIED),
}
# steps that must carry a reason
NEEDS_REASON = {StepKind.NOT_CERTIFIED, StepKind.APPEALED, StepKind.APPEAL_REJECTED}
