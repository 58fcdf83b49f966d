"""Dispatch's API routes, registered on the /api/v1/ router in servicedesk/api_urls.py."""

from ..onsite.api import views as onsite
from ..remote.api import views as remote
from ..reports.api import views as reports
from ..roster.api import views as roster
from . import cases

ROUTES = [
    ("engineers", roster.EngineerProfileViewSet, "engineer"),
    ("duty-shifts", roster.DutyShiftViewSet, "duty-shift"),
    ("dispatch-cases", cases.DispatchCaseViewSet, "dispatch-case"),
    ("remote-sessions", remote.RemoteSessionViewSet, "remote-session"),
    ("solution-plans", remote.SolutionPlanViewSet, "solution-plan"),
    ("command-logs", remote.CommandLogViewSet, "command-log"),
    ("visits", onsite.VisitViewSet, "visit"),
    ("major-operations", onsite.MajorOperationViewSet, "major-operation"),
    ("parts", onsite.PartLineViewSet, "part"),
    ("service-applications", onsite.ServiceApplicationViewSet, "service-application"),
    ("fault-reports", reports.FaultReportViewSet, "fault-report"),
]
