"""The awards API: the catalogue (read), occasions, nominations (scoped; create =
propose; actions review and decide) and an occasion's conference list."""

from .views import register

__all__ = ["register"]
