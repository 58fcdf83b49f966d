"""Dispatch's API routes, registered on the /api/v1/ router in servicedesk/api_urls.py."""

from . import views

ROUTES = [
    ("engineers", views.EngineerProfileViewSet, "engineer"),
    ("duty-shifts", views.DutyShiftViewSet, "duty-shift"),
    ("dispatch-cases", views.DispatchCaseViewSet, "dispatch-case"),
    ("remote-sessions", views.RemoteSessionViewSet, "remote-session"),
    ("solution-plans", views.SolutionPlanViewSet, "solution-plan"),
    ("command-logs", views.CommandLogViewSet, "command-log"),
    ("visits", views.VisitViewSet, "visit"),
    ("major-operations", views.MajorOperationViewSet, "major-operation"),
    ("parts", views.PartLineViewSet, "part"),
    ("service-applications", views.ServiceApplicationViewSet, "service-application"),
    ("fault-reports", views.FaultReportViewSet, "fault-report"),
]
