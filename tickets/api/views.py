"""The case API: list, create, read, edit, the lifecycle actions, the timeline and files.

Every case comes from ``tickets.selectors`` (the one access rule), so a case the user may
not see answers 404; every write goes through ``tickets.services``.
"""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.pagination import NoCountPagination

from .. import selectors, services
from ..filters import TicketFilter
from ..lifecycle import Action
from ..models import Ticket
from .serializers import (
    AssignInputSerializer,
    AttachmentInputSerializer,
    AttachmentOutputSerializer,
    CommentInputSerializer,
    EventOutputSerializer,
    NoteInputSerializer,
    ResolveInputSerializer,
    TicketCreateInputSerializer,
    TicketOutputSerializer,
    TicketUpdateInputSerializer,
    WaitInputSerializer,
)

# Error bodies, for the schema. The exception handler (core.api) shapes them.
ERROR_400 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Invalid input: field name → list of messages."))
ERROR_403 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Your role may not do this on this case."))
ERROR_404 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("No such case, or not one you may see."))
ERROR_409 = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_(
        "The lifecycle does not allow this action from the case's current status: "
        '{"detail": reason, "code": "invalid_transition", "status": …, "action": …}.'
    ),
)


def _transition_schema(action: Action, request, summary: str):
    return extend_schema(
        summary=summary,
        request=request,
        responses={200: TicketOutputSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409},
        tags=["tickets"],
        operation_id=f"tickets_{action.value}",
    )


@extend_schema_view(
    list=extend_schema(
        summary="List the cases you may see",
        tags=["tickets"],
        responses={200: TicketOutputSerializer(many=True), 400: ERROR_400},
    ),
    retrieve=extend_schema(summary="Read one case", responses={200: TicketOutputSerializer, 404: ERROR_404}),
    create=extend_schema(
        summary="Open a case",
        request=TicketCreateInputSerializer,
        responses={201: TicketOutputSerializer, 400: ERROR_400, 403: ERROR_403},
    ),
    partial_update=extend_schema(
        summary="Change a case's facts",
        request=TicketUpdateInputSerializer,
        responses={200: TicketOutputSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404},
    ),
)
class TicketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TicketOutputSerializer
    pagination_class = NoCountPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = TicketFilter
    lookup_value_regex = r"\d+"
    # Edits are partial only: PUT would mean "send every field", which nobody should.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.ticket_list_for_api(self.request.user)

    def get_object(self) -> Ticket:
        ticket = selectors.ticket_get_for_user(self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, ticket)
        return ticket

    def _output(self, ticket_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        ticket = selectors.ticket_get_for_user(self.request.user, pk=ticket_id)
        return Response(TicketOutputSerializer(ticket, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = TicketCreateInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        ticket = services.ticket_create(actor=request.user, **serializer.validated_data)
        # The new case already holds its related objects: answer from it rather than reading
        # it back (its creator may always see it), which saves a wide join on the busiest write.
        return Response(
            TicketOutputSerializer(ticket, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request, *args, **kwargs):
        ticket = self.get_object()
        serializer = TicketUpdateInputSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.ticket_update(ticket_id=ticket.pk, actor=request.user, **serializer.validated_data)
        return self._output(ticket.pk)

    # --- lifecycle actions: each one is ticket_transition, never a status write ---------

    def _transition(self, request, action: Action, input_serializer) -> Response:
        ticket = self.get_object()
        serializer = input_serializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if not request.user.is_staff_member:
            data["is_public"] = True
        services.ticket_transition(ticket_id=ticket.pk, action=action, actor=request.user, **data)
        return self._output(ticket.pk)

    @_transition_schema(Action.ASSIGN, AssignInputSerializer, "Assign (or reassign) an engineer")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._transition(request, Action.ASSIGN, AssignInputSerializer)

    @_transition_schema(Action.START, NoteInputSerializer, "Accept the case and start work")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._transition(request, Action.START, NoteInputSerializer)

    @_transition_schema(Action.WAIT, WaitInputSerializer, "Ask the customer and wait for them")
    @action(detail=True, methods=["post"])
    def wait(self, request, pk=None):
        return self._transition(request, Action.WAIT, WaitInputSerializer)

    @_transition_schema(Action.RESUME, NoteInputSerializer, "Resume work after waiting")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._transition(request, Action.RESUME, NoteInputSerializer)

    @_transition_schema(Action.RESOLVE, ResolveInputSerializer, "Resolve the case (sends the survey)")
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._transition(request, Action.RESOLVE, ResolveInputSerializer)

    @_transition_schema(Action.REOPEN, NoteInputSerializer, "Reopen a resolved case")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._transition(request, Action.REOPEN, NoteInputSerializer)

    @_transition_schema(Action.ARCHIVE, NoteInputSerializer, "Archive a resolved case")
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._transition(request, Action.ARCHIVE, NoteInputSerializer)

    @_transition_schema(Action.CANCEL, NoteInputSerializer, "Cancel an open case")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._transition(request, Action.CANCEL, NoteInputSerializer)

    # --- timeline and files ------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The case's timeline (customers see only public events)",
        responses={200: EventOutputSerializer(many=True), 404: ERROR_404},
        tags=["tickets"],
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a comment (customers' comments are always public)",
        request=CommentInputSerializer,
        responses={201: EventOutputSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404},
        tags=["tickets"],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=NoCountPagination)
    def events(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "POST":
            serializer = CommentInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            is_public = serializer.validated_data["is_public"] or not request.user.is_staff_member
            event = services.ticket_comment(
                ticket_id=ticket.pk, actor=request.user, body=serializer.validated_data["body"], is_public=is_public
            )
            return Response(
                EventOutputSerializer(event, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            )
        page = self.paginate_queryset(selectors.ticket_timeline(ticket, request.user))
        data = EventOutputSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(
        methods=["GET"],
        summary="The case's files (customers see only public ones)",
        responses={200: AttachmentOutputSerializer(many=True), 404: ERROR_404},
        tags=["tickets"],
    )
    @extend_schema(
        methods=["POST"],
        summary="Upload a file (multipart)",
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentOutputSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404},
        tags=["tickets"],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filter_backends=[],
        pagination_class=NoCountPagination,
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "POST":
            serializer = AttachmentInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            is_public = serializer.validated_data["is_public"] or not request.user.is_staff_member
            attachment = services.attachment_add(
                ticket_id=ticket.pk, actor=request.user, file=serializer.validated_data["file"], is_public=is_public
            )
            return Response(
                AttachmentOutputSerializer(attachment, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            )
        page = self.paginate_queryset(selectors.attachment_list_for_ticket(ticket, request.user))
        data = AttachmentOutputSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)
