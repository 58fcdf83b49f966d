"""Dispatch's tables, one module per concern (STYLE.md: models hold fields, constraints, small properties)."""

from .cases import AutoRule, CaseDispatch, DispatchMode, DispatchPolicy, Escalation, Tier
from .roster import Certification, DutyKind, DutyShift, EngineerProfile

__all__ = [
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
