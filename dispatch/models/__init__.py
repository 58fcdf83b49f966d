"""Dispatch's tables, one module per concern (STYLE.md: models hold fields, constraints, small properties)."""

from .roster import Certification, DutyKind, DutyShift, EngineerProfile

__all__ = ["Certification", "DutyKind", "DutyShift", "EngineerProfile"]
