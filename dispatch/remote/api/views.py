"""Remote support (/api/v1/remote-sessions/, /api/v1/solution-plans/, /api/v1/command-logs/)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from dispatch.api.common import (
    ERROR_403,
    ERROR_404,
    TICKET_PARAM,
    DispatchAPIMixin,
    LinkSerializer,
    OptionalNoteInputSerializer,
    ReasonInputSerializer,
    doc,
    staff_only,
    stored_file,
)
from dispatch.remote import services as remote
from dispatch.remote.models import CommandLog, RemoteSession, SolutionPlan

from . import serializers as s


@extend_schema_view(
    list=extend_schema(summary="Remote sessions on the cases you may see", tags=["remote"], parameters=[TICKET_PARAM]),
    retrieve=extend_schema(summary="One remote session", tags=["remote"]),
)
class RemoteSessionViewSet(DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = RemoteSession.objects.all()
    serializer_class = s.RemoteSessionOutputSerializer
    related = ("requested_by",)

    @doc(
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

    @doc("Approve (the customer contact, in the portal)", None, s.RemoteSessionOutputSerializer, tags=("remote",))
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        session = remote.remote_session_decide(session_id=self.get_object().pk, actor=request.user, approve=True)
        return self._out(s.RemoteSessionOutputSerializer, session)

    @doc(
        "Refuse with a reason (the customer contact)",
        ReasonInputSerializer,
        s.RemoteSessionOutputSerializer,
        tags=("remote",),
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        session = self.get_object()
        reason = self._input(ReasonInputSerializer)["reason"]
        session = remote.remote_session_decide(session_id=session.pk, actor=request.user, approve=False, reason=reason)
        return self._out(s.RemoteSessionOutputSerializer, session)

    @doc(
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

    @doc(
        "Mark started: refused (403) without an approval in force",
        None,
        s.RemoteSessionOutputSerializer,
        tags=("remote",),
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        session = remote.remote_session_start(session_id=self.get_object().pk, actor=request.user)
        return self._out(s.RemoteSessionOutputSerializer, session)

    @doc("Mark ended", OptionalNoteInputSerializer, s.RemoteSessionOutputSerializer, tags=("remote",))
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        session = self.get_object()
        note = self._input(OptionalNoteInputSerializer)["note"]
        return self._out(
            s.RemoteSessionOutputSerializer,
            remote.remote_session_end(session_id=session.pk, actor=request.user, note=note),
        )

    @extend_schema(
        summary="The signed approval link for the contact (staff)",
        tags=["remote"],
        responses={200: LinkSerializer, 403: ERROR_403, 404: ERROR_404},
    )
    @action(detail=True, methods=["get"], url_path="approval-link")
    def approval_link(self, request, pk=None):
        session = self.get_object()
        staff_only(request.user)
        token = remote.remote_approval_token(session)
        url = request.build_absolute_uri(reverse("api:remote-session-decide-by-link")) + f"?token={token}"
        return Response({"token": token, "url": url})

    @doc(
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

    @doc(
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

    @doc(
        "Approve the plan (the customer contact)",
        OptionalNoteInputSerializer,
        s.SolutionPlanOutputSerializer,
        tags=("remote",),
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        note = self._input(OptionalNoteInputSerializer)["note"]
        return self._out(
            s.SolutionPlanOutputSerializer,
            remote.solution_plan_decide(plan_id=plan.pk, actor=request.user, approve=True, note=note),
        )

    @doc(
        "Reject the plan with a note (the customer contact)",
        OptionalNoteInputSerializer,
        s.SolutionPlanOutputSerializer,
        tags=("remote",),
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        plan = self.get_object()
        note = self._input(OptionalNoteInputSerializer)["note"]
        return self._out(
            s.SolutionPlanOutputSerializer,
            remote.solution_plan_decide(plan_id=plan.pk, actor=request.user, approve=False, note=note),
        )

    @doc("Record that the approved plan was carried out", None, s.SolutionPlanOutputSerializer, tags=("remote",))
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

    @doc(
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
        response = stored_file(log.file, log.filename, "text/plain; charset=utf-8")
        response["X-Checksum-SHA256"] = log.sha256
        return response
