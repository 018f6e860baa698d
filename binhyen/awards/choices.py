from django.db import models
from django.utils.translation import gettext_lazy as _

from binhyen.geo.choices import Level


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


# form kind → the kinds of recipient it may go to (derived from the kind: no column).
# The emulation flag goes to collectives, the commemorative medal to individuals; the
# certificates of merit and of commendation, and other forms, to anyone.
FORM_RECIPIENTS = {
    FormKind.EMULATION_FLAG: frozenset({RecipientKind.COLLECTIVE}),
    FormKind.COMMEMORATIVE_MEDAL: frozenset({RecipientKind.INDIVIDUAL}),
}
ANY_RECIPIENT = frozenset(RecipientKind.values)


def recipients_of(form_kind: str) -> frozenset[str]:
    """The kinds of recipient a form of this kind may go to."""
    return FORM_RECIPIENTS.get(form_kind, ANY_RECIPIENT)


# level of the occasion's organising unit → the levels of the authorities its nominations
# may ask: a commune's round awards the commune's own forms; a province's round also
# carries the proposals it sends up (provincial police, ministry, ministry department).
PROVINCIAL_AUTHORITIES = frozenset(
    {
        AuthorityLevel.PROVINCE,
        AuthorityLevel.PROVINCIAL_POLICE,
        AuthorityLevel.MINISTRY,
        AuthorityLevel.MINISTRY_DEPARTMENT,
    }
)
COMMUNE_AUTHORITIES = frozenset({AuthorityLevel.COMMUNE})


def authority_levels_for(unit_level: str) -> frozenset[str]:
    """The authority levels an occasion organised by a unit of this level may carry
    (a province: its own and those above it; any unit below: the commune's)."""
    return PROVINCIAL_AUTHORITIES if unit_level == Level.PROVINCE else COMMUNE_AUTHORITIES
