"""The dispatch API (/api/v1/…): engineers, roster, dispatching a case, remote support, on-site
visits, the signed service application, fault reports.

Every case-bound row comes through the one access rule (``tickets.access.tickets_visible_to``):
a row on a case the user may not see answers 404. Writes go through ``dispatch.services``; the
services decide who may do what (403), what is valid (400), and refuse a lost race (409).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from core.pagination import NoCountPagination
from tickets.access import tickets_visible_to
from tickets.lifecycle import Action, Status
from tickets.selectors import ticket_get_for_user
from tickets.services import ticket_transition

from .. import selectors
from ..models import (
    CaseDispatch,
    CommandLog,
    DutyShift,
    EngineerProfile,
    Escalation,
    FaultReport,
    MajorOperation,
    PartLine,
    RemoteSession,
    ServiceApplication,
    SolutionPlan,
    Visit,
)
from ..services import assignment, handling, onsite, remote, reports, roster
from . import serializers as s

ERROR_400 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Invalid input: field name → list of messages."))
ERROR_403 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Your role may not do this here."))
ERROR_404 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("No such object, or not on a case you may see."))
ERROR_409 = OpenApiResponse(
    OpenApiTypes.OBJECT, description=_('Someone else changed the case first: {"detail": reason, "code": "conflict"}.')
)
PDF = {(200, "application/pdf"): OpenApiTypes.BINARY, 404: ERROR_404}
TICKET_PARAM = OpenApiParameter("ticket", OpenApiTypes.INT, description="Only this case's rows.")


def _doc(summary: str, request=None, response=None, *, code: int = 200, tags=("dispatch",), **kwargs):
    responses = {code: response, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409}
    return extend_schema(summary=summary, request=request, responses=responses, tags=list(tags), **kwargs)


class DispatchAPIMixin:
    """Shared by every dispatch viewset: lost races answer 409, rows come through the access rule."""

    pagination_class = NoCountPagination
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    ticket_path = "ticket"
    related: tuple[str, ...] = ()

    def get_queryset(self):
        visible = tickets_visible_to(self.request.user).values("pk")
        qs = self.queryset.model.objects.filter(**{f"{self.ticket_path}__in": visible})
        ticket = self.request.query_params.get("ticket")
        if ticket is not None and self.action == "list":
            if not ticket.isdigit():
                raise DrfValidationError({"ticket": ["Give a case id."]})
            qs = qs.filter(
                **{f"{self.ticket_path}_id" if "__" not in self.ticket_path else self.ticket_path: int(ticket)}
            )
        return qs.select_related(*self.related)

    def _out(self, serializer_class, obj, code=status.HTTP_200_OK) -> Response:
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, status=code)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def _file(field, filename: str, content_type: str) -> FileResponse:
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=True, filename=filename, content_type=content_type)


# --- engineers and roster -------------------------------------------------------------


def _staff_only(user) -> None:
    if not user.is_staff_member:
        raise PermissionDenied(_("Only staff see this."))


@extend_schema_view(
    list=extend_schema(summary="Engineer profiles (staff)", tags=["engineers"]),
    retrieve=extend_schema(summary="One engineer's profile", tags=["engineers"]),
)
class EngineerProfileViewSet(
    DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Engineers' skills, regions, certificates and load limits. Looked up by the engineer's user id."""

    queryset = EngineerProfile.objects.all()
    serializer_class = s.EngineerProfileOutputSerializer
    lookup_field = "user_id"
    lookup_url_kwarg = "user_id"

    def get_queryset(self):
        _staff_only(self.request.user)
        return selectors.engineer_profile_list().prefetch_related("user__certifications")

    @_doc(
        "Create or change an engineer's profile (managers)",
        s.EngineerProfileInputSerializer,
        s.EngineerProfileOutputSerializer,
        tags=("engineers",),
    )
    def partial_update(self, request, user_id=None):
        from accounts.models import User

        _staff_only(request.user)
        engineer = get_object_or_404(User, pk=user_id)
        data = self._input(s.EngineerProfileInputSerializer)
        profile = roster.engineer_profile_save(engineer=engineer, actor=request.user, **data)
        return self._out(s.EngineerProfileOutputSerializer, profile)


