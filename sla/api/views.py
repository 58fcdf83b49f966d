"""SLA figures over REST (/api/v1/sla/…): a case's clocks, the at-risk and breached lists, compliance."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets.selectors import ticket_get_for_user

from .. import selectors
from .serializers import ClockOutputSerializer, ComplianceQuerySerializer, ComplianceRowSerializer


class IsStaffMember(permissions.BasePermission):
    """Clocks are internal: customers see none."""

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and request.user.is_staff_member)


class IsSupervisor(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and request.user.is_supervisor)


class TicketClockList(ListAPIView):
    """The clocks of one case: target, deadline (UTC), time left or overdue, paused or running."""

    serializer_class = ClockOutputSerializer
    permission_classes = [IsStaffMember]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        ticket = ticket_get_for_user(self.request.user, reference=self.kwargs["reference"])
        return selectors.clock_list_for_ticket(ticket).select_related("ticket")


class AtRiskList(ListAPIView):
    """Open clocks not yet breached, least time left first."""

    serializer_class = ClockOutputSerializer
    permission_classes = [IsSupervisor]
    filter_backends = []

    def get_queryset(self):
        return selectors.clock_list_at_risk(self.request.user)


class BreachedList(AtRiskList):
    """Open clocks past their deadline, most overdue first."""

    def get_queryset(self):
        return selectors.clock_list_breached(self.request.user)


class ComplianceView(APIView):
    """Per target over a period: clocks stopped, % met, median and 90th percentile time to stop."""

    permission_classes = [IsSupervisor]

    @extend_schema(parameters=[ComplianceQuerySerializer], responses=ComplianceRowSerializer(many=True))
    def get(self, request):
        query = ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.compliance(request.user, **query.validated_data)
        return Response(ComplianceRowSerializer(rows, many=True).data)
