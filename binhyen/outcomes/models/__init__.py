from .ledgers import (
    IllegalEntry,
    Ledger,
    Mediation,
    OutreachSession,
    PeoplesPatrol,
    Pledge,
    ResidenceViolation,
    ReturnedEmigrant,
    WeaponSurrender,
)
from .managed import ManagedPerson, SupervisionPeriod

__all__ = [
    "IllegalEntry",
    "Ledger",
    "ManagedPerson",
    "Mediation",
    "OutreachSession",
    "PeoplesPatrol",
    "Pledge",
    "ResidenceViolation",
    "ReturnedEmigrant",
    "SupervisionPeriod",
    "WeaponSurrender",
]
