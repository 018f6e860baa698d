"""All writes of the certification workflow and its criteria sets. Each runs in one
transaction, is audited through the model registry (core.audit), checks the user's right
to write (user None: the system) and refuses with ValidationErrors keyed by field."""

from .codes import new_certificate_code, normalize_code
from .criteria import (
    copy_criteria_set,
    criteria_set_for,
    delete_criteria_set,
    is_used,
    province_of,
    remove_criterion,
    save_criteria_set,
    save_criterion,
)
from .workflow import (
    decide,
    last_step,
    next_steps,
    org_in_force,
    organization_exclusion,
    record_step,
    register,
    self_assess,
)

__all__ = [
    "copy_criteria_set",
    "criteria_set_for",
    "decide",
    "delete_criteria_set",
    "is_used",
    "last_step",
    "new_certificate_code",
    "next_steps",
    "normalize_code",
    "org_in_force",
    "organization_exclusion",
    "province_of",
    "record_step",
    "register",
    "remove_criterion",
    "save_criteria_set",
    "save_criterion",
    "self_assess",
]
