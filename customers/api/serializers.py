"""Shapes of the registry API: organisations, contacts, products, devices."""

from django.conf import settings
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User

from ..models import Device, Organisation, Product, Site


@extend_schema_field({"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}]})
class BlankableEmailField(serializers.CharField):
    """An email address that may be left empty: documented as either, so "" is valid output too."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value:
            # Checked here rather than as a field validator, which the schema would render as
            # format: email without the blank alternative.
            EmailValidator(message=_("Enter a valid email address."))(value)
        return value


class RefSerializer(serializers.Serializer):
    """A related record as its id and display name (shared by the APIs above the registry)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class DeviceRefSerializer(RefSerializer):
    serial_number = serializers.CharField(read_only=True)


class SiteRefSerializer(RefSerializer):
    name = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)


# --- organisations --------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    """Input and output are the same record."""

    email = BlankableEmailField(max_length=254)

    class Meta:
        model = Organisation
        fields = ["id", "name", "phone", "email", "address", "is_key_customer", "created_at"]
        read_only_fields = ["id", "created_at"]


# --- contacts -------------------------------------------------------------------------


class ContactOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)
    organisation = RefSerializer(read_only=True)
    email = BlankableEmailField(read_only=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, allow_blank=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "first_name",
            "last_name",
            "email",
            "phone",
            "organisation",
            "language",
            "is_active",
        ]
        read_only_fields = fields


class ContactInputSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "phone", "organisation", "language", "is_active"]
        extra_kwargs = {"username": {"help_text": _("Set when the contact is created; it cannot be changed later.")}}

    def validate_username(self, value: str) -> str:
        if self.instance is not None and value != self.instance.username:
            raise serializers.ValidationError(_("The user name cannot be changed."))
        return value


# --- products and devices -------------------------------------------------------------


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "code", "name", "product_line"]
        read_only_fields = ["id"]


class DeviceOutputSerializer(serializers.ModelSerializer):
    organisation = RefSerializer(read_only=True)
    product = RefSerializer(read_only=True)
    site = SiteRefSerializer(read_only=True, allow_null=True)
    warranty_until = serializers.DateField(read_only=True, allow_null=True)
    in_warranty = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = [
            "id",
            "serial_number",
            "organisation",
            "site",
            "product",
            "delivered_on",
            "warranty_months",
            "warranty_until",
            "in_warranty",
        ]
        read_only_fields = fields

    def get_in_warranty(self, device: Device) -> bool:
        return device.in_warranty(timezone.localdate())


class DeviceInputSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Device
        fields = ["serial_number", "organisation", "site", "product", "delivered_on", "warranty_months"]

    def validate(self, attrs):
        organisation = attrs.get("organisation", getattr(self.instance, "organisation", None))
        site = attrs.get("site", getattr(self.instance, "site", None))
        if site is not None and organisation is not None and site.organisation_id != organisation.pk:
            raise serializers.ValidationError({"site": [_("This site belongs to another organisation.")]})
        return attrs
