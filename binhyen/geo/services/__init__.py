from .imports import ImportRejected, ImportResult, LineageRow, RowError, UnitRow, import_structure
from .placement import rebuild_placements
from .units import set_new_rural_status, update_unit_attributes

__all__ = [
    "ImportRejected",
    "ImportResult",
    "LineageRow",
    "RowError",
    "UnitRow",
    "import_structure",
    "rebuild_placements",
    "set_new_rural_status",
    "update_unit_attributes",
]
