"""All writes of the schemes registry. Each runs in one transaction and is audited
through the model registry (core.audit); refusals are ValidationErrors keyed by field."""

from binhyen.core.stale import StaleEdit

from .catalogue import save_label, save_scheme_type
from .hosts import cease_organization, save_organization
from .imports import ImportRejected, ImportResult, RowError, import_tables
from .points import (
    establish_scheme,
    grade_scheme,
    recognize_scheme,
    record_event,
    update_scheme,
)
from .structure import (
    add_member,
    appoint_team_member,
    create_body,
    create_group,
    create_household,
    dissolve_body,
    dissolve_group,
    dissolve_security_team,
    end_membership,
    form_security_team,
    join_group,
    leave_group,
    terminate_team_member,
)

__all__ = [
    "ImportRejected",
    "ImportResult",
    "RowError",
    "import_tables",
    "StaleEdit",
    "add_member",
    "appoint_team_member",
    "cease_organization",
    "create_body",
    "create_group",
    "create_household",
    "dissolve_body",
    "dissolve_group",
    "dissolve_security_team",
    "end_membership",
    "establish_scheme",
    "form_security_team",
    "grade_scheme",
    "join_group",
    "leave_group",
    "recognize_scheme",
    "record_event",
    "save_label",
    "save_organization",
    "save_scheme_type",
    "terminate_team_member",
    "update_scheme",
]
