"""Dispatch's tables, one module per concern: fields, constraints, small properties; writes are in dispatch.services."""

from .cases import AutoRule, CaseDispatch, DispatchMode, DispatchPolicy, Escalation, Tier
from .onsite import (
    ACTIVE_VISIT_STATUSES,
    MajorOperation,
    OperationKind,
    PartLine,
    ServiceApplication,
    SignedVia,
    Visit,
    VisitStatus,
)
from .remote import (
    ApprovalChannel,
    CommandLog,
    ImmutableError,
    PlanStatus,
    RemoteSession,
    SessionStatus,
    SolutionPlan,
)
from .reports import FaultReport
from .roster import Certification, DutyKind, DutyShift, EngineerProfile

__all__ = [
    "FaultReport",
    "ACTIVE_VISIT_STATUSES",
    "MajorOperation",
    "OperationKind",
    "PartLine",
    "ServiceApplication",
    "SignedVia",
    "Visit",
    "VisitStatus",
    "ApprovalChannel",
    "CommandLog",
    "ImmutableError",
    "PlanStatus",
    "RemoteSession",
    "SessionStatus",
    "SolutionPlan",
    "AutoRule",
    "CaseDispatch",
    "DispatchMode",
    "DispatchPolicy",
    "Escalation",
    "Tier",
    "Certification",
    "DutyKind",
    "DutyShift",
    "EngineerProfile",
]
