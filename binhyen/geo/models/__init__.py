from .boundaries import UnitBoundary
from .lineage import Transition
from .placement import Placement
from .units import AdminUnit, NewRuralRecord, UnitVersion

__all__ = ["AdminUnit", "NewRuralRecord", "Placement", "Transition", "UnitBoundary", "UnitVersion"]
