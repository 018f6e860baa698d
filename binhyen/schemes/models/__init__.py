from .catalogue import Label, SchemeComponent, SchemeType
from .hosts import Organization
from .points import ComponentGrade, Grading, Recognition, Scheme, SchemeEvent
from .structure import (
    Group,
    GroupHousehold,
    GroupMember,
    Household,
    SecurityTeam,
    SecurityTeamMember,
    SelfManagementBoard,
    SteeringCommittee,
)

__all__ = [
    "ComponentGrade",
    "Grading",
    "Group",
    "GroupHousehold",
    "GroupMember",
    "Household",
    "Label",
    "Organization",
    "Recognition",
    "Scheme",
    "SchemeComponent",
    "SchemeEvent",
    "SchemeType",
    "SecurityTeam",
    "SecurityTeamMember",
    "SelfManagementBoard",
    "SteeringCommittee",
]
