from django.db import models
from django.utils.translation import gettext_lazy as _

from binhyen.core import audit

from ..choices import TransitionKind
from .units import AdminUnit


@audit.register(unit_of=lambda t: t.successor_id)
class Transition(models.Model):
    """One dated link from a predecessor to a successor.

    A merge of three communes is three links to one successor; a split is one link per
    part, each marked partial. Rename and re-parent link a unit to itself.
    """

    date = models.DateField(_("date"), help_text=_("First day of the new structure"))
    kind = models.CharField(_("kind"), max_length=20, choices=TransitionKind.choices)
    predecessor = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="transitions_out"
    )
    successor = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="transitions_in"
    )
    partial = models.BooleanField(_("partial"), default=False)
    decision = models.CharField(_("decision"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["date", "predecessor_id", "successor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "kind", "predecessor", "successor"], name="geo_transition_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}: {self.predecessor_id} → {self.successor_id}"

    @property
    def is_identity(self) -> bool:
        return self.predecessor_id == self.successor_id
