from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    RESIDENTIAL_AREA = "residential_area", _("Residential area")


# Coarse to fine. A unit can be placed at its own level or any coarser one.
LEVEL_RANK = {
    Level.PROVINCE: 1,
    Level.DISTRICT: 2,
    Level.COMMUNE: 3,
    Level.RESIDENTIAL_AREA: 4,
}
LEVELS = list(LEVEL_RANK)


class TransitionKind(models.TextChoices):
    MERGE = "merge", _("Merge")
    SPLIT = "split", _("Split")
    RENAME = "rename", _("Rename")
    REPARENT = "reparent", _("Re-parent")
    LEVEL_CHANGE = "level_change", _("Level change")


class NewRuralStatus(models.TextChoices):
    NEW_RURAL = "new_rural", _("New rural")
    ADVANCED = "advanced", _("Advanced new rural")
    MODEL = "model", _("Model new rural")


class Unallocated(models.TextChoices):
    """Why a unit cannot be placed under a structure at a level (never guessed)."""

    SPLIT = "split", _("split between several units")
    FORMED_FROM_SEVERAL = "formed_from_several", _("formed from parts of several units")
    NO_SUCCESSOR = "no_successor", _("ceased without a successor")
    NOT_YET = "not_yet", _("did not exist yet and has no predecessor")
    NO_SUCH_LEVEL = "no_such_level", _("no unit of that level in the structure")
    COARSER = "coarser", _("the unit is coarser than the level asked")


# Type words that mark an urban unit (the rest are rural).
URBAN_TYPE_WORDS = {"phường", "quận", "thị trấn", "thị xã", "thành phố", "tổ dân phố", "khu phố"}
