"""Every dispatch table, imported here so Django finds them under the one app label ``dispatch``.

Each concern keeps its models in its own sub-package (``dispatch.roster``, ``dispatch.remote``,
``dispatch.onsite``, ``dispatch.reports``); dispatching a case keeps its own in ``cases.py``.
Fields, constraints, small properties there; writes are in each sub-package's ``services.py``.
"""

from ..onsite.lifecycle import ACTIVE_VISIT_STATUSES, VisitStatus
from ..onsite.models import MajorOperation, OperationKind, PartLine, ServiceApplication, SignedVia, Visit
from ..remote.lifecycle import PlanStatus, SessionStatus
from ..remote.models import ApprovalChannel, CommandLog, ImmutableError, RemoteSession, SolutionPlan
from ..reports.models import FaultReport
from ..roster.models import Certification, DutyKind, DutyShift, EngineerProfile
from .cases import AutoRule, CaseDispatch, DispatchMode, DispatchPolicy, Escalation, Tier

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
