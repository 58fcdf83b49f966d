"""The registry API: organisations, contacts, products and devices.

Customers read only their own organisation's records (anything else answers 404);
staff read everything; supervisors and hotline agents may create and change records.
"""

import django_filters
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_set_roles
from core.params import BooleanFilter, IdFilter
from core.phones import phone_digits

from ..access import visible_to
from ..models import Device, Organisation, Product
from .serializers import (
    ContactInputSerializer,
    ContactOutputSerializer,
    DeviceInputSerializer,
    DeviceOutputSerializer,
    OrganisationSerializer,
    ProductSerializer,
)

ERROR_400 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Invalid input: field name → list of messages."))
ERROR_403 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("Only supervisors and hotline agents change records."))
ERROR_404 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("No such record, or not one you may see."))


def _phone_prefix(queryset, name, value):
    """Digits typed so far, whatever separators either side uses (indexed)."""
    digits = phone_digits(value)
    return queryset.filter(phone_digits__startswith=digits) if digits else queryset.none()


class OrganisationFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("Name contains"), lookup_expr="icontains")
    phone = django_filters.CharFilter(label=_("Phone starts with"), method=_phone_prefix)
    is_key_customer = BooleanFilter(label=_("Key customer"))

    class Meta:
        model = Organisation
        fields = ["name", "phone", "is_key_customer"]


class ContactFilter(django_filters.FilterSet):
    organisation = IdFilter(label=_("Organisation id"), field_name="organisation_id")
    # The hotline looks the caller up while the number is being typed.
    phone = django_filters.CharFilter(label=_("Phone starts with"), method=_phone_prefix)
    email = django_filters.CharFilter(label=_("Email"), lookup_expr="iexact")
    is_active = BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["organisation", "phone", "email", "is_active"]


class ProductFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(label=_("Code"), lookup_expr="iexact")
    product_line = django_filters.CharFilter(label=_("Product line"), lookup_expr="iexact")

    class Meta:
        model = Product
        fields = ["code", "product_line"]


class DeviceFilter(django_filters.FilterSet):
    organisation = IdFilter(label=_("Organisation id"), field_name="organisation_id")
    product = IdFilter(label=_("Product id"), field_name="product_id")
    site = IdFilter(label=_("Site id"), field_name="site_id")
    serial_number = django_filters.CharFilter(label=_("Serial number"), lookup_expr="iexact")

    class Meta:
        model = Device
        fields = ["organisation", "product", "site", "serial_number"]


class RegistryPermission(permissions.BasePermission):
    """Everyone signed in reads (scoped by get_queryset); supervisors and hotline agents write."""

    message = _("Only supervisors and hotline agents may change the registry.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return user.is_supervisor or user.has_role(Role.AGENT)


class RegistryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List, read, create, and change (PATCH) one kind of registry record.

    ``output_serializer`` shapes what is read, ``input_serializer`` validates writes;
    ``visible()`` scopes the records to the user.
    """

    permission_classes = [RegistryPermission]
    filter_backends = [DjangoFilterBackend]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    output_serializer: type
    input_serializer: type

    def get_serializer_class(self):
        return self.output_serializer

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    # How a row leads to its organisation, for the organisation rule ("": the row is one).
    organisation_path = "organisation"

    def visible(self, queryset: QuerySet, user: User) -> QuerySet:
        return visible_to(user, queryset, self.organisation_path)

    def get_queryset(self):
        queryset = self.base_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset.none()
        return self.visible(queryset, self.request.user)

    def save(self, serializer):
        return serializer.save()

    def create(self, request, *args, **kwargs):
        serializer = self.input_serializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        instance = self.save(serializer)
        instance = self.base_queryset().get(pk=instance.pk)
        return Response(
            self.output_serializer(instance, context=self.get_serializer_context()).data, status.HTTP_201_CREATED
        )

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.input_serializer(
            instance, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        instance = self.save(serializer)
        instance = self.base_queryset().get(pk=instance.pk)
        return Response(self.output_serializer(instance, context=self.get_serializer_context()).data)


def _registry_schema(name: str, input_serializer, output_serializer, tag: str):
    return extend_schema_view(
        list=extend_schema(summary=f"List {name}s", tags=[tag]),
        retrieve=extend_schema(
            summary=f"Read one {name}", responses={200: output_serializer, 404: ERROR_404}, tags=[tag]
        ),
        create=extend_schema(
            summary=f"Add a {name}",
            request=input_serializer,
            responses={201: output_serializer, 400: ERROR_400, 403: ERROR_403},
            tags=[tag],
        ),
        partial_update=extend_schema(
            summary=f"Change a {name}",
            request=input_serializer,
            responses={200: output_serializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404},
            tags=[tag],
        ),
    )


@_registry_schema("organisation", OrganisationSerializer, OrganisationSerializer, "organisations")
class OrganisationViewSet(RegistryViewSet):
    output_serializer = input_serializer = OrganisationSerializer
    filterset_class = OrganisationFilter

    organisation_path = ""

    def base_queryset(self):
        return Organisation.objects.all()


@_registry_schema("contact", ContactInputSerializer, ContactOutputSerializer, "contacts")
class ContactViewSet(RegistryViewSet):
    output_serializer = ContactOutputSerializer
    input_serializer = ContactInputSerializer
    filterset_class = ContactFilter

    def base_queryset(self):
        return User.objects.filter(organisation__isnull=False).select_related("organisation").order_by("pk")

    @transaction.atomic
    def save(self, serializer):
        if serializer.instance is not None:
            return serializer.save()
        # A new contact signs in only after an administrator or a reset sets a password.
        contact = User.objects.create_user(password=None, **serializer.validated_data)
        user_set_roles(contact, Role.CUSTOMER)
        return contact


@_registry_schema("product", ProductSerializer, ProductSerializer, "products")
class ProductViewSet(RegistryViewSet):
    output_serializer = input_serializer = ProductSerializer
    filterset_class = ProductFilter

    def base_queryset(self):
        return Product.objects.all()

    def visible(self, queryset, user):
        # A customer sees the products their organisation runs.
        if user.is_authenticated and user.is_staff_member:
            return queryset
        return queryset.filter(pk__in=visible_to(user, Device.objects.all()).values("product_id"))


@_registry_schema("device", DeviceInputSerializer, DeviceOutputSerializer, "devices")
class DeviceViewSet(RegistryViewSet):
    output_serializer = DeviceOutputSerializer
    input_serializer = DeviceInputSerializer
    filterset_class = DeviceFilter

    def base_queryset(self):
        return Device.objects.select_related("organisation", "product", "site")
