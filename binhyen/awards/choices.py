from django.db import models
from django.utils.translation import gettext_lazy as _


class FormKind(models.TextChoices):
    CERTIFICATE_OF_MERIT = "certificate_of_merit", _("Certificate of merit")
    COMMENDATION = "commendation", _("Certificate of commendation")
    EMULATION_FLAG = "emulation_flag", _("Emulation flag")
    COMMEMORATIVE_MEDAL = "commemorative_medal", _("Commemorative medal")
    OTHER = "other", _("Other")


class AuthorityLevel(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    MINISTRY_DEPARTMENT = "ministry_department", _("Ministry department")
    PROVINCE = "province", _("Provincial People's Committee")
    PROVINCIAL_POLICE = "provincial_police", _("Provincial police")
    COMMUNE = "commune", _("Commune People's Committee")


class RecipientKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collective")
    INDIVIDUAL = "individual", _("Individual")
    HOUSEHOLD = "household", _("Household")


class CollectiveKind(models.TextChoices):
    SCHEME = "scheme", _("Scheme point")
    ORGANIZATION = "organization", _("Organisation")
    UNIT = "unit", _("Administrative unit")
    GROUP = "group", _("Self-management group")


class OccasionKind(models.TextChoices):
    REVIEW_CONFERENCE = "review_conference", _("Review conference")
    MOVEMENT_DAY = "movement_day", _("Movement day (19 August)")
    OTHER = "other", _("Other")


class NominationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    REVIEWED = "reviewed", _("Reviewed")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Rejected")


# status → statuses it may move to
NEXT = {
    NominationStatus.PROPOSED: {NominationStatus.REVIEWED, NominationStatus.REJECTED},
    NominationStatus.REVIEWED: {NominationStatus.AWARDED, NominationStatus.REJECTED},
    NominationStatus.AWARDED: set(),
    NominationStatus.REJECTED: set(),
}
