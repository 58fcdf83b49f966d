"""What every dispatch viewset and serializer shares: the documented error answers, rows through the
one access rule, lost races answering 409, and the id fields scoped to what the user may see.

Every case-bound row comes through the one access rule (``tickets.access.tickets_visible_to``):
a row on a case the user may not see answers 404. Writes go through the services; they decide
who may do what (403), what is valid (400), and refuse a lost race (409).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.models import User
from core.pagination import NoCountPagination
from core.params import BIGINT_MAX, query_int
from tickets.access import tickets_visible_to
from tickets.models import Ticket
from tickets.selectors import engineer_list

ERROR_400 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Invalid input: field name → list of messages."))
ERROR_403 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Your role may not do this here."))
ERROR_404 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("No such object, or not on a case you may see."))
ERROR_409 = OpenApiResponse(
    OpenApiTypes.OBJECT, description=_('Someone else changed the case first: {"detail": reason, "code": "conflict"}.')
)
PDF = {(200, "application/pdf"): OpenApiTypes.BINARY, 404: ERROR_404}
TICKET_PARAM = OpenApiParameter(
    "ticket", {"type": "integer", "minimum": 1, "maximum": BIGINT_MAX}, description="Only this case's rows."
)


def doc(summary: str, request=None, response=None, *, code: int = 200, tags=("dispatch",), **kwargs):
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
        if self.action == "list":
            ticket = query_int(self.request.query_params, "ticket", message=gettext("Give a case id."))
            if ticket is not None:
                qs = qs.filter(
                    **{f"{self.ticket_path}_id" if "__" not in self.ticket_path else self.ticket_path: ticket}
                )
        return qs.select_related(*self.related)

    def _out(self, serializer_class, obj, code=status.HTTP_200_OK) -> Response:
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, status=code)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def stored_file(field, filename: str, content_type: str) -> FileResponse:
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=True, filename=filename, content_type=content_type)


def staff_only(user) -> None:
    if not user.is_staff_member:
        raise PermissionDenied(_("Only staff see this."))


# --- fields and shapes every part uses ---------------------------------------------------


def inline_choice(choices, *, type_: str = "string", **kwargs) -> serializers.ChoiceField:
    """A choice field documented with its enum inline: the schema's shared enum names (``kind``,
    ``tier``) belong to other apps' fields, and inline enums cannot collide with them."""
    schema = {"type": type_, "enum": [value for value, _ in choices]}
    field_class = extend_schema_field(schema)(type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


def request_user(serializer) -> User:
    return serializer.context["request"].user


class VisibleTicketField(serializers.PrimaryKeyRelatedField):
    """A case id the user may see (the one access rule); any other id is "does not exist"."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Ticket.objects.all(), **kwargs)

    def get_queryset(self):
        return tickets_visible_to(request_user(self.parent))


class VisibleRowField(serializers.PrimaryKeyRelatedField):
    """An id of a row hanging off a case the user may see (visit, remote session): others do not exist."""

    def __init__(self, model, ticket_path: str = "ticket", **kwargs):
        self.model, self.ticket_path = model, ticket_path
        super().__init__(queryset=model.objects.all(), **kwargs)

    def get_queryset(self):
        visible = tickets_visible_to(request_user(self.parent)).values("pk")
        return self.model.objects.filter(**{f"{self.ticket_path}__in": visible})


class EngineerField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.all(), **kwargs)

    def get_queryset(self):
        return engineer_list().distinct()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


def absolute(serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class OptionalNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class LinkSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField()
