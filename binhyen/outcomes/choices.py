"""Choices of the outcome registers."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WeaponKind(models.TextChoices):
    """What was surrendered. Explosives are weighed (kg), ammunition counted in rounds,
    the rest in pieces (see WEAPON_MEASURES)."""

    MILITARY_GUN = "military_gun", _("Military gun")
    HUNTING_GUN = "hunting_gun", _("Hunting gun")
    HOMEMADE_GUN = "homemade_gun", _("Home-made gun")
    PRIMITIVE_WEAPON = "primitive_weapon", _("Primitive weapon")
    EXPLOSIVES = "explosives", _("Explosives")
    DETONATORS = "detonators", _("Detonators")
    AMMUNITION = "ammunition", _("Ammunition")
    SUPPORT_TOOLS = "support_tools", _("Support tools")


GUNS = (WeaponKind.MILITARY_GUN, WeaponKind.HUNTING_GUN, WeaponKind.HOMEMADE_GUN)
WEAPON_MEASURES = {
    WeaponKind.MILITARY_GUN: pgettext_lazy("measure", "pieces"),
    WeaponKind.HUNTING_GUN: pgettext_lazy("measure", "pieces"),
    WeaponKind.HOMEMADE_GUN: pgettext_lazy("measure", "pieces"),
    WeaponKind.PRIMITIVE_WEAPON: pgettext_lazy("measure", "pieces"),
    WeaponKind.EXPLOSIVES: pgettext_lazy("measure", "kg"),
    WeaponKind.DETONATORS: pgettext_lazy("measure", "pieces"),
    WeaponKind.AMMUNITION: pgettext_lazy("measure", "rounds"),
    WeaponKind.SUPPORT_TOOLS: pgettext_lazy("measure", "pieces"),
}
# only explosives may be a fraction (kg); everything else is counted in whole units
WEIGHED = {WeaponKind.EXPLOSIVES}


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Nationality(models.TextChoices):
    """Nationalities met at the borders, by ISO 3166 code; 'other' for the rest."""

    CN = "CN", _("Chinese")
    LA = "LA", _("Lao")
    KH = "KH", _("Cambodian")
    TH = "TH", _("Thai")
    MM = "MM", _("Myanmar")
    MY = "MY", _("Malaysian")
    ID = "ID", _("Indonesian")
    PH = "PH", _("Filipino")
    KR = "KR", _("Korean")
    JP = "JP", _("Japanese")
    TW = "TW", _("Taiwanese")
    US = "US", _("American")
    OTHER = "other", _("Other nationality")


class Country(models.TextChoices):
    """Where an illegal emigrant returned from."""

    CN = "CN", _("China")
    LA = "LA", _("Laos")
    KH = "KH", _("Cambodia")
    TH = "TH", _("Thailand")
    MM = "MM", _("Myanmar")
    MY = "MY", _("Malaysia")
    KR = "KR", _("South Korea")
    JP = "JP", _("Japan")
    TW = "TW", _("Taiwan")
    OTHER = "other", _("Other country")


class MediationKind(models.TextChoices):
    FAMILY = "family", _("Marriage and family")
    LAND = "land", _("Land")
    NEIGHBOURS = "neighbours", _("Between neighbours")
    PROPERTY = "property", _("Civil and property")
    MINOR_OFFENCE = "minor_offence", _("Minor offence")
    OTHER = "other", _("Other dispute")


class MediationResult(models.TextChoices):
    SUCCESSFUL = "successful", _("Successful")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
    PENDING = "pending", _("Still in progress")


class SupervisionKind(models.TextChoices):
    """Why a person is managed in the community."""

    POST_REHABILITATION = "post_rehabilitation", _("Post-rehabilitation aftercare")
    COMMUNITY_EDUCATION = "community_education", _("Community education")


class ExitReason(models.TextChoices):
    COMPLETED = "completed", _("Term completed")
    MOVED = "moved", _("Moved away")
    REOFFENDED = "reoffended", _("Reoffended")
    RELAPSED = "relapsed", _("Relapsed into drug use")
    SENT_AWAY = "sent_away", _("Sent to a compulsory measure")
    DIED = "died", _("Died")
    OTHER = "other", _("Other reason")
