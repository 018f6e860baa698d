from . import catalogue, occasions, people

__all__ = ["catalogue", "occasions", "people"]