@extend_schema_view(
    list=extend_schema(
        summary="The duty roster (shifts overlapping [from, to), default the next 7 days)",
        tags=["roster"],
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATETIME),
            OpenApiParameter("to", OpenApiTypes.DATETIME),
        ],
    ),
    retrieve=extend_schema(summary="One shift", tags=["roster"]),
)
class DutyShiftViewSet(
    DispatchAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The 7×24 duty roster: who is on duty when, and their on-call phone."""

    queryset = DutyShift.objects.all()
    serializer_class = s.DutyShiftOutputSerializer
    # No PUT or DELETE anywhere in the API (tests/test_schema.py): a shift is removed with POST …/remove/.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        _staff_only(self.request.user)
        if self.action != "list":
            return DutyShift.objects.select_related("engineer")
        start = self._moment("from") or timezone.now()
        end = self._moment("to") or start + timezone.timedelta(days=7)
        return selectors.duty_list_between(start=start, end=end)

    def _moment(self, name):
        raw = self.request.query_params.get(name)
        if not raw:
            return None
        value = parse_datetime(raw)
        if value is None:
            raise DrfValidationError({name: ["Give a date and time, e.g. 2026-11-25T08:00:00+08:00."]})
        return value if timezone.is_aware(value) else timezone.make_aware(value)

    @extend_schema(
        summary="Who is on duty now", tags=["roster"], responses={200: s.DutyShiftOutputSerializer(many=True)}
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def now(self, request):
        _staff_only(request.user)
        department = request.query_params.get("department")
        department_id = int(department) if department and department.isdigit() else None
        shifts = selectors.duty_list_now(department_id=department_id)
        return Response(s.DutyShiftOutputSerializer(shifts, many=True).data)

    @_doc(
        "Put an engineer on duty (managers)",
        s.DutyShiftInputSerializer,
        s.DutyShiftOutputSerializer,
        code=201,
        tags=("roster",),
    )
    def create(self, request):
        shift = roster.duty_shift_create(actor=request.user, **self._input(s.DutyShiftInputSerializer))
        return self._out(s.DutyShiftOutputSerializer, shift, status.HTTP_201_CREATED)

    @_doc("Change a shift (managers)", s.DutyShiftInputSerializer, s.DutyShiftOutputSerializer, tags=("roster",))
    def partial_update(self, request, pk=None):
        shift = self.get_object()
        serializer = s.DutyShiftInputSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        shift = roster.duty_shift_update(shift_id=shift.pk, actor=request.user, **serializer.validated_data)
        return self._out(s.DutyShiftOutputSerializer, shift)

    @extend_schema(
        summary="Remove a shift (managers)",
        tags=["roster"],
        request=None,
        responses={204: None, 403: ERROR_403, 404: ERROR_404},
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        roster.duty_shift_delete(shift_id=self.get_object().pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- dispatching a case ----------------------------------------------------------------


@extend_schema(parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The case id.")])
@extend_schema_view(
    retrieve=extend_schema(summary="A case's dispatch state (tier, chases, awaiting acceptance)", tags=["dispatch"])
)
class DispatchCaseViewSet(DispatchAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Dispatching one case, addressed by the case id: suggestions, assign, claim, accept, decline,
    chase, escalate. A case the user may not see answers 404."""

    queryset = CaseDispatch.objects.all()
    serializer_class = s.CaseDispatchOutputSerializer

    def _ticket(self):
        return ticket_get_for_user(self.request.user, pk=self.kwargs["pk"])

    def _state(self, ticket) -> CaseDispatch:
        return CaseDispatch.objects.select_related("awaiting").filter(ticket=ticket).first() or CaseDispatch(
            ticket=ticket
        )

    def retrieve(self, request, pk=None):
        return self._out(s.CaseDispatchOutputSerializer, self._state(self._ticket()))

    @extend_schema(
        summary="Engineers ranked for this case, with reasons (staff)",
        tags=["dispatch"],
        responses={200: s.SuggestionSerializer(many=True), 404: ERROR_404},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def suggestions(self, request, pk=None):
        ticket = self._ticket()
        _staff_only(request.user)
        return Response(s.SuggestionSerializer(assignment.engineer_suggest(ticket), many=True).data)

    @_doc(
        "Assign or reassign (managers); 409 if someone else assigned it meanwhile",
        s.DispatchAssignInputSerializer,
        s.CaseDispatchOutputSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        ticket = self._ticket()
        data = self._input(s.DispatchAssignInputSerializer)
        expected = data["expected_assignee"] if "expected_assignee" in request.data else ticket.assignee_id
        assignment.dispatch_assign(
            ticket_id=ticket.pk,
            engineer=data["engineer"],
            actor=request.user,
            note=data["note"],
            expected_assignee_id=expected,
        )
        return self._out(s.CaseDispatchOutputSerializer, self._state(ticket))

    @_doc("Claim the case from the pool (engineers); 409 if already taken", None, s.CaseDispatchOutputSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        ticket = self._ticket()
        if not request.user.is_engineer:
            raise PermissionDenied(_("Only engineers claim cases."))
        assignment.ticket_claim(ticket_id=ticket.pk, engineer=request.user)
        return self._out(s.CaseDispatchOutputSerializer, self._state(ticket))

    @_doc(
        "Accept the assignment and start work (the assigned engineer)",
        s.OptionalNoteInputSerializer,
        s.CaseDispatchOutputSerializer,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        ticket = self._ticket()
        # The one accept: the lifecycle's START (the assigned engineer, or a manager on their behalf).
        ticket_transition(
            ticket_id=ticket.pk,
            action=Action.START,
            actor=request.user,
            note=self._input(s.OptionalNoteInputSerializer)["note"],
        )
        return self._out(s.CaseDispatchOutputSerializer, self._state(ticket))

    @_doc(
        "Decline the assignment with a reason (the assigned engineer)",
        s.ReasonInputSerializer,
        s.CaseDispatchOutputSerializer,
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        ticket = self._ticket()
        assignment.assignment_decline(
            ticket_id=ticket.pk, engineer=request.user, reason=self._input(s.ReasonInputSerializer)["reason"]
        )
        return self._out(s.CaseDispatchOutputSerializer, self._state(ticket))

    @_doc("Chase the case (the customer or a manager)", s.OptionalNoteInputSerializer, s.CaseDispatchOutputSerializer)
    @action(detail=True, methods=["post"])
    def chase(self, request, pk=None):
        ticket = self._ticket()
        state = handling.ticket_chase(
            ticket_id=ticket.pk, actor=request.user, note=self._input(s.OptionalNoteInputSerializer)["note"]
        )
        return self._out(s.CaseDispatchOutputSerializer, state)

    @_doc(
        "Escalate to the next tier (staff); the project-manager tier starts the solution clock",
        s.EscalateInputSerializer,
        s.EscalationOutputSerializer,
        code=201,
    )
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        ticket = self._ticket()
        data = self._input(s.EscalateInputSerializer)
        escalation = handling.ticket_escalate(
            ticket_id=ticket.pk,
            actor=request.user,
            reason=data["reason"],
            to_tier=data.get("to_tier"),
            engineer=data.get("engineer"),
        )
        return self._out(s.EscalationOutputSerializer, escalation, status.HTTP_201_CREATED)

    @_doc(
        "Give the specialists' solution (stops the solution clock)",
        s.SolutionInputSerializer,
        s.EscalationOutputSerializer,
    )
    @action(detail=True, methods=["post"])
    def solution(self, request, pk=None):
        ticket = self._ticket()
        escalation = handling.escalation_solution_give(
            ticket_id=ticket.pk, actor=request.user, solution=self._input(s.SolutionInputSerializer)["solution"]
        )
        return self._out(s.EscalationOutputSerializer, escalation)

    @extend_schema(
        summary="The case's escalations",
        tags=["dispatch"],
        responses={200: s.EscalationOutputSerializer(many=True), 404: ERROR_404},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def escalations(self, request, pk=None):
        ticket = self._ticket()
        rows = Escalation.objects.filter(ticket=ticket).select_related("escalated_by", "solution_by")
        return Response(s.EscalationOutputSerializer(rows, many=True).data)

    @extend_schema(
        summary="The pool: new, unassigned cases this engineer may claim",
        tags=["dispatch"],
        responses={200: s.PoolCaseSerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def pool(self, request):
        if not request.user.is_engineer:
            raise PermissionDenied(_("Only engineers claim cases."))
        cases = (
            tickets_visible_to(request.user)
            .filter(status=Status.NEW, assignee__isnull=True)
            .select_related("device__product", "device__site", "department")
            .order_by("-priority", "created_at")[:200]
        )
        claimable = [t for t in cases if assignment.claim_refusal(t, request.user, assignment.policy_for(t)) is None]
        page = self.paginate_queryset(claimable)
        return self.get_paginated_response(s.PoolCaseSerializer(page, many=True).data)


# --- remote support -------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Remote sessions on the cases you may see", tags=["remote"], parameters=[TICKET_PARAM]),
    retrieve=extend_schema(summary="One remote session", tags=["remote"]),
)
class RemoteSessionViewSet(DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = RemoteSession.objects.all()
    serializer_class = s.RemoteSessionOutputSerializer
    related = ("requested_by",)

    @_doc(
        "Request a remote session (the case's engineer); the contact is asked to approve",
        s.RemoteSessionCreateSerializer,
        s.RemoteSessionOutputSerializer,
        code=201,
        tags=("remote",),
    )
    def create(self, request):
        data = self._input(s.RemoteSessionCreateSerializer)
        ticket = data.pop("ticket")
        session = remote.remote_session_request(ticket_id=ticket.pk, actor=request.user, **data)
        return self._out(s.RemoteSessionOutputSerializer, session, status.HTTP_201_CREATED)

    @_doc("Approve (the customer contact, in the portal)", None, s.RemoteSessionOutputSerializer, tags=("remote",))
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        session = remote.remote_session_decide(session_id=self.get_object().pk, actor=request.user, approve=True)
        return self._out(s.RemoteSessionOutputSerializer, session)

    @_doc(
        "Refuse with a reason (the customer contact)",
        s.ReasonInputSerializer,
        s.RemoteSessionOutputSerializer,
        tags=("remote",),
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        session = self.get_object()
        reason = self._input(s.ReasonInputSerializer)["reason"]
        session = remote.remote_session_decide(session_id=session.pk, actor=request.user, approve=False, reason=reason)
        return self._out(s.RemoteSessionOutputSerializer, session)

    @_doc(
        "Record a written approval with the scanned document (staff, multipart)",
        {"multipart/form-data": s.RecordApprovalInputSerializer},
        s.RemoteSessionOutputSerializer,
        tags=("remote",),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="record-approval",
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    def record_approval(self, request, pk=None):
        session = self.get_object()
        data = self._input(s.RecordApprovalInputSerializer)
        session = remote.remote_session_record_approval(
            session_id=session.pk,
            actor=request.user,
            approver_name=data["approver_name"],
            document=data["document"],
            expires_at=data.get("expires_at"),
        )
        return self._out(s.RemoteSessionOutputSerializer, session)

    @_doc(
        "Mark started: refused (403) without an approval in force",
        None,
        s.RemoteSessionOutputSerializer,
        tags=("remote",),
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        session = remote.remote_session_start(session_id=self.get_object().pk, actor=request.user)
        return self._out(s.RemoteSessionOutputSerializer, session)

    @_doc("Mark ended", s.OptionalNoteInputSerializer, s.RemoteSessionOutputSerializer, tags=("remote",))
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        session = self.get_object()
        note = self._input(s.OptionalNoteInputSerializer)["note"]
        return self._out(
            s.RemoteSessionOutputSerializer,
            remote.remote_session_end(session_id=session.pk, actor=request.user, note=note),
        )

    @extend_schema(
        summary="The signed approval link for the contact (staff)",
        tags=["remote"],
        responses={200: s.LinkSerializer, 403: ERROR_403, 404: ERROR_404},
    )
    @action(detail=True, methods=["get"], url_path="approval-link")
    def approval_link(self, request, pk=None):
        session = self.get_object()
        _staff_only(request.user)
        token = remote.remote_approval_token(session)
        url = request.build_absolute_uri(reverse("api:remote-session-decide-by-link")) + f"?token={token}"
        return Response({"token": token, "url": url})

    @_doc(
        "Approve or refuse with the signed link's token (no login)",
        s.LinkDecisionInputSerializer,
        s.RemoteSessionOutputSerializer,
        tags=("remote",),
        auth=[],
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="decide-by-link",
        permission_classes=[AllowAny],
        throttle_classes=[AnonRateThrottle],
    )
    def decide_by_link(self, request):
        data = self._input(s.LinkDecisionInputSerializer)
        session = remote.remote_session_decide_by_link(**data)
        return Response(s.RemoteSessionOutputSerializer(session, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(summary="Solution plans", tags=["remote"], parameters=[TICKET_PARAM]),
    retrieve=extend_schema(summary="One solution plan", tags=["remote"]),
)
class SolutionPlanViewSet(DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = SolutionPlan.objects.all()
    serializer_class = s.SolutionPlanOutputSerializer
    related = ("written_by",)

    @_doc(
        "Submit a solution plan for the customer's approval",
        s.SolutionPlanCreateSerializer,
        s.SolutionPlanOutputSerializer,
        code=201,
        tags=("remote",),
    )
    def create(self, request):
        data = self._input(s.SolutionPlanCreateSerializer)
        plan = remote.solution_plan_submit(
            ticket_id=data["ticket"].pk, actor=request.user, body=data["body"], session=data.get("session")
        )
        return self._out(s.SolutionPlanOutputSerializer, plan, status.HTTP_201_CREATED)

    @_doc(
        "Approve the plan (the customer contact)",
        s.OptionalNoteInputSerializer,
        s.SolutionPlanOutputSerializer,
        tags=("remote",),
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        note = self._input(s.OptionalNoteInputSerializer)["note"]
        return self._out(
            s.SolutionPlanOutputSerializer,
            remote.solution_plan_decide(plan_id=plan.pk, actor=request.user, approve=True, note=note),
        )

    @_doc(
        "Reject the plan with a note (the customer contact)",
        s.OptionalNoteInputSerializer,
        s.SolutionPlanOutputSerializer,
        tags=("remote",),
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        plan = self.get_object()
        note = self._input(s.OptionalNoteInputSerializer)["note"]
        return self._out(
            s.SolutionPlanOutputSerializer,
            remote.solution_plan_decide(plan_id=plan.pk, actor=request.user, approve=False, note=note),
        )

    @_doc("Record that the approved plan was carried out", None, s.SolutionPlanOutputSerializer, tags=("remote",))
    @action(detail=True, methods=["post"], url_path="carry-out")
    def carry_out(self, request, pk=None):
        plan = remote.solution_plan_carry_out(plan_id=self.get_object().pk, actor=request.user)
        return self._out(s.SolutionPlanOutputSerializer, plan)


@extend_schema_view(
    list=extend_schema(
        summary="Command logs (kept unchanged, with SHA-256)", tags=["remote"], parameters=[TICKET_PARAM]
    ),
    retrieve=extend_schema(summary="One command log", tags=["remote"]),
)
class CommandLogViewSet(DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Command logs are written once: there is no update or delete."""

    queryset = CommandLog.objects.all()
    serializer_class = s.CommandLogOutputSerializer
    related = ("uploaded_by",)
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]

    @_doc(
        "Store a command log: a file (multipart) or pasted text (JSON)",
        {"multipart/form-data": s.CommandLogCreateSerializer, "application/json": s.CommandLogCreateSerializer},
        s.CommandLogOutputSerializer,
        code=201,
        tags=("remote",),
    )
    def create(self, request):
        data = self._input(s.CommandLogCreateSerializer)
        log = remote.command_log_add(
            ticket_id=data["ticket"].pk,
            actor=request.user,
            file=data.get("file"),
            text=data.get("text", ""),
            session=data.get("session"),
        )
        return self._out(s.CommandLogOutputSerializer, log, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download the log as stored",
        tags=["remote"],
        responses={(200, "text/plain"): OpenApiTypes.BINARY, 404: ERROR_404},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        log = self.get_object()
        response = _file(log.file, log.filename, "text/plain; charset=utf-8")
        response["X-Checksum-SHA256"] = log.sha256
        return response


# --- on site --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="On-site visits", tags=["visits"], parameters=[TICKET_PARAM]),
    retrieve=extend_schema(summary="One visit", tags=["visits"]),
)
class VisitViewSet(DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Visit.objects.all()
    serializer_class = s.VisitOutputSerializer
    related = ("engineer",)

    @_doc(
        "Decide on a visit (starts the on-site clock)",
        s.VisitCreateSerializer,
        s.VisitOutputSerializer,
        code=201,
        tags=("visits",),
    )
    def create(self, request):
        data = self._input(s.VisitCreateSerializer)
        visit = onsite.visit_decide(
            ticket_id=data["ticket"].pk,
            actor=request.user,
            reason=data["reason"],
            engineer=data.get("engineer"),
            planned_at=data.get("planned_at"),
        )
        return self._out(s.VisitOutputSerializer, visit, status.HTTP_201_CREATED)

    @_doc("Plan the visit's time", s.PlannedInputSerializer, s.VisitOutputSerializer, tags=("visits",))
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        visit = self.get_object()
        planned = self._input(s.PlannedInputSerializer)["planned_at"]
        return self._out(
            s.VisitOutputSerializer, onsite.visit_plan(visit_id=visit.pk, actor=request.user, planned_at=planned)
        )

    @_doc("Leave for the site", None, s.VisitOutputSerializer, tags=("visits",))
    @action(detail=True, methods=["post"])
    def depart(self, request, pk=None):
        return self._out(
            s.VisitOutputSerializer, onsite.visit_depart(visit_id=self.get_object().pk, actor=request.user)
        )

    @_doc(
        "Check in on site, with the location if allowed (stops the on-site clock)",
        s.ArriveInputSerializer,
        s.VisitOutputSerializer,
        tags=("visits",),
    )
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        visit = self.get_object()
        data = self._input(s.ArriveInputSerializer)
        visit = onsite.visit_arrive(
            visit_id=visit.pk,
            actor=request.user,
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            accuracy_m=data.get("accuracy_m"),
        )
        return self._out(s.VisitOutputSerializer, visit)

    @_doc("Record when service was restored", s.MomentInputSerializer, s.VisitOutputSerializer, tags=("visits",))
    @action(detail=True, methods=["post"])
    def restored(self, request, pk=None):
        visit = self.get_object()
        at = self._input(s.MomentInputSerializer).get("at")
        return self._out(
            s.VisitOutputSerializer, onsite.visit_record_restored(visit_id=visit.pk, actor=request.user, at=at)
        )

    @_doc("Record when the root cause was fixed", s.MomentInputSerializer, s.VisitOutputSerializer, tags=("visits",))
    @action(detail=True, methods=["post"])
    def fixed(self, request, pk=None):
        visit = self.get_object()
        at = self._input(s.MomentInputSerializer).get("at")
        return self._out(
            s.VisitOutputSerializer, onsite.visit_record_fixed(visit_id=visit.pk, actor=request.user, at=at)
        )

    @_doc("Finish the visit with its record", s.FinishInputSerializer, s.VisitOutputSerializer, tags=("visits",))
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        visit = self.get_object()
        summary = self._input(s.FinishInputSerializer)["summary"]
        return self._out(
            s.VisitOutputSerializer, onsite.visit_finish(visit_id=visit.pk, actor=request.user, summary=summary)
        )


@extend_schema_view(
    list=extend_schema(
        summary="Major operations (reinstall, reboot, data restore)", tags=["visits"], parameters=[TICKET_PARAM]
    ),
    retrieve=extend_schema(summary="One major operation", tags=["visits"]),
)
class MajorOperationViewSet(
    DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = MajorOperation.objects.all()
    serializer_class = s.MajorOperationOutputSerializer
    ticket_path = "visit__ticket"
    related = ("visit",)

    @_doc(
        "Ask the customer's approval for a major operation",
        s.MajorOperationCreateSerializer,
        s.MajorOperationOutputSerializer,
        code=201,
        tags=("visits",),
    )
    def create(self, request):
        data = self._input(s.MajorOperationCreateSerializer)
        operation = onsite.major_operation_request(
            visit_id=data["visit"].pk, actor=request.user, kind=data["kind"], description=data["description"]
        )
        return self._out(s.MajorOperationOutputSerializer, operation, status.HTTP_201_CREATED)

    @_doc(
        "Approve (the customer contact) or record who approved (staff)",
        s.ApproverInputSerializer,
        s.MajorOperationOutputSerializer,
        tags=("visits",),
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        operation = self.get_object()
        name = self._input(s.ApproverInputSerializer)["approver_name"]
        return self._out(
            s.MajorOperationOutputSerializer,
            onsite.major_operation_approve(operation_id=operation.pk, actor=request.user, approver_name=name),
        )

    @_doc(
        "Mark done: refused (403) without the customer's recorded approval",
        None,
        s.MajorOperationOutputSerializer,
        tags=("visits",),
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        return self._out(
            s.MajorOperationOutputSerializer,
            onsite.major_operation_done(operation_id=self.get_object().pk, actor=request.user),
        )


@extend_schema_view(
    list=extend_schema(
        summary="Parts used (free in warranty, charged outside)", tags=["visits"], parameters=[TICKET_PARAM]
    ),
    retrieve=extend_schema(summary="One part line", tags=["visits"]),
)
class PartLineViewSet(DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = PartLine.objects.all()
    serializer_class = s.PartLineOutputSerializer

    @_doc("Record a part used", s.PartLineCreateSerializer, s.PartLineOutputSerializer, code=201, tags=("visits",))
    def create(self, request):
        data = self._input(s.PartLineCreateSerializer)
        line = onsite.part_add(
            ticket_id=data["ticket"].pk,
            actor=request.user,
            description=data["description"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            visit=data.get("visit"),
        )
        return self._out(s.PartLineOutputSerializer, line, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Technical-service applications", tags=["visits"], parameters=[TICKET_PARAM]),
    retrieve=extend_schema(summary="One application", tags=["visits"]),
)
class ServiceApplicationViewSet(
    DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = ServiceApplication.objects.all()
    serializer_class = s.ServiceApplicationOutputSerializer

    @_doc(
        "Prepare the application for a visit",
        s.ServiceApplicationCreateSerializer,
        s.ServiceApplicationOutputSerializer,
        code=201,
        tags=("visits",),
    )
    def create(self, request):
        data = self._input(s.ServiceApplicationCreateSerializer)
        application = onsite.service_application_prepare(
            visit_id=data["visit"].pk, actor=request.user, work_description=data["work_description"]
        )
        return self._out(s.ServiceApplicationOutputSerializer, application, status.HTTP_201_CREATED)

    @_doc(
        "Sign on the engineer's device: a drawn signature as a PNG data URL",
        s.SignInputSerializer,
        s.ServiceApplicationOutputSerializer,
        tags=("visits",),
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        application = self.get_object()
        data = self._input(s.SignInputSerializer)
        application = onsite.service_application_sign(
            application_id=application.pk,
            actor=request.user,
            signer_name=data["signer_name"],
            data_url=data["signature"],
        )
        return self._out(s.ServiceApplicationOutputSerializer, application)

    @extend_schema(
        summary="The signing link for the responsible person (staff; show it as a QR code)",
        tags=["visits"],
        responses={200: s.LinkSerializer, 403: ERROR_403, 404: ERROR_404},
    )
    @action(detail=True, methods=["get"], url_path="signing-link")
    def signing_link(self, request, pk=None):
        application = self.get_object()
        _staff_only(request.user)
        token = onsite.service_application_token(application)
        url = request.build_absolute_uri(reverse("api:service-application-sign-by-link")) + f"?token={token}"
        return Response({"token": token, "url": url})

    @_doc(
        "Sign through the signing link's token (no login)",
        s.SignByLinkInputSerializer,
        s.ServiceApplicationOutputSerializer,
        tags=("visits",),
        auth=[],
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="sign-by-link",
        permission_classes=[AllowAny],
        throttle_classes=[AnonRateThrottle],
    )
    def sign_by_link(self, request):
        data = self._input(s.SignByLinkInputSerializer)
        application = onsite.service_application_sign_by_link(
            token=data["token"], signer_name=data["signer_name"], data_url=data["signature"]
        )
        return Response(s.ServiceApplicationOutputSerializer(application, context=self.get_serializer_context()).data)

    @extend_schema(summary="The signed application (PDF)", tags=["visits"], responses=PDF)
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        application = self.get_object()
        return _file(application.pdf, f"{application.ticket.reference}-service-application.pdf", "application/pdf")


# --- reports --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="The fault database: reports of resolved cases, searchable",
        tags=["reports"],
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Symptom, cause or what was done."),
            OpenApiParameter("product", OpenApiTypes.INT),
            OpenApiParameter("product_line", OpenApiTypes.STR),
            OpenApiParameter("symptom", OpenApiTypes.STR),
            OpenApiParameter("cause", OpenApiTypes.STR),
        ],
    ),
    retrieve=extend_schema(
        summary="One case's fault-handling report (also before the case is resolved)", tags=["reports"]
    ),
)
class FaultReportViewSet(DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = FaultReport.objects.all()
    serializer_class = s.FaultReportOutputSerializer
    related = ("ticket", "product")

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        params = self.request.query_params
        product = params.get("product", "")
        if product and not product.isdigit():
            raise DrfValidationError({"product": ["Give a product id."]})
        return selectors.fault_report_search(
            self.request.user,
            q=params.get("q", ""),
            product_id=int(product) if product else None,
            product_line=params.get("product_line", ""),
            symptom=params.get("symptom", ""),
            cause=params.get("cause", ""),
        )

    @_doc(
        "Write or rewrite the case's report; the PDF is generated and kept",
        s.FaultReportInputSerializer,
        s.FaultReportOutputSerializer,
        code=201,
        tags=("reports",),
    )
    def create(self, request):
        data = self._input(s.FaultReportInputSerializer)
        ticket = data.pop("ticket")
        report = reports.fault_report_write(ticket_id=ticket.pk, actor=request.user, **data)
        return self._out(s.FaultReportOutputSerializer, report, status.HTTP_201_CREATED)

    @extend_schema(summary="The report as PDF (the customer may download it)", tags=["reports"], responses=PDF)
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        report = self.get_object()
        return _file(report.pdf, f"{report.ticket.reference}-fault-report.pdf", "application/pdf")
