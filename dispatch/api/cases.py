"""Dispatching one case through the API (/api/v1/dispatch-cases/…): suggestions, assign, claim,
accept, decline, chase, escalate, the solution, the pool. Unchanged while the assignment services
are rewritten; only moved out of the one big module."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tickets.access import tickets_visible_to
from tickets.lifecycle import Action, Status
from tickets.models import Ticket
from tickets.selectors import ticket_get_for_user
from tickets.services import ticket_transition

from ..models import CaseDispatch, Escalation, Tier
from ..services import assignment, handling
from .common import (
    ERROR_404,
    DispatchAPIMixin,
    EngineerField,
    OptionalNoteInputSerializer,
    ReasonInputSerializer,
    UserRefSerializer,
    doc,
    inline_choice,
    staff_only,
)


class SuggestionSerializer(serializers.Serializer):
    engineer = UserRefSerializer()
    dedicated = serializers.BooleanField()
    skill = serializers.BooleanField()
    region = serializers.BooleanField()
    on_duty = serializers.BooleanField()
    on_call_phone = serializers.CharField()
    load = serializers.IntegerField()
    max_open_cases = serializers.IntegerField()
    at_capacity = serializers.BooleanField()
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class CaseDispatchOutputSerializer(serializers.ModelSerializer):
    tier = serializers.IntegerField(read_only=True)
    ticket = serializers.IntegerField(source="ticket_id", read_only=True)
    awaiting = UserRefSerializer(allow_null=True, read_only=True)
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)

    class Meta:
        model = CaseDispatch
        fields = [
            "ticket",
            "tier",
            "tier_label",
            "awaiting",
            "accept_due_at",
            "redispatch_count",
            "chase_count",
            "last_chased_at",
        ]


class DispatchAssignInputSerializer(serializers.Serializer):
    engineer = EngineerField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    expected_assignee = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The engineer you saw on the case (null: unassigned). If someone assigned it meanwhile, "
        "the answer is 409 and nothing changes. Omitted: the case as it is now.",
    )


class EscalateInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    to_tier = inline_choice(Tier.choices, type_="integer", required=False, allow_null=True)
    engineer = EngineerField(required=False, allow_null=True)


class SolutionInputSerializer(serializers.Serializer):
    solution = serializers.CharField()


class EscalationOutputSerializer(serializers.ModelSerializer):
    from_tier = serializers.IntegerField(read_only=True)
    to_tier = serializers.IntegerField(read_only=True)
    escalated_by = UserRefSerializer(allow_null=True, read_only=True)
    solution_by = UserRefSerializer(allow_null=True, read_only=True)

    class Meta:
        model = Escalation
        fields = [
            "id",
            "ticket",
            "from_tier",
            "to_tier",
            "escalated_by",
            "reason",
            "created_at",
            "solution",
            "solution_by",
            "solution_given_at",
        ]


class PoolCaseSerializer(serializers.ModelSerializer):
    product_line = serializers.CharField(source="device.product.product_line", default="", read_only=True)

    class Meta:
        model = Ticket
        fields = ["id", "reference", "subject", "priority", "category", "created_at", "product_line"]


# --- dispatching a case ----------------------------------------------------------------


@extend_schema(parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The case id.")])
@extend_schema_view(
    retrieve=extend_schema(summary="A case's dispatch state (tier, chases, awaiting acceptance)", tags=["dispatch"])
)
class DispatchCaseViewSet(DispatchAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Dispatching one case, addressed by the case id: suggestions, assign, claim, accept, decline,
    chase, escalate. A case the user may not see answers 404."""

    queryset = CaseDispatch.objects.all()
    serializer_class = CaseDispatchOutputSerializer

    def _ticket(self):
        return ticket_get_for_user(self.request.user, pk=self.kwargs["pk"])

    def _state(self, ticket) -> CaseDispatch:
        return CaseDispatch.objects.select_related("awaiting").filter(ticket=ticket).first() or CaseDispatch(
            ticket=ticket
        )

    def retrieve(self, request, pk=None):
        return self._out(CaseDispatchOutputSerializer, self._state(self._ticket()))

    @extend_schema(
        summary="Engineers ranked for this case, with reasons (staff)",
        tags=["dispatch"],
        responses={200: SuggestionSerializer(many=True), 404: ERROR_404},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def suggestions(self, request, pk=None):
        ticket = self._ticket()
        staff_only(request.user)
        return Response(SuggestionSerializer(assignment.engineer_suggest(ticket), many=True).data)

    @doc(
        "Assign or reassign (managers); 409 if someone else assigned it meanwhile",
        DispatchAssignInputSerializer,
        CaseDispatchOutputSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        ticket = self._ticket()
        data = self._input(DispatchAssignInputSerializer)
        expected = data["expected_assignee"] if "expected_assignee" in request.data else ticket.assignee_id
        assignment.dispatch_assign(
            ticket_id=ticket.pk,
            engineer=data["engineer"],
            actor=request.user,
            note=data["note"],
            expected_assignee_id=expected,
        )
        return self._out(CaseDispatchOutputSerializer, self._state(ticket))

    @doc("Claim the case from the pool (engineers); 409 if already taken", None, CaseDispatchOutputSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        ticket = self._ticket()
        if not request.user.is_engineer:
            raise PermissionDenied(_("Only engineers claim cases."))
        assignment.ticket_claim(ticket_id=ticket.pk, engineer=request.user)
        return self._out(CaseDispatchOutputSerializer, self._state(ticket))

    @doc(
        "Accept the assignment and start work (the assigned engineer)",
        OptionalNoteInputSerializer,
        CaseDispatchOutputSerializer,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        ticket = self._ticket()
        # The one accept: the lifecycle's START (the assigned engineer, or a manager on their behalf).
        ticket_transition(
            ticket_id=ticket.pk,
            action=Action.START,
            actor=request.user,
            note=self._input(OptionalNoteInputSerializer)["note"],
        )
        return self._out(CaseDispatchOutputSerializer, self._state(ticket))

    @doc(
        "Decline the assignment with a reason (the assigned engineer)",
        ReasonInputSerializer,
        CaseDispatchOutputSerializer,
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        ticket = self._ticket()
        assignment.assignment_decline(
            ticket_id=ticket.pk, engineer=request.user, reason=self._input(ReasonInputSerializer)["reason"]
        )
        return self._out(CaseDispatchOutputSerializer, self._state(ticket))

    @doc("Chase the case (the customer or a manager)", OptionalNoteInputSerializer, CaseDispatchOutputSerializer)
    @action(detail=True, methods=["post"])
    def chase(self, request, pk=None):
        ticket = self._ticket()
        state = handling.ticket_chase(
            ticket_id=ticket.pk, actor=request.user, note=self._input(OptionalNoteInputSerializer)["note"]
        )
        return self._out(CaseDispatchOutputSerializer, state)

    @doc(
        "Escalate to the next tier (staff); the project-manager tier starts the solution clock",
        EscalateInputSerializer,
        EscalationOutputSerializer,
        code=201,
    )
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        ticket = self._ticket()
        data = self._input(EscalateInputSerializer)
        escalation = handling.ticket_escalate(
            ticket_id=ticket.pk,
            actor=request.user,
            reason=data["reason"],
            to_tier=data.get("to_tier"),
            engineer=data.get("engineer"),
        )
        return self._out(EscalationOutputSerializer, escalation, status.HTTP_201_CREATED)

    @doc(
        "Give the specialists' solution (stops the solution clock)",
        SolutionInputSerializer,
        EscalationOutputSerializer,
    )
    @action(detail=True, methods=["post"])
    def solution(self, request, pk=None):
        ticket = self._ticket()
        escalation = handling.escalation_solution_give(
            ticket_id=ticket.pk, actor=request.user, solution=self._input(SolutionInputSerializer)["solution"]
        )
        return self._out(EscalationOutputSerializer, escalation)

    @extend_schema(
        summary="The case's escalations",
        tags=["dispatch"],
        responses={200: EscalationOutputSerializer(many=True), 404: ERROR_404},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def escalations(self, request, pk=None):
        ticket = self._ticket()
        rows = Escalation.objects.filter(ticket=ticket).select_related("escalated_by", "solution_by")
        return Response(EscalationOutputSerializer(rows, many=True).data)

    @extend_schema(
        summary="The pool: new, unassigned cases this engineer may claim",
        tags=["dispatch"],
        responses={200: PoolCaseSerializer(many=True)},
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
        return self.get_paginated_response(PoolCaseSerializer(page, many=True).data)
