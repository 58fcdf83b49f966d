from django.urls import path

from .onsite import views as onsite
from .remote import views as remote
from .reports import views as reports
from .roster import views as roster
from .views import assign, case

app_name = "dispatch"
urlpatterns = [
    # The manager dispatches.
    path("cases/<str:reference>/assign/", assign.assign, name="assign"),
    path("bulk-assign/", assign.bulk_assign, name="bulk-assign"),
    # The case page's dispatch panel.
    path("cases/<str:reference>/accept/", case.accept, name="accept"),
    path("cases/<str:reference>/decline/", case.decline, name="decline"),
    path("cases/<str:reference>/claim/", case.claim, name="claim"),
    path("cases/<str:reference>/chase/", case.chase, name="chase"),
    path("cases/<str:reference>/escalate/", case.escalate, name="escalate"),
    path("cases/<str:reference>/solution/", case.solution, name="solution"),
    # Remote support.
    path("cases/<str:reference>/remote/", remote.request_session, name="remote-request"),
    path("remote/<int:pk>/decide/", remote.decide_session, name="remote-decide"),
    path("remote/<int:pk>/record-approval/", remote.record_approval, name="remote-record-approval"),
    path("remote/<int:pk>/approval-document/", remote.approval_document, name="remote-approval-document"),
    path("remote/<int:pk>/start/", remote.start_session, name="remote-start"),
    path("remote/<int:pk>/end/", remote.end_session, name="remote-end"),
    path("remote/approve/<str:token>/", remote.decide_by_link, name="remote-link"),
    path("cases/<str:reference>/plans/", remote.submit_plan, name="plan-submit"),
    path("plans/<int:pk>/decide/", remote.decide_plan, name="plan-decide"),
    path("plans/<int:pk>/carry-out/", remote.carry_out_plan, name="plan-carry-out"),
    path("cases/<str:reference>/command-logs/", remote.command_logs, name="command-logs"),
    path("command-logs/<int:pk>/download/", remote.command_log_download, name="command-log-download"),
    # On-site support.
    path("cases/<str:reference>/visits/", onsite.decide, name="visit-decide"),
    path("visits/<int:pk>/", onsite.visit, name="visit"),
    path("visits/<int:pk>/depart/", onsite.depart, name="visit-depart"),
    path("visits/<int:pk>/arrive/", onsite.arrive, name="visit-arrive"),
    path("visits/<int:pk>/restored/", onsite.restored, name="visit-restored"),
    path("visits/<int:pk>/fixed/", onsite.fixed, name="visit-fixed"),
    path("visits/<int:pk>/finish/", onsite.finish, name="visit-finish"),
    path("visits/<int:pk>/photos/", onsite.photos, name="visit-photos"),
    path("visits/<int:pk>/parts/", onsite.part, name="visit-part"),
    path("visits/<int:pk>/operations/", onsite.operation, name="visit-operation"),
    path("operations/<int:pk>/approve/", onsite.operation_approve, name="operation-approve"),
    path("operations/<int:pk>/done/", onsite.operation_done, name="operation-done"),
    path("visits/<int:pk>/application/", onsite.application, name="visit-application"),
    path("visits/<int:pk>/sign/", onsite.sign, name="visit-sign"),
    path("applications/<int:pk>/pdf/", onsite.application_pdf, name="application-pdf"),
    path("sign/<str:token>/", onsite.sign_by_link, name="sign-link"),
    # The fault-handling report and the fault database.
    path("cases/<str:reference>/report/", reports.write, name="report-write"),
    path("cases/<str:reference>/report/print/", reports.printable, name="report-print"),
    path("cases/<str:reference>/report/pdf/", reports.pdf, name="report-pdf"),
    path("faults/", reports.fault_database, name="faults"),
    # The duty roster.
    path("roster/", roster.roster, name="roster"),
    path("roster/<int:pk>/remove/", roster.remove_shift, name="roster-remove"),
]
