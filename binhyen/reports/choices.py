from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Qualifier(models.TextChoices):
    """How exact a reported figure is. "Over 6,000" is AT_LEAST and stays so in every
    figure it enters."""

    EXACT = "exact", pgettext_lazy("qualifier", "exact")
    AT_LEAST = "at_least", pgettext_lazy("qualifier", "at least (over)")
    ABOUT = "about", pgettext_lazy("qualifier", "about")


# combining figures: the weakest qualifier wins (exact + over = over; anything + about = about)
QUALIFIER_RANK = {Qualifier.EXACT: 0, Qualifier.AT_LEAST: 1, Qualifier.ABOUT: 2}


def weakest(*qualifiers: str) -> str:
    return max(qualifiers, key=lambda q: QUALIFIER_RANK[q], default=Qualifier.EXACT)


class ReviewKind(models.TextChoices):
    REVIEW = "review", _("Report on results")
    INTERIM = "interim", _("Interim review")
    FINAL = "final", _("Final review")
