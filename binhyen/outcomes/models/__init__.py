from .ledgers import (
    IllegalEntry,
    Ledger,
    Mediation,
    OutreachSession,
    PeoplesPatrol,
    Pledge,
    RegistrationViolation,
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
    "RegistrationViolation",
    "ReturnedEmigrant",
    "SupervisionPeriod",
    "WeaponSurrender",
]
