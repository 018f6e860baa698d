"""All writes of the outcome registers. Each runs in one transaction; ledgers and
supervision periods are audited through the model registry (core.audit), managed
persons' identities by content-free entries and logged reveals."""

from .ledgers import delete_record, save_record
from .managed import (
    Identity,
    delete_period,
    end_period,
    find_person,
    reindex_people,
    reveal_identity,
    take_in,
    update_identity,
    update_period,
)

__all__ = [
    "Identity",
    "delete_period",
    "delete_record",
    "end_period",
    "find_person",
    "reindex_people",
    "reveal_identity",
    "save_record",
    "take_in",
    "update_identity",
    "update_period",
]
